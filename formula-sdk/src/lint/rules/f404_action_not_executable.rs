//! F404 `action-not-executable`: an action's executable lacks the execute bit.
#![doc = include_str!("f404_action_not_executable.md")]

use super::support::actions::{proof_reserves_action, ActionDefs};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use std::os::unix::fs::PermissionsExt;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F404",
    name: "action-not-executable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action's executable lacks the execute bit",
    since: "0.1.0",
    fix: FixAvailability::Safe,
    proof: Some("44"),
    explanation: include_str!("f404_action_not_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(actions) = ActionDefs::of(ctx) else {
        return;
    };
    for (name, _, _) in &actions.entries {
        if proof_reserves_action(name) {
            continue;
        }
        let Some(file) = ctx.formula.action_files.iter().find(|f| f.name == *name) else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(&file.path) else {
            continue;
        }; // missing or dangling: F403
        if meta.is_file() && !is_executable(meta.permissions().mode()) {
            let diagnostic =
                out.report(&file.display, None, format!("action script `actions/{name}` is not executable"));
            diagnostic.help = Some(format!("chmod +x {}", file.display.display()));
            // A link's target may lie anywhere; only a plain file is changed.
            if let (None, Ok(relative)) = (&file.symlink, file.path.strip_prefix(&ctx.formula.dir)) {
                diagnostic.fix = Some(Fix::safe(vec![Edit::MakeExecutable { path: relative.to_path_buf() }]));
            }
        }
    }
}

/// Whether any execute bit is set: Juju runs actions as root, which needs one of them.
fn is_executable(mode: u32) -> bool {
    mode & 0o111 != 0
}
