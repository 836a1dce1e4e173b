//! F132 `invalid-series`: a series name is not valid.
#![doc = include_str!("f132_invalid_series.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F132",
    name: "invalid-series",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a series name is not valid",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f132_invalid_series.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
