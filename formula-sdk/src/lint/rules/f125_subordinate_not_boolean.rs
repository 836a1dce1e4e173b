//! F125 `subordinate-not-boolean`: subordinate is not a boolean.
#![doc = include_str!("f125_subordinate_not_boolean.md")]

use super::support::spans::value_span;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F125",
    name: "subordinate-not-boolean",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "subordinate is not a boolean",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("31"),
    explanation: include_str!("f125_subordinate_not_boolean.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("subordinate")) else {
        return;
    };
    if matches!(value.kind, NodeKind::Bool(_)) {
        return; // YAML 1.1: `yes`, `no`, `on`, `off` are booleans too
    }
    let help = match value.as_str().and_then(|s| strconv::parse_bool(s).ok()) {
        Some(b) => format!("write `subordinate: {b}` without quotes"),
        None => "write `subordinate: true` for a subordinate formula, or remove the key".to_string(),
    };
    out.report(
        &ctx.metadata_path(),
        Some(value_span(key, value, ctx.metadata_text())),
        format!("`subordinate` is {}, not a boolean", describe_read(value)),
    )
    .help = Some(help);
}
