//! F129 `metadata-revision-invalid`: metadata's revision is not a non-negative integer.
#![doc = include_str!("f129_metadata_revision_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F129",
    name: "metadata-revision-invalid",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "metadata's revision is not a non-negative integer",
    since: "0.1.0",
    proof: Some("36"),
    explanation: include_str!("f129_metadata_revision_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
