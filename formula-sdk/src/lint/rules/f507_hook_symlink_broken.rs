//! F507 `hook-symlink-broken`: a symlinked hook points at nothing.
#![doc = include_str!("f507_hook_symlink_broken.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F507",
    name: "hook-symlink-broken",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a symlinked hook points at nothing",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f507_hook_symlink_broken.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
