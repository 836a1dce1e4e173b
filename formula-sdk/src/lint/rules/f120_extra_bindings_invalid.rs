//! F120 `extra-bindings-invalid`: extra-bindings is malformed or clashes with an endpoint.
#![doc = include_str!("f120_extra_bindings_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F120",
    name: "extra-bindings-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "extra-bindings is malformed or clashes with an endpoint",
    since: "0.1.0",
    proof: Some("22"),
    explanation: include_str!("f120_extra_bindings_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
