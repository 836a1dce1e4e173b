//! F133 `ensemble-format-marker`: metadata carries the 2011 `ensemble: formula` marker.
#![doc = include_str!("f133_ensemble_format_marker.md")]

use super::support::spans::{join, value_span};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F133",
    name: "ensemble-format-marker",
    severity: Severity::Info,
    group: Group::Compat,
    summary: "metadata carries the 2011 `ensemble: formula` marker",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f133_ensemble_format_marker.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("ensemble")) else {
        return;
    };
    let span = join(key.span, value_span(key, value, ctx.metadata_text()));
    if value.as_str() == Some("formula") {
        out.report(
            &ctx.metadata_path(),
            Some(span),
            "`ensemble: formula` is the 2011 Ensemble format marker, which Juju ignores",
        )
        .help = Some("remove it once the formula no longer needs to run on Ensemble".into());
    } else {
        out.report(
            &ctx.metadata_path(),
            Some(span),
            format!(
                "`ensemble: {}` is not the 2011 marker `ensemble: formula`, and Juju ignores it",
                value.display_value()
            ),
        )
        .help = Some("Ensemble only knew `ensemble: formula`; remove the key, or spell the marker that way".into());
    }
}
