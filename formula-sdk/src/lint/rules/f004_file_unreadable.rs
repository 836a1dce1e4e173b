//! F004 `file-unreadable`: a file of the formula cannot be read.
#![doc = include_str!("f004_file_unreadable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F004",
    name: "file-unreadable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a file of the formula cannot be read",
    since: "0.1.0",
    proof: Some("27,30"),
    explanation: include_str!("f004_file_unreadable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
