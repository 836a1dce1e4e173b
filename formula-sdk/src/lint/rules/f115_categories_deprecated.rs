//! F115 `categories-deprecated`: categories is used instead of tags.
#![doc = include_str!("f115_categories_deprecated.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F115",
    name: "categories-deprecated",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "categories is used instead of tags",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("17"),
    explanation: include_str!("f115_categories_deprecated.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    let Some((key, _)) = root.entry("categories") else {
        return;
    };
    let help = if root.get("tags").is_some() {
        "remove `categories`: `tags` is already set, and holds the same information"
    } else {
        "rename `categories` to `tags`"
    };
    out.report(&ctx.metadata_path(), Some(key.span), "`categories` is deprecated in favour of `tags`").help =
        Some(help.into());
}
