//! F509 `hook-tool-out-of-context`: a shell hook calls a hook tool where it cannot work.
#![doc = include_str!("f509_hook_tool_out_of_context.md")]

use super::support::hooks::executed;
use super::support::relations::relation_hook;
use crate::diagnostic::Severity;
use crate::lint::shell;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F509",
    name: "hook-tool-out-of-context",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a shell hook calls a hook tool where it cannot work",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f509_hook_tool_out_of_context.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for run in executed(ctx) {
        // One script behind several hooks (or `dispatch`) cannot be judged by one name.
        let [hook] = run.hooks.as_slice() else {
            continue;
        };
        let file = run.file;
        let Some(text) = &file.text else { continue };
        if *hook == "dispatch" || !file.is_shell() {
            continue;
        }
        let script = shell::read(text);
        if adapts_to_its_hook(&script) {
            continue;
        }
        let in_relation_hook = relation_hook(hook).is_some();
        for command in &script.commands {
            if let Some((message, help)) = misuse(command, hook, in_relation_hook) {
                out.report(&file.display, Some(command.span), message).help = Some(help);
            }
        }
    }
}

/// Whether the script looks at which hook it runs as (`$0`, `basename`, `$JUJU_HOOK_NAME`,
/// `$JUJU_DISPATCH_PATH`) or at the relation or action it runs for (`$JUJU_RELATION…`,
/// `$JUJU_REMOTE_…`, `$JUJU_ACTION_…`): then its tool calls may be guarded, and the rule
/// stays silent.
fn adapts_to_its_hook(script: &shell::Script) -> bool {
    const CONTEXT_PREFIXES: &[&str] = &["JUJU_RELATION", "JUJU_REMOTE_", "JUJU_ACTION_"];
    script.runs("basename")
        || script.variables.iter().any(|v| {
            v.name == "0"
                || v.name == "JUJU_HOOK_NAME"
                || v.name == "JUJU_DISPATCH_PATH"
                || CONTEXT_PREFIXES.iter().any(|p| v.name.starts_with(p))
        })
}

/// What is wrong with running `command` in hook `hook`, if anything: (message, help).
fn misuse(command: &shell::Command, hook: &str, in_relation_hook: bool) -> Option<(String, String)> {
    let tool = command.name();
    match tool {
        "relation-get" | "relation-set" | "relation-list" if !in_relation_hook && !names_a_relation(command.args()) => Some((
            format!("`{tool}` without `-r` in hook `{hook}`, which is not a relation hook; Juju fails it with `no relation id specified`"),
            format!("pass the relation id: `for id in $(relation-ids <endpoint>); do {tool} -r \"$id\" …; done`"),
        )),
        "relation-ids" if !in_relation_hook && positionals(command.args()) == 0 => Some((
            format!("`relation-ids` without an endpoint name in hook `{hook}`, which is not a relation hook; Juju fails it with `no relation name specified`"),
            "name the endpoint: `relation-ids db`".to_string(),
        )),
        "action-get" | "action-set" | "action-fail" | "action-log" => Some((
            format!("`{tool}` in hook `{hook}`; outside an action Juju fails it with `not running an action`"),
            "move this code into an action (`actions/<name>`, declared in actions.yaml)".to_string(),
        )),
        _ => None,
    }
}

/// Whether the arguments give a relation id (`-r id`, `-rid`, `--relation id`,
/// `--relation=id`), or may (`"$@"` forwards a function's arguments).
fn names_a_relation(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a.starts_with("-r") || a == "--relation" || a.starts_with("--relation=") || a == "$@" || a == "$*")
}

/// How many positional arguments there are, leaving out flags and their values.
fn positionals(args: &[String]) -> usize {
    let mut count = 0;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--" => return count + words.count(),
            "--format" | "-o" | "--output" => {
                words.next();
            }
            w if w.starts_with('-') && w.len() > 1 => {}
            _ => count += 1,
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &[&str]) -> Vec<String> {
        text.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn relation_flags() {
        assert!(names_a_relation(&words(&["-r", "db:1", "host"])));
        assert!(names_a_relation(&words(&["-rdb:1"])));
        assert!(names_a_relation(&words(&["host", "--relation=db:1"])));
        assert!(!names_a_relation(&words(&["host", "unit/0"])));
        assert!(!names_a_relation(&words(&["--", "-r"])));
        assert!(names_a_relation(&words(&["$@"])));
    }

    #[test]
    fn positional_arguments() {
        assert_eq!(positionals(&words(&[])), 0);
        assert_eq!(positionals(&words(&["--format", "json"])), 0);
        assert_eq!(positionals(&words(&["--format=json", "db"])), 1);
        assert_eq!(positionals(&words(&["--", "-x"])), 1);
    }
}
