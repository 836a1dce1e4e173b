//! F122 `terms-invalid`: terms is not a list of term ids.
#![doc = include_str!("f122_terms_invalid.md")]

use super::support::spans::value_span;
use super::support::wording::{a_type, describe_read};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F122",
    name: "terms-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "terms is not a list of term ids",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("24"),
    explanation: include_str!("f122_terms_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("terms")) else {
        return;
    };
    let path = ctx.metadata_path();
    let Some(items) = value.as_seq() else {
        out.report(
            &path,
            Some(value_span(key, value, ctx.metadata_text())),
            format!("`terms` must be a list of term ids, not {}", a_type(value)),
        )
        .help = Some("write one term id per item, e.g. `terms: [my-terms/2]`".into());
        return;
    };
    for item in items {
        match item.as_str() {
            None => {
                out.report(&path, Some(item.span), format!("term {} is not a string", describe_read(item)));
            }
            Some(term) => {
                if let Err(reason) = parse_term(term) {
                    out.report(&path, Some(item.span), format!("term `{term}` is not a valid term id: {reason}"))
                        .help =
                        Some("a term id is `name`, `name/revision`, `owner/name` or `owner/name/revision`".into());
                }
            }
        }
    }
}

/// Juju's `ParseTerm`: `[tenant:][owner/]name[/revision]`, each part validated.
fn parse_term(text: &str) -> Result<(), String> {
    let (tenant, id) = match text.split_once(':') {
        Some((tenant, id)) => (tenant, id),
        None => ("", text),
    };
    let tokens: Vec<&str> = id.split('/').collect();
    let (owner, name, revision) = match tokens.as_slice() {
        [name] => ("", *name, 0),
        [first, second] => match second.parse::<i64>() {
            Ok(revision) => ("", *first, revision),
            Err(_) => (*first, *second, 0),
        },
        [owner, name, revision] => match revision.parse::<i64>() {
            Ok(revision) => (*owner, *name, revision),
            Err(_) => return Err(format!("the revision `{revision}` is not a number")),
        },
        _ => return Err("it has more than three parts".into()),
    };
    if !tenant.is_empty() && tenant != "cs" && !TERM_NAME.is_match(tenant) {
        return Err(format!("the tenant `{tenant}` is not valid"));
    }
    if !owner.is_empty() && !OWNER.is_match(owner) {
        return Err(format!("the owner `{owner}` is not a valid user name"));
    }
    if !TERM_NAME.is_match(name) {
        return Err(format!("the name `{name}` must be lowercase letters and digits, optionally joined by hyphens, starting with a letter"));
    }
    if revision < 0 {
        return Err("the revision is negative".into());
    }
    Ok(())
}

/// Juju's term names (`validTermName`).
static TERM_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z](-?[a-z0-9]+)+$").expect("valid regex"));

/// Juju's user names, with an optional `@domain` (`names.IsValidUser`).
static OWNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-zA-Z0-9][a-zA-Z0-9.+-]*[a-zA-Z0-9](?:@[a-zA-Z0-9][a-zA-Z0-9.+-]*[a-zA-Z0-9])?$")
        .expect("valid regex")
});

#[cfg(test)]
mod tests {
    use super::parse_term;

    #[test]
    fn term_forms() {
        for ok in ["my-terms", "my-terms/2", "acme/my-terms", "acme/my-terms/2", "cs:acme/my-terms", "tenant:my-terms"]
        {
            assert_eq!(parse_term(ok), Ok(()), "{ok}");
        }
        for bad in ["My-Terms", "a", "acme/my-terms/two", "a/b/c/d", "x/my-terms", "my-terms/-1", "my--terms"] {
            assert!(parse_term(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod juju_cases {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert!(metadata_messages(&RULE, "terms: [site-terms, acme/site-terms/2]\n").is_empty());
        assert_eq!(metadata_messages(&RULE, "terms: [Site-Terms]\n").len(), 1);
        assert_eq!(metadata_messages(&RULE, "terms: [5]\n"), ["term the int `5` is not a string"]);
        assert_eq!(metadata_messages(&RULE, "terms:\n"), ["`terms` must be a list of term ids, not null"]);
    }
}
