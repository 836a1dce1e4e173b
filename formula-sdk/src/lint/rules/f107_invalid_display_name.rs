//! F107 `invalid-display-name`: display-name has characters the store refuses.
#![doc = include_str!("f107_invalid_display_name.md")]

use super::support::metadata::metadata_map;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F107",
    name: "invalid-display-name",
    severity: Severity::Error,
    group: Group::Style,
    summary: "display-name has characters the store refuses",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("9"),
    explanation: include_str!("f107_invalid_display_name.md"),
    check: Check::Formula(check),
};

const HELP: &str = "use letters, digits, `-` and `_`, with single spaces between words";

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = metadata_map(ctx).and_then(|root| root.entry("display-name")) else {
        return;
    };
    let Some(text) = value.as_str() else {
        let text = ctx.metadata_text();
        let span = if value.is_null() { key.span } else { value.span };
        out.report(
            &ctx.metadata_path(),
            Some(span),
            format!("`display-name` must be a string, not {}", describe(value, text)),
        )
        .help = Some(HELP.into());
        return;
    };
    if let Some(problem) = problem(text) {
        out.report(&ctx.metadata_path(), Some(value.span), problem).help = Some(HELP.into());
    }
}

/// What is wrong with a display name, by the store's pattern (that of juju/names):
/// `^[A-Za-z0-9]+( [-A-Za-z0-9_]|[-A-Za-z0-9_])*$`, ASCII only. Like Python's `re.match`, a
/// single trailing newline is tolerated (a block scalar ends with one).
fn problem(text: &str) -> Option<String> {
    let name = text.strip_suffix('\n').unwrap_or(text);
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let shown = name.escape_debug().to_string();
    let Some(first) = name.chars().next() else {
        return Some("`display-name` is empty".into());
    };
    if !first.is_ascii_alphanumeric() {
        return Some(format!("display-name `{shown}` must start with a letter or a digit"));
    }
    if let Some(bad) = name.chars().find(|c| !allowed(*c) && *c != ' ') {
        return Some(format!("display-name `{shown}` has `{}`, which is not allowed", bad.escape_debug()));
    }
    if name.contains("  ") {
        return Some(format!("display-name `{shown}` has two spaces in a row"));
    }
    if name.ends_with(' ') {
        return Some(format!("display-name `{shown}` ends with a space"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn the_store_pattern() {
        for ok in ["MediaWiki", "Media Wiki", "my-wiki_2", "A - B", "Wiki\n", "9lives"] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in ["", "-wiki", " Wiki", "Wiki!", "Wiki  Two", "Wiki ", "Café", "Wiki\n\n", "Wiki\tTwo"] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }
}
