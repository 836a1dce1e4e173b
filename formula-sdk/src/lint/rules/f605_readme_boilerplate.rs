//! F605 `readme-boilerplate`: the README keeps the template's text.
#![doc = include_str!("f605_readme_boilerplate.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F605",
    name: "readme-boilerplate",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the README keeps the template's text",
    since: "0.1.0",
    proof: Some("30"),
    explanation: include_str!("f605_readme_boilerplate.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
