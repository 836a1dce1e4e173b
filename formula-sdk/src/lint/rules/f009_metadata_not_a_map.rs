//! F009 `metadata-not-a-map`: metadata.yaml is not a mapping.
#![doc = include_str!("f009_metadata_not_a_map.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F009",
    name: "metadata-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata.yaml is not a mapping",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f009_metadata_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
