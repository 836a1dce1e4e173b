//! F312 `option-default-wrong-type`: a config option's default does not match its type.
#![doc = include_str!("f312_option_default_wrong_type.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F312",
    name: "option-default-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's default does not match its type",
    since: "0.1.0",
    proof: Some("58"),
    explanation: include_str!("f312_option_default_wrong_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
