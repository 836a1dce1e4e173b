//! F124 `deployment-invalid`: the deployment section is malformed.
#![doc = include_str!("f124_deployment_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F124",
    name: "deployment-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the deployment section is malformed",
    since: "0.1.0",
    proof: Some("26"),
    explanation: include_str!("f124_deployment_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
