//! F502 `missing-recommended-hook`: install, start, stop or config-changed is missing.
#![doc = include_str!("f502_missing_recommended_hook.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F502",
    name: "missing-recommended-hook",
    severity: Severity::Info,
    group: Group::Style,
    summary: "install, start, stop or config-changed is missing",
    since: "0.1.0",
    proof: Some("37,38"),
    explanation: include_str!("f502_missing_recommended_hook.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
