//! F126 `provides-nothing`: a principal formula provides no endpoint.
#![doc = include_str!("f126_provides_nothing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F126",
    name: "provides-nothing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "a principal formula provides no endpoint",
    since: "0.1.0",
    proof: Some("32"),
    explanation: include_str!("f126_provides_nothing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
