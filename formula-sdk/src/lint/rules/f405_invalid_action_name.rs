//! F405 `invalid-action-name`: an action name is not valid.
#![doc = include_str!("f405_invalid_action_name.md")]

use super::support::actions::ActionDefs;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F405",
    name: "invalid-action-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action name is not valid",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f405_invalid_action_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(actions) = ActionDefs::of(ctx) else {
        return;
    };
    for (name, key, _) in &actions.entries {
        if is_valid_action_name(name) {
            continue;
        }
        let diagnostic = out.report(
            &ctx.path("actions.yaml"),
            Some(key.span),
            format!("action name `{name}` is not valid, so Juju refuses the formula"),
        );
        let mut help = "use lowercase letters, digits and `-`, starting and ending with a letter or digit".to_string();
        if let Some(better) = suggestion(name) {
            help.push_str(&format!(", e.g. `{better}`"));
        }
        diagnostic.help = Some(help);
    }
}

/// Juju's action name rule (`juju/charm` `actions.go`).
static ACTION_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$").expect("valid regex"));

/// Whether Juju accepts `name` as an action name.
fn is_valid_action_name(name: &str) -> bool {
    ACTION_NAME.is_match(name)
}

/// A valid name close to `name`, if one is easy to make.
fn suggestion(name: &str) -> Option<String> {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' })
        .collect();
    let mut collapsed = String::new();
    for c in lowered.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let trimmed = collapsed.trim_matches('-');
    is_valid_action_name(trimmed).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["backup", "a", "0", "pause-2", "x1"] {
            assert!(is_valid_action_name(ok), "{ok}");
        }
        for bad in ["", "-x", "x-", "do_backup", "Backup", "a b", "snap.shot"] {
            assert!(!is_valid_action_name(bad), "{bad}");
        }
        assert_eq!(suggestion("do_Backup").as_deref(), Some("do-backup"));
        assert_eq!(suggestion("__").as_deref(), None);
    }
}
