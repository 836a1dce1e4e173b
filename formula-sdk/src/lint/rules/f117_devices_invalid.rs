//! F117 `devices-invalid`: a device definition is malformed.
#![doc = include_str!("f117_devices_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F117",
    name: "devices-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a device definition is malformed",
    since: "0.1.0",
    proof: Some("19"),
    explanation: include_str!("f117_devices_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
