//! F130 `invalid-formula-name`: the formula name is not a valid Juju name.
#![doc = include_str!("f130_invalid_formula_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F130",
    name: "invalid-formula-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the formula name is not a valid Juju name",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f130_invalid_formula_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(node) = ctx.metadata().and_then(|root| root.get("name")) else {
        return;
    };
    let Some(name) = node.as_str() else { return };
    let Some(reason) = name_problem(name) else {
        return;
    };
    let diagnostic =
        out.report(&ctx.metadata_path(), Some(node.span), format!("formula name `{name}` is not valid: {reason}"));
    diagnostic.help = Some(match suggestion(name) {
        Some(better) => format!("rename it, e.g. to `{better}`"),
        None => "Juju names are lowercase letters and digits in hyphen-separated parts, starting with a letter, each part with a letter".into(),
    });
}

/// Juju's charm and application names (`names.ApplicationSnippet`).
static VALID_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$").expect("valid regex"));

/// Why `name` is not a valid Juju name, in the simplest words that apply; `None` when valid.
pub fn name_problem(name: &str) -> Option<String> {
    if VALID_NAME.is_match(name) {
        return None;
    }
    if name.is_empty() {
        return Some("it is empty".into());
    }
    let mut odd = Vec::new();
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        odd.push("uppercase letters".to_string());
    }
    if name.contains('_') {
        odd.push("an underscore".into());
    }
    let mut others: Vec<char> =
        name.chars().filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')).collect();
    others.dedup();
    if let Some(c) = others.first() {
        odd.push(format!("the character `{c}`"));
    }
    if !odd.is_empty() {
        return Some(format!("it has {}", odd.join(" and ")));
    }
    if name.starts_with('-') {
        return Some("it starts with a hyphen".into());
    }
    if name.ends_with('-') {
        return Some("it ends with a hyphen".into());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("it starts with a digit".into());
    }
    if name.contains("--") {
        return Some("it has two hyphens in a row".into());
    }
    if let Some(part) = name.split('-').find(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return Some(format!("the part `{part}` is all digits"));
    }
    Some("it does not match Juju's name pattern".into())
}

/// A valid name close to `name` (lowercased, `_` and spaces as `-`, all-digit parts joined to
/// the part before), when that simple repair works.
pub fn suggestion(name: &str) -> Option<String> {
    let lowered: String =
        name.to_ascii_lowercase().chars().map(|c| if c == '_' || c == ' ' { '-' } else { c }).collect();
    let mut parts: Vec<String> = Vec::new();
    for part in lowered.split('-').filter(|p| !p.is_empty()) {
        match parts.last_mut() {
            Some(last) if part.chars().all(|c| c.is_ascii_digit()) => last.push_str(part),
            _ => parts.push(part.to_string()),
        }
    }
    let candidate = parts.join("-");
    (candidate != name && VALID_NAME.is_match(&candidate)).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::{name_problem, suggestion};

    #[test]
    fn problems() {
        assert_eq!(name_problem("mysql"), None);
        assert_eq!(name_problem("juju-gui"), None);
        assert_eq!(name_problem("mysql2"), None);
        assert_eq!(name_problem("a-1b"), None);
        assert_eq!(name_problem("MySQL").as_deref(), Some("it has uppercase letters"));
        assert_eq!(name_problem("my_sql").as_deref(), Some("it has an underscore"));
        assert_eq!(name_problem("Wiki_Server").as_deref(), Some("it has uppercase letters and an underscore"));
        assert_eq!(name_problem("9lives").as_deref(), Some("it starts with a digit"));
        assert_eq!(name_problem("mysql-").as_deref(), Some("it ends with a hyphen"));
        assert_eq!(name_problem("postgresql-9").as_deref(), Some("the part `9` is all digits"));
        assert_eq!(name_problem("wiki.org").as_deref(), Some("it has the character `.`"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("MySQL").as_deref(), Some("mysql"));
        assert_eq!(suggestion("my_sql").as_deref(), Some("my-sql"));
        assert_eq!(suggestion("postgresql-9").as_deref(), Some("postgresql9"));
        assert_eq!(suggestion("mysql-").as_deref(), Some("mysql"));
        assert_eq!(suggestion("9lives"), None);
    }
}
