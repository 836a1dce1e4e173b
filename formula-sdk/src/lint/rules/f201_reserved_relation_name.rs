//! F201 `reserved-relation-name`: an endpoint uses the reserved juju or juju-* name.
#![doc = include_str!("f201_reserved_relation_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F201",
    name: "reserved-relation-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint uses the reserved juju or juju-* name",
    since: "0.1.0",
    proof: Some("rel-1"),
    explanation: include_str!("f201_reserved_relation_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
