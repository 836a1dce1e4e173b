//! F209 `relation-without-hooks`: an endpoint has none of its relation hooks.
#![doc = include_str!("f209_relation_without_hooks.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F209",
    name: "relation-without-hooks",
    severity: Severity::Info,
    group: Group::Style,
    summary: "an endpoint has none of its relation hooks",
    since: "0.1.0",
    proof: Some("rel-8"),
    explanation: include_str!("f209_relation_without_hooks.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
