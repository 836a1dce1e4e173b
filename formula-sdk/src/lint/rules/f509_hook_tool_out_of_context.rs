//! F509 `hook-tool-out-of-context`: a shell hook calls a hook tool where it cannot work.
#![doc = include_str!("f509_hook_tool_out_of_context.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F509",
    name: "hook-tool-out-of-context",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a shell hook calls a hook tool where it cannot work",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f509_hook_tool_out_of_context.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
