//! F101 `unknown-metadata-field`: metadata.yaml has a top-level key that neither Juju nor proof knows.
#![doc = include_str!("f101_unknown_metadata_field.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F101",
    name: "unknown-metadata-field",
    severity: Severity::Info,
    group: Group::Style,
    summary: "metadata.yaml has a top-level key that neither Juju nor proof knows",
    since: "0.1.0",
    proof: Some("4"),
    explanation: include_str!("f101_unknown_metadata_field.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
