//! F404 `action-not-executable`: an action's executable lacks the execute bit.
#![doc = include_str!("f404_action_not_executable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F404",
    name: "action-not-executable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action's executable lacks the execute bit",
    since: "0.1.0",
    proof: Some("44"),
    explanation: include_str!("f404_action_not_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
