//! F511 `hook-symlink-leaves-formula`: a symlinked hook points outside the formula.
#![doc = include_str!("f511_hook_symlink_leaves_formula.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F511",
    name: "hook-symlink-leaves-formula",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a symlinked hook points outside the formula",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f511_hook_symlink_leaves_formula.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
