//! F403 `action-without-executable`: an action has no executable under actions/.
#![doc = include_str!("f403_action_without_executable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F403",
    name: "action-without-executable",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "an action has no executable under actions/",
    since: "0.1.0",
    proof: Some("44"),
    explanation: include_str!("f403_action_without_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
