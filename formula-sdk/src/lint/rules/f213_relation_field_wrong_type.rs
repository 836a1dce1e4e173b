//! F213 `relation-field-wrong-type`: limit, optional, scope or interface has the wrong type.
#![doc = include_str!("f213_relation_field_wrong_type.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F213",
    name: "relation-field-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "limit, optional, scope or interface has the wrong type",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f213_relation_field_wrong_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
