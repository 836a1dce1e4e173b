//! F508 `ensemble-change-protocol`: a relation-changed hook switches on $ENSEMBLE_CHANGE, the early 2011 protocol.
#![doc = include_str!("f508_ensemble_change_protocol.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F508",
    name: "ensemble-change-protocol",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "a relation-changed hook switches on $ENSEMBLE_CHANGE, the early 2011 protocol",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f508_ensemble_change_protocol.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
