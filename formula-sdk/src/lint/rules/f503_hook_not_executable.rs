//! F503 `hook-not-executable`: a hook lacks the execute bit, so Juju fails it.
#![doc = include_str!("f503_hook_not_executable.md")]

use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix};
use crate::format::HookFile;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F503",
    name: "hook-not-executable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook lacks the execute bit, so Juju fails it",
    since: "0.1.0",
    fix: FixAvailability::Safe,
    proof: Some("39"),
    explanation: include_str!("f503_hook_not_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if ctx.formula.dispatch.as_ref().is_some_and(|d| d.executable) {
        return; // Juju runs `dispatch` for every hook and ignores hooks/
    }
    for hook in ctx.hooks() {
        if is_not_executable(hook) {
            let diagnostic = out.report(&hook.display, None, format!("hook `{}` is not executable", hook.name));
            diagnostic.help = Some(format!("chmod +x {}", hook.display.display()));
            // A link's target may lie anywhere; only a plain file is changed.
            if hook.symlink.is_none() {
                if let Ok(relative) = hook.path.strip_prefix(&ctx.formula.dir) {
                    diagnostic.fix = Some(Fix::safe(vec![Edit::MakeExecutable { path: relative.to_path_buf() }]));
                }
            }
        }
    }
}

/// Whether Juju would find the hook but fail to run it: present, a file, without the execute
/// bit (Windows scripts are exempt, as in `charm proof`).
fn is_not_executable(hook: &HookFile) -> bool {
    let windows = [".ps1", ".cmd", ".bat", ".exe"].iter().any(|ext| hook.name.ends_with(ext));
    !hook.executable && !windows && hook.symlink.as_ref().is_none_or(|s| s.exists)
}
