//! F102 `missing-metadata-field`: metadata.yaml lacks name, summary or description.
#![doc = include_str!("f102_missing_metadata_field.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F102",
    name: "missing-metadata-field",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "metadata.yaml lacks name, summary or description",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("5"),
    explanation: include_str!("f102_missing_metadata_field.md"),
    check: Check::Formula(check),
};

/// The fields Juju requires (`charm proof` asks for the first two only).
const REQUIRED: &[&str] = &["name", "summary", "description"];

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    // An empty document is an empty map to Juju; any other non-map is F009's.
    if !matches!(root.kind, NodeKind::Map(_) | NodeKind::Null) {
        return;
    }
    for field in REQUIRED {
        let (span, message) = match root.entry(field) {
            None => (None, format!("`metadata.yaml` has no `{field}`")),
            Some((key, value)) if is_empty(value) => (Some(key.span), format!("`{field}` is empty")),
            Some(_) => continue,
        };
        out.report(&ctx.metadata_path(), span, message).help = Some(help(ctx, field));
    }
}

/// Whether a required field's value counts as missing: null, or a blank string.
fn is_empty(value: &Node) -> bool {
    match &value.kind {
        NodeKind::Null => true,
        NodeKind::Str(text) => text.trim().is_empty(),
        _ => false,
    }
}

fn help(ctx: &LintContext, field: &str) -> String {
    match field {
        "name" => format!("add `name: {}`, the name Juju deploys the formula under", ctx.formula.dir_name()),
        "summary" => "add a one-line `summary` of what the formula deploys".into(),
        _ => "add a `description` of a few lines; Juju refuses metadata without one".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn an_empty_file_lacks_everything() {
        assert_eq!(messages(&RULE, &[("metadata.yaml", "")]).len(), 3);
        assert!(messages(&RULE, &[("metadata.yaml", "- a\n")]).is_empty(), "not a map is F009's");
        assert!(messages(&RULE, &[("config.yaml", "options: {}\n")]).is_empty(), "no metadata is F003's");
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", "name: ' '\nsummary: 5\ndescription: d\n")]),
            ["`name` is empty"]
        );
    }
}
