//! F005 `file-too-large`: a formula file is too large to be what it claims.
#![doc = include_str!("f005_file_too_large.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F005",
    name: "file-too-large",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a formula file is too large to be what it claims",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f005_file_too_large.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
