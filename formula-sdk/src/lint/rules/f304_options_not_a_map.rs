//! F304 `options-not-a-map`: options in config.yaml is not a mapping.
#![doc = include_str!("f304_options_not_a_map.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F304",
    name: "options-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "options in config.yaml is not a mapping",
    since: "0.1.0",
    proof: Some("50"),
    explanation: include_str!("f304_options_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
