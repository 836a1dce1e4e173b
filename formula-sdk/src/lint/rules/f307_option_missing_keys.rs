//! F307 `option-missing-keys`: a config option lacks description, type or default.
#![doc = include_str!("f307_option_missing_keys.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F307",
    name: "option-missing-keys",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a config option lacks description, type or default",
    since: "0.1.0",
    proof: Some("53"),
    explanation: include_str!("f307_option_missing_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
