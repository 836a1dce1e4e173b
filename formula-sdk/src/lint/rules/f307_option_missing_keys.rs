//! F307 `option-missing-keys`: a config option lacks description, type or default.
#![doc = include_str!("f307_option_missing_keys.md")]

use super::support::config::Options;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F307",
    name: "option-missing-keys",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a config option lacks description, type or default",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("53"),
    explanation: include_str!("f307_option_missing_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, value) in &options.entries {
        if !value.is_map() {
            continue; // F306
        }
        let missing = missing_keys(value);
        if missing.is_empty() {
            continue;
        }
        let name = options.name(key);
        let listed = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let noun = if missing.len() == 1 { "key" } else { "keys" };
        let diagnostic =
            out.report(&ctx.config_path(), Some(key.span), format!("option `{name}` lacks the {noun} {listed}"));
        let mut notes = Vec::new();
        if missing.contains(&"type") {
            notes.push("Juju takes a missing `type` as `string`");
        }
        if missing.contains(&"default") {
            notes.push("a missing `default` leaves the option unset");
        }
        if missing.contains(&"description") {
            notes.push("the description is what `juju config` shows users");
        }
        diagnostic.help = Some(format!("write all three, even when they state the obvious: {}", notes.join("; ")));
    }
}

/// Which of `default`, `description` and `type` the definition lacks, sorted.
fn missing_keys(definition: &Node) -> Vec<&'static str> {
    ["default", "description", "type"].into_iter().filter(|k| definition.get(k).is_none()).collect()
}
