//! F506 `hook-interpreter-missing`: a hook's interpreter is not on a current Ubuntu unit.
#![doc = include_str!("f506_hook_interpreter_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F506",
    name: "hook-interpreter-missing",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook's interpreter is not on a current Ubuntu unit",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f506_hook_interpreter_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
