//! F302 `config-invalid-structure`: config.yaml is not a mapping with an options key.
#![doc = include_str!("f302_config_invalid_structure.md")]

use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::format::first_line_span;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F302",
    name: "config-invalid-structure",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "config.yaml is not a mapping with an options key",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("48"),
    explanation: include_str!("f302_config_invalid_structure.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(file) = &ctx.formula.config_file else {
        return;
    };
    let Some(root) = &file.node else { return }; // a syntax error is F002's
    let path = ctx.config_path();
    const HELP: &str = "put the settings under `options:`; write `options: {}` when there are none";
    match &root.kind {
        NodeKind::Null => {
            out.report(
                &path,
                Some(first_line_span(&file.source.text)),
                "`config.yaml` is empty, which Juju refuses as an empty configuration",
            )
            .help = Some(HELP.into());
        }
        NodeKind::Map(_) => {
            if root.get("options").is_some() {
                return;
            }
            let entries = root.map_entries().unwrap_or_default();
            let near_miss = entries.iter().find(|(k, _)| k.key_text().is_some_and(|t| looks_like_options(&t)));
            let span = near_miss.or(entries.first()).map_or(root.span, |(k, _)| k.span);
            let diagnostic = out.report(
                &path,
                Some(span),
                "`config.yaml` has no `options` key, so Juju refuses it as an empty configuration",
            );
            let first_is_option = entries
                .first()
                .is_some_and(|(_, v)| ["type", "default", "description"].iter().any(|k| v.get(k).is_some()));
            diagnostic.help = Some(match near_miss.and_then(|(k, _)| k.key_text()) {
                Some(key) => format!("rename `{key}` to `options`"),
                None if first_is_option => {
                    "these look like options: indent them under a top-level `options:` key".into()
                }
                None => HELP.into(),
            });
        }
        _ => {
            out.report(
                &path,
                Some(root.span),
                format!("`config.yaml` holds {}, not a mapping with an `options` key", a_type(root)),
            )
            .help = Some(HELP.into());
        }
    }
}

/// Whether a top-level key is probably a misspelt `options`.
fn looks_like_options(key: &str) -> bool {
    matches!(key.to_ascii_lowercase().as_str(), "option" | "options" | "opts" | "config" | "settings")
}
