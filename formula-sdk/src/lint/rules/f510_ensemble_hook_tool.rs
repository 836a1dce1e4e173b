//! F510 `ensemble-hook-tool`: a hook uses ensemble-log or ENSEMBLE_* names that Juju does not provide.
#![doc = include_str!("f510_ensemble_hook_tool.md")]

use super::support::hooks::{code_part, file_label, is_shell_script, lines, text_files, variable_uses, word_matches};
use super::support::spans::Locator;
use crate::diagnostic::Severity;
use crate::format::HookFile;
use crate::lint::shell;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F510",
    name: "ensemble-hook-tool",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "a hook uses ensemble-log or ENSEMBLE_* names that Juju does not provide",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f510_ensemble_hook_tool.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for file in text_files(ctx) {
        let Some(text) = &file.text else { continue };
        let label = file_label(ctx, file);
        let mut found: Vec<(Span, String, String)> = Vec::new();
        // `$ENSEMBLE_CHANGE` has no successor at all; F508 explains it.
        for (name, span) in variable_uses(file, |n| n.starts_with("ENSEMBLE_") && n != "ENSEMBLE_CHANGE") {
            let (message, help) = match juju_variable(&name) {
                Some(juju) => {
                    (format!("{label} reads `${name}`, which Juju calls `${juju}`"), format!("use `${juju}`"))
                }
                None => (
                    format!("{label} reads `${name}`, which Juju does not set"),
                    "today's Juju sets only `JUJU_*` variables; see `formula lint --explain F510`".to_string(),
                ),
            };
            found.push((span, message, help));
        }
        for span in log_tool_uses(file, text) {
            let message = format!("{label} runs `ensemble-log`, which Juju calls `juju-log`");
            found.push((span, message, "use `juju-log`".to_string()));
        }
        found.sort_by_key(|(span, _, _)| span.start.offset);
        for (span, message, help) in found {
            out.report(&file.display, Some(span), message).help = Some(help);
        }
    }
}

/// Where `file` runs the 2011 logging tool: as a command in shell scripts, as a whole word
/// outside comments elsewhere (`subprocess.call(["ensemble-log", …])`).
fn log_tool_uses(file: &HookFile, text: &str) -> Vec<Span> {
    if is_shell_script(file) {
        return shell::read(text).commands.into_iter().filter(|c| c.name() == "ensemble-log").map(|c| c.span).collect();
    }
    let locate = Locator::new(text);
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        for range in word_matches(code_part(line), "ensemble-log") {
            out.push(locate.span(start + range.start, start + range.end));
        }
    }
    out
}

/// The `JUJU_*` variable that replaced an `ENSEMBLE_*` one, when there is one.
fn juju_variable(ensemble: &str) -> Option<&'static str> {
    let rest = ensemble.strip_prefix("ENSEMBLE_")?;
    Some(match rest {
        "UNIT_NAME" => "JUJU_UNIT_NAME",
        "REMOTE_UNIT" => "JUJU_REMOTE_UNIT",
        "RELATION" => "JUJU_RELATION",
        "RELATION_ID" => "JUJU_RELATION_ID",
        "CLIENT_ID" | "CONTEXT_ID" => "JUJU_CONTEXT_ID",
        "AGENT_SOCKET" => "JUJU_AGENT_SOCKET_ADDRESS",
        "ENV_UUID" => "JUJU_MODEL_UUID",
        "ENV_NAME" => "JUJU_MODEL_NAME",
        "CHARM_DIR" | "FORMULA_DIR" => "JUJU_CHARM_DIR",
        "MACHINE_ID" => "JUJU_MACHINE_ID",
        "PRINCIPAL_UNIT" => "JUJU_PRINCIPAL_UNIT",
        "HOOK_NAME" => "JUJU_HOOK_NAME",
        "REMOTE_APP" | "REMOTE_SERVICE" => "JUJU_REMOTE_APP",
        "API_ADDRESSES" => "JUJU_API_ADDRESSES",
        _ => return None,
    })
}
