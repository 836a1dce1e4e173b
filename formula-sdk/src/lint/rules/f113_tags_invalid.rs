//! F113 `tags-invalid`: tags is not a non-empty list.
#![doc = include_str!("f113_tags_invalid.md")]

use super::support::metadata::{check_string_list, metadata_map};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F113",
    name: "tags-invalid",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "tags is not a non-empty list",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("15"),
    explanation: include_str!("f113_tags_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = metadata_map(ctx).and_then(|root| root.entry("tags")) else {
        return;
    };
    check_string_list(ctx, out, "tags", key, value, "add at least one tag, e.g. `tags: [databases]`, or remove `tags`");
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::diagnostic::Severity;
    use crate::lint::rules::support::testing::lint_files;

    #[test]
    fn juju_refuses_what_is_not_a_list_of_strings() {
        let found = lint_files(&RULE, &[("metadata.yaml", "name: w\ntags: [web, 5, yes]\n")]);
        let got: Vec<_> =
            found.iter().map(|d| (d.message.as_str(), d.severity, d.help.as_deref().unwrap_or(""))).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "items of `tags` must be strings, not the int `5`");
        assert_eq!(got[0].1, Severity::Error);
        assert!(got[1].2.contains("\"yes\""), "{}", got[1].2);
        let empty = lint_files(&RULE, &[("metadata.yaml", "name: w\ntags: []\n")]);
        assert_eq!(empty.iter().map(|d| d.severity).collect::<Vec<_>>(), [Severity::Warning]);
        let null = lint_files(&RULE, &[("metadata.yaml", "name: w\ntags:\n")]);
        assert_eq!(null.iter().map(|d| d.severity).collect::<Vec<_>>(), [Severity::Error]);
    }
}
