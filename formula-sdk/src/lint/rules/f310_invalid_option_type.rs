//! F310 `invalid-option-type`: a config option has a type Juju does not know.
#![doc = include_str!("f310_invalid_option_type.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F310",
    name: "invalid-option-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option has a type Juju does not know",
    since: "0.1.0",
    proof: Some("56"),
    explanation: include_str!("f310_invalid_option_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
