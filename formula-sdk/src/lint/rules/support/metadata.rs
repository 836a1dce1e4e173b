//! What metadata.yaml says, read the way several rules need it.

use super::spans::{first_line, value_span, written};
use super::wording::{a_type, describe};
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{LintContext, Reporter};
use crate::yaml::{Node, NodeKind};

/// metadata.yaml's root, when it parsed into a mapping (other roots are F009's to report).
pub fn metadata_map<'a>(ctx: &LintContext<'a>) -> Option<&'a Node> {
    ctx.metadata().filter(|root| root.is_map())
}

/// Whether a mapping key is a string, as Juju's schema requires of every field name.
pub fn is_string_key(key: &Node) -> bool {
    matches!(key.kind, NodeKind::Str(_))
}

/// The name from metadata, when it is a string.
pub fn formula_name(root: &Node) -> Option<&str> {
    root.get("name").and_then(Node::as_str)
}

/// Whether Juju reads the formula as a subordinate: `subordinate` is true, or a string that
/// Go's `strconv.ParseBool` reads as true (Juju's schema accepts `"true"`).
pub fn is_subordinate(root: &Node) -> bool {
    match root.get("subordinate").map(|n| &n.kind) {
        Some(NodeKind::Bool(b)) => *b,
        Some(NodeKind::Str(s)) => strconv::parse_bool(s) == Ok(true),
        _ => false,
    }
}

/// Checks a field that must be a non-empty list of strings (`tags`, `categories`). Juju
/// refuses anything but a list of strings (error); `charm proof` also warns about an empty
/// list, which Juju accepts (warning, the rule's level).
pub fn check_string_list(ctx: &LintContext, out: &mut Reporter, field: &str, key: &Node, value: &Node, fill: &str) {
    let path = ctx.metadata_path();
    let text = ctx.metadata_text();
    let Some(items) = value.as_seq() else {
        let span = value_span(key, value, text);
        let diagnostic = out.report(
            &path,
            Some(span),
            format!("`{field}` must be a list of strings, not {}", describe(value, text)),
        );
        diagnostic.severity = Severity::Error;
        diagnostic.help = Some(match value.as_str() {
            Some(one) => format!("make it a list: `{field}: [{one}]`; Juju refuses anything else"),
            None => format!("{fill}; Juju refuses anything but a list"),
        });
        return;
    };
    if items.is_empty() {
        out.report(&path, Some(value.span), format!("`{field}` is an empty list")).help = Some(fill.to_string());
    }
    for item in items.iter().filter(|i| i.as_str().is_none()) {
        let diagnostic = out.report(
            &path,
            Some(first_line(item.span, text)),
            format!("items of `{field}` must be strings, not {}", describe(item, text)),
        );
        diagnostic.severity = Severity::Error;
        if !matches!(item.kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
            diagnostic.help =
                Some(format!("quote it: `\"{}\"`; Juju refuses a list with anything but strings", written(item, text)));
        }
    }
}

/// The definitions under `field`, a field that must be a non-empty map of `kind` definitions
/// (`payloads`, `resources`): (name key, definition), repeated names resolved to the last.
/// When the field is empty or not a map, reports it (with `help`) and gives nothing; when it
/// is absent, gives nothing.
pub fn definitions<'a>(
    ctx: &LintContext<'a>,
    out: &mut Reporter,
    field: &str,
    kind: &str,
    help: &str,
) -> Vec<(&'a Node, &'a Node)> {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry(field)) else {
        return Vec::new();
    };
    let entries = value.map_entries().unwrap_or_default();
    if entries.is_empty() {
        let what = if value.is_map() { "an empty map" } else { a_type(value) };
        out.report(
            &ctx.metadata_path(),
            Some(value_span(key, value, ctx.metadata_text())),
            format!("`{field}` must be a map of {kind} definitions, not {what}"),
        )
        .help = Some(help.into());
    }
    entries
}
