//! F604 `readme-missing`: the formula has no README.
#![doc = include_str!("f604_readme_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F604",
    name: "readme-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the formula has no README",
    since: "0.1.0",
    proof: Some("30"),
    explanation: include_str!("f604_readme_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
