//! F123 `resources-invalid`: a resource definition is malformed.
#![doc = include_str!("f123_resources_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F123",
    name: "resources-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a resource definition is malformed",
    since: "0.1.0",
    proof: Some("25"),
    explanation: include_str!("f123_resources_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
