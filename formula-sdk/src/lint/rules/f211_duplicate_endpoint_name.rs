//! F211 `duplicate-endpoint-name`: one endpoint name is declared in two sections.
#![doc = include_str!("f211_duplicate_endpoint_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F211",
    name: "duplicate-endpoint-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "one endpoint name is declared in two sections",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f211_duplicate_endpoint_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
