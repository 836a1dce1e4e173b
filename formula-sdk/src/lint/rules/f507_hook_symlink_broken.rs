//! F507 `hook-symlink-broken`: a symlinked hook points at nothing.
#![doc = include_str!("f507_hook_symlink_broken.md")]

use super::support::hooks::{link_leaves_formula, linked_files};
use crate::diagnostic::Severity;
use crate::format::HookFile;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F507",
    name: "hook-symlink-broken",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a symlinked hook points at nothing",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f507_hook_symlink_broken.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let formula = ctx.formula;
    let known = formula.known_hook_names();
    for (entry, file) in linked_files(formula) {
        let Some(target) = &file.symlink else {
            continue;
        };
        if target.exists || link_leaves_formula(&entry, &target.link) {
            continue; // F511 reports links that leave the formula
        }
        let link = target.link.display();
        let what = if is_loop(file) { "which loops back on itself" } else { "which does not exist" };
        let consequence = if entry.starts_with("actions") {
            "; the action fails with `action not implemented`"
        } else if file.name == "dispatch" {
            "; Juju ignores it and runs `hooks/` instead"
        } else if known.contains(&file.name) {
            "; Juju treats the hook as missing and silently skips it"
        } else {
            ""
        };
        let message = format!("`{}` links to `{link}`, {what}{consequence}", entry.display());
        out.report(&file.display, None, message).help =
            Some("point the link at a file inside the formula, or replace it with the file itself".into());
    }
}

/// Whether following the link loops back on itself.
fn is_loop(file: &HookFile) -> bool {
    std::fs::metadata(&file.path).is_err_and(|e| e.raw_os_error() == Some(ELOOP))
}

/// Linux's "too many levels of symbolic links".
const ELOOP: i32 = 40;
