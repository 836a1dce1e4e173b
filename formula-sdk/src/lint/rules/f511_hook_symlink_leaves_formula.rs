//! F511 `hook-symlink-leaves-formula`: a symlinked hook points outside the formula.
#![doc = include_str!("f511_hook_symlink_leaves_formula.md")]

use super::support::hooks::{link_leaves_formula, linked_files};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F511",
    name: "hook-symlink-leaves-formula",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a symlinked hook points outside the formula",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f511_hook_symlink_leaves_formula.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for (entry, file) in linked_files(ctx.formula) {
        let Some(target) = &file.symlink else {
            continue;
        };
        if !link_leaves_formula(&entry, &target.link) {
            continue;
        }
        let (entry, link) = (entry.display(), target.link.display());
        let message = if target.link.is_absolute() {
            format!("`{entry}` is a symlink to the absolute path `{link}`; Juju refuses to deploy the formula")
        } else {
            format!("`{entry}` is a symlink to `{link}`, outside the formula; Juju refuses to deploy the formula")
        };
        out.report(&file.display, None, message).help =
            Some("copy the file into the formula, or link to a file inside it with a relative path".into());
    }
}
