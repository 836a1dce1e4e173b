//! F132 `invalid-series`: a series name is not valid.
#![doc = include_str!("f132_invalid_series.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F132",
    name: "invalid-series",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a series name is not valid",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f132_invalid_series.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(items) = ctx.metadata().and_then(|root| root.get("series")).and_then(|n| n.as_seq()) else {
        return;
    };
    for item in items {
        match item.as_str() {
            Some(series) if is_valid_series(series) => {}
            Some(series) => {
                let help = if series.chars().any(|c| c.is_ascii_uppercase())
                    && is_valid_series(&series.to_ascii_lowercase())
                {
                    format!("series names are lowercase: `{}`", series.to_ascii_lowercase())
                } else {
                    "a series is a code name such as `focal` or `jammy`, in lowercase letters and digits".into()
                };
                out.report(
                    &ctx.metadata_path(),
                    Some(item.span),
                    format!("series `{series}` is not a valid series name"),
                )
                .help = Some(help);
            }
            // An entry that is not a string is F103's (metadata-field-wrong-type).
            None => {}
        }
    }
}

/// Juju's series names (`IsValidSeries`): lowercase letters, then letters and digits.
static SERIES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z]+([a-z0-9]+)?$").expect("valid regex"));

fn is_valid_series(series: &str) -> bool {
    SERIES.is_match(series)
}
