//! F305 `invalid-option-name`: a config option's name breaks the naming pattern.
#![doc = include_str!("f305_invalid_option_name.md")]

use super::support::config::Options;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F305",
    name: "invalid-option-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's name breaks the naming pattern",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("51"),
    explanation: include_str!("f305_invalid_option_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, _) in &options.entries {
        let name = options.name(key);
        if is_valid_option_name(&name) {
            continue;
        }
        let diagnostic = out.report(
            &ctx.config_path(),
            Some(key.span),
            format!("option name `{name}` does not match the naming pattern"),
        );
        let mut help = "use letters, digits, `-` and `_`, and start and end with a letter or digit".to_string();
        if let Some(better) = suggestion(&name) {
            help.push_str(&format!(", e.g. `{better}`"));
        }
        diagnostic.help = Some(help);
    }
}

/// `charm proof`'s pattern, case-insensitive; Python's `$` also matches before a final newline.
static OPTION_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[a-z0-9]+(?:[\w-]*[a-z0-9]+)?\n?\z").expect("valid regex"));

/// Whether `charm proof` accepts `name` as an option name.
fn is_valid_option_name(name: &str) -> bool {
    OPTION_NAME.is_match(name)
}

/// A name close to `name` that the pattern accepts, if one is easy to make.
fn suggestion(name: &str) -> Option<String> {
    let replaced: String =
        name.chars().map(|c| if c.is_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect();
    let trimmed = replaced.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    (!trimmed.is_empty() && is_valid_option_name(trimmed)).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["port", "a", "8", "admin_user", "Max-Conns", "x-1_2"] {
            assert!(is_valid_option_name(ok), "{ok}");
        }
        for bad in ["", "-x", "x-", "_x", "x_", "my option", "a.b", "x!"] {
            assert!(!is_valid_option_name(bad), "{bad}");
        }
        assert_eq!(suggestion("my option").as_deref(), Some("my-option"));
        assert_eq!(suggestion("_private_").as_deref(), Some("private"));
    }
}
