//! F112 `tags-missing`: metadata has neither tags nor categories.
#![doc = include_str!("f112_tags_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F112",
    name: "tags-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "metadata has neither tags nor categories",
    since: "0.1.0",
    proof: Some("14"),
    explanation: include_str!("f112_tags_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
