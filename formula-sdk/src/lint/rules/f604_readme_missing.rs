//! F604 `readme-missing`: the formula has no README.
#![doc = include_str!("f604_readme_missing.md")]

use super::support::files::readme_names;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F604",
    name: "readme-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the formula has no README",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("30"),
    explanation: include_str!("f604_readme_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if !readme_names(ctx.formula).is_empty() {
        return;
    }
    out.report(&ctx.path("README.md"), None, "the formula has no README").help =
        Some("add a README.md saying what the formula deploys, how to relate it and what its options do".into());
}
