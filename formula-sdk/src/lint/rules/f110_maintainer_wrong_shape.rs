//! F110 `maintainer-wrong-shape`: maintainer is a list, or maintainers is not.
#![doc = include_str!("f110_maintainer_wrong_shape.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F110",
    name: "maintainer-wrong-shape",
    severity: Severity::Error,
    group: Group::Style,
    summary: "maintainer is a list, or maintainers is not",
    since: "0.1.0",
    proof: Some("12"),
    explanation: include_str!("f110_maintainer_wrong_shape.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
