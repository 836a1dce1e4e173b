//! F130 `invalid-formula-name`: the formula name is not a valid Juju name.
#![doc = include_str!("f130_invalid_formula_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F130",
    name: "invalid-formula-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the formula name is not a valid Juju name",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f130_invalid_formula_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
