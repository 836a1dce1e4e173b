//! F128 `revision-in-metadata`: the revision is kept in metadata.yaml, as in 2011.
#![doc = include_str!("f128_revision_in_metadata.md")]

use super::support::spans::{join, value_span};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F128",
    name: "revision-in-metadata",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "the revision is kept in metadata.yaml, as in 2011",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("35"),
    explanation: include_str!("f128_revision_in_metadata.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("revision")) else {
        return;
    };
    let help = match (&ctx.formula.revision, value.as_int()) {
        (Some(_), _) => "remove it: the `revision` file is what Juju reads".to_string(),
        (None, Some(n)) if n >= 0 => {
            format!("move it to a file named `revision` that holds `{n}`, and remove it from metadata.yaml")
        }
        (None, _) => {
            "move it to a file named `revision` that holds the number, and remove it from metadata.yaml".to_string()
        }
    };
    let span = join(key.span, value_span(key, value, ctx.metadata_text()));
    out.report(
        &ctx.metadata_path(),
        Some(span),
        "`revision` in metadata.yaml is where 2011 Ensemble formulas kept it; Juju reads the `revision` file",
    )
    .help = Some(help);
}
