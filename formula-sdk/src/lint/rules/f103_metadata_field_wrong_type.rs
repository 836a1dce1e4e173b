//! F103 `metadata-field-wrong-type`: a metadata field has a type Juju's schema rejects.
#![doc = include_str!("f103_metadata_field_wrong_type.md")]

use super::support::metadata::metadata_map;
use super::support::spans::first_line;
use super::support::spans::written;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F103",
    name: "metadata-field-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a metadata field has a type Juju's schema rejects",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f103_metadata_field_wrong_type.md"),
    check: Check::Formula(check),
};

/// What Juju's schema wants of a field.
#[derive(Clone, Copy)]
enum Want {
    /// A string; null is F102's "missing".
    Text,
    /// An integer, or a string that parses as one.
    Int,
    /// A map, of endpoints (null is refused too).
    Map,
    /// A list of strings.
    Strings,
}

/// The fields this rule checks. The others have rules of their own (tags F113, categories F114,
/// storage F116, devices F117, min-juju-version F119, extra-bindings F120, payloads F121,
/// terms F122, resources F123, deployment F124, subordinate F125, revision F129).
const FIELDS: &[(&str, Want)] = &[
    ("name", Want::Text),
    ("summary", Want::Text),
    ("description", Want::Text),
    ("format", Want::Int),
    ("provides", Want::Map),
    ("requires", Want::Map),
    ("peers", Want::Map),
    ("series", Want::Strings),
];

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    let text = ctx.metadata_text();
    for (field, want) in FIELDS {
        let Some((key, value)) = root.entry(field) else {
            continue;
        };
        match want {
            Want::Text if !value.is_null() && value.as_str().is_none() => {
                let diagnostic = out.report(
                    &ctx.metadata_path(),
                    Some(first_line(value.span, text)),
                    format!("`{field}` must be a string, not {}", describe(value, text)),
                );
                if !matches!(value.kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                    diagnostic.help = Some(format!("quote it: `{field}: \"{}\"`", written(value, text)));
                }
            }
            Want::Int if !is_int(value) => {
                out.report(
                    &ctx.metadata_path(),
                    Some(first_line(value.span, text)),
                    format!("`{field}` must be an integer, not {}", describe(value, text)),
                )
                .help = Some("`format` is obsolete and ignored; remove it".into());
            }
            Want::Map if !value.is_map() => {
                let span = if value.is_null() { key.span } else { first_line(value.span, text) };
                let diagnostic = out.report(
                    &ctx.metadata_path(),
                    Some(span),
                    format!("`{field}` must be a map of endpoints, not {}", describe(value, text)),
                );
                diagnostic.help = Some(if value.is_null() {
                    format!("remove the empty `{field}:`, or declare an endpoint under it")
                } else {
                    format!("write each endpoint on its own line under `{field}:`, as `name: interface`")
                });
            }
            Want::Strings => check_strings(ctx, out, field, key, value, text),
            _ => {}
        }
    }
}

fn check_strings(ctx: &LintContext, out: &mut Reporter, field: &str, key: &Node, value: &Node, text: &str) {
    let Some(items) = value.as_seq() else {
        let span = if value.is_null() { key.span } else { first_line(value.span, text) };
        let diagnostic = out.report(
            &ctx.metadata_path(),
            Some(span),
            format!("`{field}` must be a list of strings, not {}", describe(value, text)),
        );
        if let Some(one) = value.as_str() {
            diagnostic.help = Some(format!("make it a list: `{field}: [{one}]`"));
        }
        return;
    };
    for item in items.iter().filter(|i| i.as_str().is_none()) {
        out.report(
            &ctx.metadata_path(),
            Some(first_line(item.span, text)),
            format!("items of `{field}` must be strings, not {}", describe(item, text)),
        );
    }
}

/// Whether Juju's `schema.Int()` accepts the value: an integer, or a string `ParseInt` reads.
fn is_int(value: &Node) -> bool {
    match &value.kind {
        NodeKind::Int(_) => true,
        NodeKind::Str(s) => strconv::parse_int(s).is_some(),
        _ => false,
    }
}
