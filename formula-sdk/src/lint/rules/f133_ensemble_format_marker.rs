//! F133 `ensemble-format-marker`: metadata carries the 2011 `ensemble: formula` marker.
#![doc = include_str!("f133_ensemble_format_marker.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F133",
    name: "ensemble-format-marker",
    severity: Severity::Info,
    group: Group::Compat,
    summary: "metadata carries the 2011 `ensemble: formula` marker",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f133_ensemble_format_marker.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
