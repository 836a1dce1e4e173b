//! F207 `unknown-relation-field`: an endpoint declaration has a key Juju does not know.
#![doc = include_str!("f207_unknown_relation_field.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F207",
    name: "unknown-relation-field",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint declaration has a key Juju does not know",
    since: "0.1.0",
    proof: Some("rel-6"),
    explanation: include_str!("f207_unknown_relation_field.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
