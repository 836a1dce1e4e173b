//! F402 `reserved-action-name`: an action uses the reserved juju prefix.
#![doc = include_str!("f402_reserved_action_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F402",
    name: "reserved-action-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action uses the reserved juju prefix",
    since: "0.1.0",
    proof: Some("43"),
    explanation: include_str!("f402_reserved_action_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
