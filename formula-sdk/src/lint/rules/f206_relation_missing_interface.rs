//! F206 `relation-missing-interface`: an endpoint has no interface.
#![doc = include_str!("f206_relation_missing_interface.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F206",
    name: "relation-missing-interface",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint has no interface",
    since: "0.1.0",
    proof: Some("rel-5"),
    explanation: include_str!("f206_relation_missing_interface.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
