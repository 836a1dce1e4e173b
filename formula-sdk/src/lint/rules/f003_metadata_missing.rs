//! F003 `metadata-missing`: the formula has no metadata.yaml.
#![doc = include_str!("f003_metadata_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F003",
    name: "metadata-missing",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the formula has no metadata.yaml",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f003_metadata_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
