//! F008 `invalid-allow-list`: the formula's allow-list names unknown rules or is malformed.
#![doc = include_str!("f008_invalid_allow_list.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F008",
    name: "invalid-allow-list",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "the formula's allow-list names unknown rules or is malformed",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f008_invalid_allow_list.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
