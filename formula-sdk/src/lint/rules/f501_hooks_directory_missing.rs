//! F501 `hooks-directory-missing`: the formula has no hooks directory.
#![doc = include_str!("f501_hooks_directory_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F501",
    name: "hooks-directory-missing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "the formula has no hooks directory",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("28"),
    explanation: include_str!("f501_hooks_directory_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if ctx.formula.has_hooks_dir {
        return;
    }
    let message = match ctx.formula.root_entries.iter().any(|e| e == "hooks") {
        true => "`hooks` is not a directory, so the formula has no hooks",
        false => "the formula has no `hooks` directory",
    };
    out.report(&ctx.path("hooks"), None, message).help =
        Some("add a `hooks` directory with at least an executable `install` hook".into());
}
