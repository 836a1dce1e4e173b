//! F102 `missing-metadata-field`: metadata.yaml lacks name, summary or description.
#![doc = include_str!("f102_missing_metadata_field.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F102",
    name: "missing-metadata-field",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata.yaml lacks name, summary or description",
    since: "0.1.0",
    proof: Some("5"),
    explanation: include_str!("f102_missing_metadata_field.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
