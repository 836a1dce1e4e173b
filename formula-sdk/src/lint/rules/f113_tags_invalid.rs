//! F113 `tags-invalid`: tags is not a non-empty list.
#![doc = include_str!("f113_tags_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F113",
    name: "tags-invalid",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "tags is not a non-empty list",
    since: "0.1.0",
    proof: Some("15"),
    explanation: include_str!("f113_tags_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
