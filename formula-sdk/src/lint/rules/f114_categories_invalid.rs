//! F114 `categories-invalid`: categories is not a non-empty list.
#![doc = include_str!("f114_categories_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F114",
    name: "categories-invalid",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "categories is not a non-empty list",
    since: "0.1.0",
    proof: Some("16"),
    explanation: include_str!("f114_categories_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
