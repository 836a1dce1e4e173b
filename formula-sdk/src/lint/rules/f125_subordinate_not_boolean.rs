//! F125 `subordinate-not-boolean`: subordinate is not a boolean.
#![doc = include_str!("f125_subordinate_not_boolean.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F125",
    name: "subordinate-not-boolean",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "subordinate is not a boolean",
    since: "0.1.0",
    proof: Some("31"),
    explanation: include_str!("f125_subordinate_not_boolean.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
