//! F302 `config-invalid-structure`: config.yaml is not a mapping with an options key.
#![doc = include_str!("f302_config_invalid_structure.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F302",
    name: "config-invalid-structure",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "config.yaml is not a mapping with an options key",
    since: "0.1.0",
    proof: Some("48"),
    explanation: include_str!("f302_config_invalid_structure.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
