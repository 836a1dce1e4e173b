//! F606 `revision-file-invalid`: the revision file does not hold a number.
#![doc = include_str!("f606_revision_file_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F606",
    name: "revision-file-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the revision file does not hold a number",
    since: "0.1.0",
    proof: Some("46"),
    explanation: include_str!("f606_revision_file_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
