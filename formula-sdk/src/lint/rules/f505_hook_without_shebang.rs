//! F505 `hook-without-shebang`: a hook script has no #! line, so it cannot be executed.
#![doc = include_str!("f505_hook_without_shebang.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F505",
    name: "hook-without-shebang",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook script has no #! line, so it cannot be executed",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f505_hook_without_shebang.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
