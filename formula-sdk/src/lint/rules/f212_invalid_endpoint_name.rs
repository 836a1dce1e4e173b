//! F212 `invalid-endpoint-name`: an endpoint name is not a valid relation name.
#![doc = include_str!("f212_invalid_endpoint_name.md")]

use super::support::relations::relation_decls;
use super::support::spans::written;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F212",
    name: "invalid-endpoint-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint name is not a valid relation name",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f212_invalid_endpoint_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        if decl.key.as_str().is_none() {
            // YAML 1.1 reads `on:`, `no:` or `1:` as a boolean or a number, and Juju wants
            // string keys.
            let as_written =
                Some(written(decl.key, ctx.metadata_text())).filter(|w| !w.is_empty()).unwrap_or(&decl.name);
            let message = format!("endpoint name `{as_written}` is read as {}, not a string", describe_read(decl.key));
            out.report(&ctx.metadata_path(), Some(decl.key.span), message).help =
                Some(format!("quote it (`\"{as_written}\":`) or choose another name"));
            continue;
        }
        let Some(reason) = name_problem(&decl.name) else {
            continue;
        };
        let diagnostic = out.report(
            &ctx.metadata_path(),
            Some(decl.key.span),
            format!("endpoint name `{}` is not valid: {reason}", decl.name),
        );
        diagnostic.help = Some(match suggestion(&decl.name) {
            Some(better) => format!("rename it, e.g. to `{better}`"),
            None => "an endpoint name is lowercase letters and digits, starting with a letter, in parts joined by `-` or `_`".into(),
        });
    }
}

/// Juju's relation (endpoint) names (`names.RelationSnippet`).
static ENDPOINT_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$").expect("valid regex"));

/// Why `name` is not a valid endpoint name, in the simplest words that apply.
pub fn name_problem(name: &str) -> Option<String> {
    if ENDPOINT_NAME.is_match(name) {
        return None;
    }
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        "it has uppercase letters".into()
    } else if let Some(c) =
        name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        format!("it has the character `{c}`")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        "it starts with a digit".into()
    } else if name.starts_with(['-', '_']) {
        "it starts with a separator".into()
    } else if name.ends_with(['-', '_']) {
        "it ends with a separator".into()
    } else {
        "it has two separators in a row".into()
    };
    Some(problem)
}

/// A valid name close to `name` (lowercased, spaces and dots as `-`, separators squeezed and
/// trimmed), when that simple repair works.
pub fn suggestion(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.to_ascii_lowercase().chars() {
        let c = if c == ' ' || c == '.' { '-' } else { c };
        if matches!(c, '-' | '_') && (out.is_empty() || out.ends_with(['-', '_'])) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end_matches(['-', '_']).to_string();
    (out != name && ENDPOINT_NAME.is_match(&out)).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{name_problem, suggestion};

    #[test]
    fn names() {
        for ok in ["db", "juju-info", "shared_db", "db2", "a-1"] {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        assert_eq!(name_problem("DB").as_deref(), Some("it has uppercase letters"));
        assert_eq!(name_problem("2db").as_deref(), Some("it starts with a digit"));
        assert_eq!(name_problem("db-").as_deref(), Some("it ends with a separator"));
        assert_eq!(name_problem("db--admin").as_deref(), Some("it has two separators in a row"));
        assert_eq!(name_problem("db.admin").as_deref(), Some("it has the character `.`"));
        assert_eq!(suggestion("Website"), Some("website".into()));
        assert_eq!(suggestion("db--admin"), Some("db-admin".into()));
        assert_eq!(suggestion("2db"), None);
    }
}

#[cfg(test)]
mod juju_cases {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn yaml_booleans_as_names() {
        let meta = "name: wiki\nprovides:\n  on:\n    interface: http\n  \"no\":\n    interface: http\n";
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", meta)]),
            ["endpoint name `on` is read as the boolean `true`, not a string"]
        );
    }
}
