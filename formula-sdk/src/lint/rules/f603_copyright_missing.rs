//! F603 `copyright-missing`: the formula has no copyright file.
#![doc = include_str!("f603_copyright_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F603",
    name: "copyright-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the formula has no copyright file",
    since: "0.1.0",
    proof: Some("29"),
    explanation: include_str!("f603_copyright_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
