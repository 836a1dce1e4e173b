//! F116 `storage-invalid`: a storage definition is malformed.
#![doc = include_str!("f116_storage_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F116",
    name: "storage-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a storage definition is malformed",
    since: "0.1.0",
    proof: Some("18"),
    explanation: include_str!("f116_storage_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
