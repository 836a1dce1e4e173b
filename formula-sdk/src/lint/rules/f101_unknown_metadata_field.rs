//! F101 `unknown-metadata-field`: metadata.yaml has a top-level key that neither Juju nor proof knows.
#![doc = include_str!("f101_unknown_metadata_field.md")]

use super::support::metadata::{is_string_key, metadata_map};
use super::support::names::closest;
use super::support::wording::key_name;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::schema::{metadata::MetadataFile, property_names};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F101",
    name: "unknown-metadata-field",
    severity: Severity::Info,
    group: Group::Style,
    summary: "metadata.yaml has a top-level key that neither Juju nor proof knows",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("4"),
    explanation: include_str!("f101_unknown_metadata_field.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    // The fields `charm proof` knows, the obsolete `revision` (F128) and the 2011
    // `ensemble: formula` marker (F133): those of metadata.yaml's schema.
    let known = property_names::<MetadataFile>();
    for (key, _) in root.map_entries().unwrap_or_default() {
        let name = key_name(key);
        if !is_string_key(key) {
            // Juju's schema wants string keys only, and refuses the whole file otherwise.
            let diagnostic = out.report(
                &ctx.metadata_path(),
                Some(key.span),
                format!("metadata field name `{name}` is not a string"),
            );
            diagnostic.severity = Severity::Error;
            diagnostic.help = Some(format!(
                "Juju refuses metadata whose field names are not all strings; quote it (`\"{name}\":`), or remove it"
            ));
            continue;
        }
        if known.contains(&name) {
            continue;
        }
        let diagnostic = out.report(&ctx.metadata_path(), Some(key.span), format!("unknown metadata field `{name}`"));
        diagnostic.help = Some(match closest(&name, known.iter().map(String::as_str)) {
            Some(known) => format!("did you mean `{known}`?"),
            None => {
                "Juju ignores fields it does not know; remove it, or keep it where tools that read it expect it".into()
            }
        });
    }
}
