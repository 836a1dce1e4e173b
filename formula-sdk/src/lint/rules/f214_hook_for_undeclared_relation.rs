//! F214 `hook-for-undeclared-relation`: a relation hook names an endpoint the formula does not declare.
#![doc = include_str!("f214_hook_for_undeclared_relation.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F214",
    name: "hook-for-undeclared-relation",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a relation hook names an endpoint the formula does not declare",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f214_hook_for_undeclared_relation.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
