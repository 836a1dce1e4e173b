//! F006 `duplicate-yaml-key`: a mapping repeats a key, and only the last one counts.
#![doc = include_str!("f006_duplicate_yaml_key.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F006",
    name: "duplicate-yaml-key",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a mapping repeats a key, and only the last one counts",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f006_duplicate_yaml_key.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
