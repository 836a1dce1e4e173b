//! F303 `config-ignored-keys`: config.yaml has top-level keys besides options.
#![doc = include_str!("f303_config_ignored_keys.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::schema::{config::ConfigFile, property_names};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F303",
    name: "config-ignored-keys",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "config.yaml has top-level keys besides options",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("49"),
    explanation: include_str!("f303_config_ignored_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.config() else { return };
    if root.get("options").is_none() {
        return; // F302: without `options` nothing else is read
    }
    let known = property_names::<ConfigFile>();
    for (key, value) in root.map_entries().unwrap_or_default() {
        let name = key.key_text().unwrap_or_default();
        if known.contains(&name) {
            continue;
        }
        let diagnostic = out.report(
            &ctx.config_path(),
            Some(key.span),
            format!("`config.yaml` has a top-level key `{name}` that Juju ignores"),
        );
        diagnostic.help = Some(if looks_like_option(value) {
            format!("`{name}` looks like an option: indent it under `options:`")
        } else {
            "only `options` is read; delete the key, or keep notes in a YAML comment".into()
        });
    }
}

/// Whether a value looks like an option definition that lost its place under `options`.
fn looks_like_option(value: &crate::yaml::Node) -> bool {
    ["type", "default", "description"].iter().any(|k| value.get(k).is_some())
}
