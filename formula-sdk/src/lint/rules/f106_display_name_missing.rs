//! F106 `display-name-missing`: metadata has no display-name.
#![doc = include_str!("f106_display_name_missing.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F106",
    name: "display-name-missing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "metadata has no display-name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("8"),
    explanation: include_str!("f106_display_name_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    if root.get("display-name").is_some() {
        return;
    }
    let example = root
        .get("name")
        .and_then(|n| n.as_str())
        .map(title_case)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "My Formula".into());
    out.report(&ctx.metadata_path(), None, "`metadata.yaml` has no `display-name`").help =
        Some(format!("add `display-name: {example}`, the name the GUI and the store show"));
}

/// `mediawiki-lts` → `Mediawiki Lts`, as a starting point for a display name.
fn title_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
