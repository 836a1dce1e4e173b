//! F403 `action-without-executable`: an action has no executable under actions/.
#![doc = include_str!("f403_action_without_executable.md")]

use super::support::actions::{proof_reserves_action, ActionDefs};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F403",
    name: "action-without-executable",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "an action has no executable under actions/",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("44"),
    explanation: include_str!("f403_action_without_executable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(actions) = ActionDefs::of(ctx) else {
        return;
    };
    if ctx.formula.dispatch.as_ref().is_some_and(|d| d.executable) {
        return; // Juju runs `dispatch` for every action
    }
    for (name, key, _) in &actions.entries {
        if proof_reserves_action(name) {
            continue; // F402; charm proof does not look further either
        }
        if has_action_file(ctx, name) {
            continue;
        }
        let diagnostic = out.report(
            &ctx.path("actions.yaml"),
            Some(key.span),
            format!("action `{name}` has no executable `actions/{name}`"),
        );
        diagnostic.help =
            Some(format!("add an executable script `actions/{name}`; until then running the action fails"));
    }
}

/// Whether `actions/<name>` is a file (a symlink to one counts; a directory does not).
fn has_action_file(ctx: &LintContext, name: &str) -> bool {
    ctx.formula.action_files.iter().any(|f| f.name == name && !f.is_dir && f.symlink.as_ref().is_none_or(|s| s.exists))
}
