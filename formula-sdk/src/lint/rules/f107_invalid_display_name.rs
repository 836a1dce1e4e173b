//! F107 `invalid-display-name`: display-name has characters the store refuses.
#![doc = include_str!("f107_invalid_display_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F107",
    name: "invalid-display-name",
    severity: Severity::Error,
    group: Group::Style,
    summary: "display-name has characters the store refuses",
    since: "0.1.0",
    proof: Some("9"),
    explanation: include_str!("f107_invalid_display_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
