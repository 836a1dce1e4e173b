//! F122 `terms-invalid`: terms is not a list of term ids.
#![doc = include_str!("f122_terms_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F122",
    name: "terms-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "terms is not a list of term ids",
    since: "0.1.0",
    proof: Some("24"),
    explanation: include_str!("f122_terms_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
