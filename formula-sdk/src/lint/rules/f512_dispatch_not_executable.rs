//! F512 `dispatch-not-executable`: a dispatch file exists but is not executable, so Juju ignores it.
#![doc = include_str!("f512_dispatch_not_executable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F512",
    name: "dispatch-not-executable",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a dispatch file exists but is not executable, so Juju ignores it",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f512_dispatch_not_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
