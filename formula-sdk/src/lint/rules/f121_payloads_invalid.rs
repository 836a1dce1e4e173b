//! F121 `payloads-invalid`: a payload definition is malformed.
#![doc = include_str!("f121_payloads_invalid.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F121",
    name: "payloads-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a payload definition is malformed",
    since: "0.1.0",
    proof: Some("23"),
    explanation: include_str!("f121_payloads_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
