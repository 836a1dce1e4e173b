//! F406 `invalid-action-schema`: an action's definition is not a schema Juju accepts.
#![doc = include_str!("f406_invalid_action_schema.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F406",
    name: "invalid-action-schema",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action's definition is not a schema Juju accepts",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f406_invalid_action_schema.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
