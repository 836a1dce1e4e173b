//! F009 `metadata-not-a-map`: metadata.yaml is not a mapping.
#![doc = include_str!("f009_metadata_not_a_map.md")]

use super::support::spans::first_line;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F009",
    name: "metadata-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata.yaml is not a mapping",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f009_metadata_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    // An empty document is an empty map to Juju: F102 reports the fields it lacks.
    if matches!(root.kind, NodeKind::Map(_) | NodeKind::Null) {
        return;
    }
    let text = ctx.metadata_text();
    let span = first_line(root.span, text);
    out.report(
        &ctx.metadata_path(),
        Some(span),
        format!("`metadata.yaml` must be a map of fields, not {}", describe(root, text)),
    )
    .help = Some("write one `field: value` per line, starting with `name:`, `summary:` and `description:`".into());
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn scalars_and_lists_but_not_empty_documents() {
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", "wiki\n")]),
            ["`metadata.yaml` must be a map of fields, not the string `wiki`"]
        );
        assert!(messages(&RULE, &[("metadata.yaml", "")]).is_empty());
        assert!(messages(&RULE, &[("metadata.yaml", "# nothing yet\n")]).is_empty());
        assert!(messages(&RULE, &[("metadata.yaml", "[a\n")]).is_empty(), "a syntax error is F002's");
    }
}
