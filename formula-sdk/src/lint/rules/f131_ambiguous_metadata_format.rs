//! F131 `ambiguous-metadata-format`: metadata mixes keys of two formats.
#![doc = include_str!("f131_ambiguous_metadata_format.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F131",
    name: "ambiguous-metadata-format",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata mixes keys of two formats",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f131_ambiguous_metadata_format.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
