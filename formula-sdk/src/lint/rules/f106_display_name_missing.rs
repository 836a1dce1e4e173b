//! F106 `display-name-missing`: metadata has no display-name.
#![doc = include_str!("f106_display_name_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F106",
    name: "display-name-missing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "metadata has no display-name",
    since: "0.1.0",
    proof: Some("8"),
    explanation: include_str!("f106_display_name_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
