//! F128 `revision-in-metadata`: the revision is kept in metadata.yaml, as in 2011.
#![doc = include_str!("f128_revision_in_metadata.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F128",
    name: "revision-in-metadata",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "the revision is kept in metadata.yaml, as in 2011",
    since: "0.1.0",
    proof: Some("35"),
    explanation: include_str!("f128_revision_in_metadata.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
