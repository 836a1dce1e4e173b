//! F202 `relation-not-a-map`: an endpoint declaration is neither a map nor an interface name.
#![doc = include_str!("f202_relation_not_a_map.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F202",
    name: "relation-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint declaration is neither a map nor an interface name",
    since: "0.1.0",
    proof: Some("rel-2"),
    explanation: include_str!("f202_relation_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
