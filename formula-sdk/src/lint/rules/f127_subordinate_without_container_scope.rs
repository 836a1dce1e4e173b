//! F127 `subordinate-without-container-scope`: a subordinate has no requires endpoint with container scope.
#![doc = include_str!("f127_subordinate_without_container_scope.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F127",
    name: "subordinate-without-container-scope",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a subordinate has no requires endpoint with container scope",
    since: "0.1.0",
    proof: Some("33"),
    explanation: include_str!("f127_subordinate_without_container_scope.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
