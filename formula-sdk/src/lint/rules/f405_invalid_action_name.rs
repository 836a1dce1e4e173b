//! F405 `invalid-action-name`: an action name is not valid.
#![doc = include_str!("f405_invalid_action_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F405",
    name: "invalid-action-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action name is not valid",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f405_invalid_action_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
