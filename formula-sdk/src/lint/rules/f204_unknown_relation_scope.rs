//! F204 `unknown-relation-scope`: an endpoint has a scope other than global or container.
#![doc = include_str!("f204_unknown_relation_scope.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F204",
    name: "unknown-relation-scope",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint has a scope other than global or container",
    since: "0.1.0",
    proof: Some("rel-3"),
    explanation: include_str!("f204_unknown_relation_scope.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
