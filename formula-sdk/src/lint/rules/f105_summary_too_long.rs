//! F105 `summary-too-long`: the summary is longer than 72 characters.
#![doc = include_str!("f105_summary_too_long.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F105",
    name: "summary-too-long",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the summary is longer than 72 characters",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("7"),
    explanation: include_str!("f105_summary_too_long.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(summary) = ctx.metadata().and_then(|m| m.get("summary")) else { return };
    let Some(text) = summary.as_str() else { return };
    let length = text.chars().count();
    if length > MAX_SUMMARY {
        out.report(
            &ctx.metadata_path(),
            Some(summary.span),
            format!("summary is {length} characters long, more than {MAX_SUMMARY}"),
        )
        .help = Some("keep the summary to one short line; the details belong in `description`".into());
    }
}

/// The longest summary `charm proof` accepts without a warning.
const MAX_SUMMARY: usize = 72;
