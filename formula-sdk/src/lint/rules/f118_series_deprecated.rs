//! F118 `series-deprecated`: series is ignored by today's tooling.
#![doc = include_str!("f118_series_deprecated.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F118",
    name: "series-deprecated",
    severity: Severity::Info,
    group: Group::Style,
    summary: "series is ignored by today's tooling",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("20"),
    explanation: include_str!("f118_series_deprecated.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, _)) = metadata_map(ctx).and_then(|root| root.entry("series")) else {
        return;
    };
    out.report(&ctx.metadata_path(), Some(key.span), "`series` is deprecated: charmcraft ignores it and reads `bases` from charmcraft.yaml").help =
        Some("keep it while the formula is deployed from a directory by Juju 2.x; declare `bases` in charmcraft.yaml when packing with charmcraft".into());
}
