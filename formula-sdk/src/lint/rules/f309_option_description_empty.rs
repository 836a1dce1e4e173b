//! F309 `option-description-empty`: a config option's description is not a non-empty string.
#![doc = include_str!("f309_option_description_empty.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F309",
    name: "option-description-empty",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a config option's description is not a non-empty string",
    since: "0.1.0",
    proof: Some("55"),
    explanation: include_str!("f309_option_description_empty.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
