//! F114 `categories-invalid`: categories is not a non-empty list.
#![doc = include_str!("f114_categories_invalid.md")]

use super::support::metadata::{check_string_list, metadata_map};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F114",
    name: "categories-invalid",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "categories is not a non-empty list",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("16"),
    explanation: include_str!("f114_categories_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = metadata_map(ctx).and_then(|root| root.entry("categories")) else {
        return;
    };
    check_string_list(
        ctx,
        out,
        "categories",
        key,
        value,
        "list one or more of `applications`, `app-servers`, `databases`, `file-servers`, `cache-proxy`, `misc`; better, rename the field to `tags`",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn a_string_is_not_a_list() {
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", "name: w\ncategories: misc\n")]),
            ["`categories` must be a list of strings, not the string `misc`"]
        );
    }
}
