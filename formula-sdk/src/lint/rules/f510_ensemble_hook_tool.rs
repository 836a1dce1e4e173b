//! F510 `ensemble-hook-tool`: a hook uses ensemble-log or ENSEMBLE_* names that Juju does not provide.
#![doc = include_str!("f510_ensemble_hook_tool.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F510",
    name: "ensemble-hook-tool",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "a hook uses ensemble-log or ENSEMBLE_* names that Juju does not provide",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f510_ensemble_hook_tool.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
