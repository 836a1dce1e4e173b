//! F212 `invalid-endpoint-name`: an endpoint name is not a valid relation name.
#![doc = include_str!("f212_invalid_endpoint_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F212",
    name: "invalid-endpoint-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint name is not a valid relation name",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f212_invalid_endpoint_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
