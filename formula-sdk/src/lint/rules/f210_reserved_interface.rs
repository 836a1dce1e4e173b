//! F210 `reserved-interface`: a provides or peers endpoint uses a juju or juju-* interface.
#![doc = include_str!("f210_reserved_interface.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F210",
    name: "reserved-interface",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a provides or peers endpoint uses a juju or juju-* interface",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f210_reserved_interface.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
