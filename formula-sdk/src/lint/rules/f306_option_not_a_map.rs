//! F306 `option-not-a-map`: a config option's definition is not a mapping.
#![doc = include_str!("f306_option_not_a_map.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F306",
    name: "option-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's definition is not a mapping",
    since: "0.1.0",
    proof: Some("52"),
    explanation: include_str!("f306_option_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
