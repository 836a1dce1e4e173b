//! F203 `relation-shorthand`: an endpoint is declared in the shorthand `name: interface`.
#![doc = include_str!("f203_relation_shorthand.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F203",
    name: "relation-shorthand",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "an endpoint is declared in the shorthand `name: interface`",
    since: "0.1.0",
    proof: Some("rel-2"),
    explanation: include_str!("f203_relation_shorthand.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
