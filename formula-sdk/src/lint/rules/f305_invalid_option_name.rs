//! F305 `invalid-option-name`: a config option's name breaks the naming pattern.
#![doc = include_str!("f305_invalid_option_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F305",
    name: "invalid-option-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's name breaks the naming pattern",
    since: "0.1.0",
    proof: Some("51"),
    explanation: include_str!("f305_invalid_option_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
