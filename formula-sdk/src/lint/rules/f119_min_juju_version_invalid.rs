//! F119 `min-juju-version-invalid`: min-juju-version is not a valid version.
#![doc = include_str!("f119_min_juju_version_invalid.md")]

use super::support::spans::value_span;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F119",
    name: "min-juju-version-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "min-juju-version is not a valid version",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("21"),
    explanation: include_str!("f119_min_juju_version_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("min-juju-version")) else {
        return;
    };
    let path = ctx.metadata_path();
    let Some(text) = value.as_str() else {
        let message = if value.is_null() {
            "`min-juju-version` is empty".to_string()
        } else {
            format!("`min-juju-version` is {} `{}`, not a version string", a_type(value), value.display_value())
        };
        out.report(&path, Some(value_span(key, value, ctx.metadata_text())), message).help =
            Some("write the version as a quoted string of three numbers, e.g. `min-juju-version: \"2.9.0\"`".into());
        return;
    };
    match major_version(text) {
        None => {
            out.report(
                &path,
                Some(value.span),
                format!("`min-juju-version` `{text}` is not a version of the form X.Y.Z"),
            )
            .help = Some("write three numbers, as in `2.9.0` (a tag such as `2.9-beta1` is allowed)".into());
        }
        Some(major) if major < 2 => {
            out.report(&path, Some(value.span), format!("`min-juju-version` `{text}` is older than 2.0.0")).help =
                Some("Juju reads `min-juju-version` since 2.0.0, so the version must be 2.0.0 or greater".into());
        }
        Some(_) => {}
    }
}

/// Juju's version number (`version.Parse`): `major.minor.patch`, or `major.minor-tagpatch`,
/// with an optional `.build`; the whole text must match.
static VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,9})\.(\d{1,9})(?:\.|-[a-z]+)(\d{1,9})(?:\.\d{1,9})?$").expect("valid regex"));

/// The major number when `text` is a version Juju can parse.
fn major_version(text: &str) -> Option<u64> {
    VERSION.captures(text).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::major_version;

    #[test]
    fn versions() {
        assert_eq!(major_version("2.9.0"), Some(2));
        assert_eq!(major_version("3.1-beta2"), Some(3));
        assert_eq!(major_version("2.9.1.4"), Some(2));
        assert_eq!(major_version("1.25.6"), Some(1));
        assert_eq!(major_version("2.9"), None);
        assert_eq!(major_version("2.9.0-ubuntu"), None);
        assert_eq!(major_version("v2.9.0"), None);
    }
}

#[cfg(test)]
mod juju_cases {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert!(metadata_messages(&RULE, "min-juju-version: 2.9.0\n").is_empty());
        assert!(metadata_messages(&RULE, "min-juju-version: 2.9-beta1\n").is_empty());
        assert_eq!(
            metadata_messages(&RULE, "min-juju-version: 1.25.0\n"),
            ["`min-juju-version` `1.25.0` is older than 2.0.0"]
        );
        assert_eq!(
            metadata_messages(&RULE, "min-juju-version: 2.9.0-ubuntu\n"),
            ["`min-juju-version` `2.9.0-ubuntu` is not a version of the form X.Y.Z"]
        );
        assert_eq!(metadata_messages(&RULE, "min-juju-version:\n"), ["`min-juju-version` is empty"]);
    }
}
