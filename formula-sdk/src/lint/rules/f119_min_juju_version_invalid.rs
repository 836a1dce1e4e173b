//! F119 `min-juju-version-invalid`: min-juju-version is not a valid version.
#![doc = include_str!("f119_min_juju_version_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F119",
    name: "min-juju-version-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "min-juju-version is not a valid version",
    since: "0.1.0",
    proof: Some("21"),
    explanation: include_str!("f119_min_juju_version_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
