//! F401 `actions-not-a-map`: actions.yaml is not a mapping of action definitions.
#![doc = include_str!("f401_actions_not_a_map.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F401",
    name: "actions-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "actions.yaml is not a mapping of action definitions",
    since: "0.1.0",
    proof: Some("42"),
    explanation: include_str!("f401_actions_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
