//! F311 `option-without-default`: a config option has no default.
#![doc = include_str!("f311_option_without_default.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F311",
    name: "option-without-default",
    severity: Severity::Info,
    group: Group::Style,
    summary: "a config option has no default",
    since: "0.1.0",
    proof: Some("57"),
    explanation: include_str!("f311_option_without_default.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
