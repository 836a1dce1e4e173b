//! F112 `tags-missing`: metadata has neither tags nor categories.
#![doc = include_str!("f112_tags_missing.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F112",
    name: "tags-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "metadata has neither tags nor categories",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("14"),
    explanation: include_str!("f112_tags_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    if root.get("tags").is_some() || root.get("categories").is_some() {
        return;
    }
    out.report(&ctx.metadata_path(), None, "`metadata.yaml` has no `tags`").help =
        Some("add `tags:` with the store sections the formula belongs to, e.g. `tags: [databases]`".into());
}
