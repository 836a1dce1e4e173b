//! F502 `missing-recommended-hook`: install, start, stop or config-changed is missing.
#![doc = include_str!("f502_missing_recommended_hook.md")]

use super::support::hooks::dispatch_runs_everything;
use crate::diagnostic::Severity;
use crate::format::Formula;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F502",
    name: "missing-recommended-hook",
    severity: Severity::Info,
    group: Group::Style,
    summary: "install, start, stop or config-changed is missing",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("37,38"),
    explanation: include_str!("f502_missing_recommended_hook.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let formula = ctx.formula;
    if dispatch_runs_everything(formula) {
        return; // Juju runs `dispatch` for every hook, so none is missing
    }
    for name in recommended_hooks(ctx.has_root_file("config.yaml")) {
        if !is_present(formula, name) {
            let path = ctx.path("hooks").join(name);
            out.report(&path, None, format!("recommended hook `{name}` is missing")).help =
                Some(format!("add an executable `hooks/{name}`; {}", why(name)));
        }
    }
}

/// The hooks `charm proof` recommends: `config-changed` only when there is a config.yaml.
fn recommended_hooks(has_config: bool) -> impl Iterator<Item = &'static str> {
    ["install", "start", "stop", "config-changed"].into_iter().filter(move |h| *h != "config-changed" || has_config)
}

/// Whether Juju would find the hook: a file (or a link to one), or its Windows variant.
fn is_present(formula: &Formula, name: &str) -> bool {
    let found = |n: &str| formula.hook(n).is_some_and(|h| !h.is_dir && h.symlink.as_ref().is_none_or(|s| s.exists));
    found(name) || WINDOWS_EXTENSIONS.iter().any(|ext| found(&format!("{name}{ext}")))
}

/// Extensions of Windows hooks, which `charm proof` accepts in place of the bare name.
const WINDOWS_EXTENSIONS: &[&str] = &[".ps1", ".cmd", ".bat", ".exe"];

/// What each recommended hook is for, for the help text.
fn why(hook: &str) -> &'static str {
    match hook {
        "install" => "without it the unit installs nothing",
        "start" => "without it nothing starts the service",
        "stop" => "without it the service keeps running while the unit is removed",
        _ => "without it changes made with `juju config` are never applied",
    }
}
