//! F007 `layer-yaml-unparseable`: layer.yaml does not parse.
#![doc = include_str!("f007_layer_yaml_unparseable.md")]

use super::support::layer::layer;
use super::support::spans::first_line;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F007",
    name: "layer-yaml-unparseable",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "layer.yaml does not parse",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("3"),
    explanation: include_str!("f007_layer_yaml_unparseable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    // A layer.yaml that cannot be read at all is F004's or F005's.
    let Some(layer) = layer(ctx.formula) else {
        return;
    };
    if let Some(error) = &layer.error {
        out.report(&layer.path, Some(error.span), format!("cannot parse `layer.yaml`: {}", error.message));
        return;
    }
    let (Some(root), Some(text)) = (&layer.node, &layer.text) else {
        return;
    };
    match &root.kind {
        NodeKind::Map(_) => {}
        NodeKind::Null => {
            out.report(&layer.path, None, "`layer.yaml` is empty").help =
                Some("remove it, or give it the layers it builds on (`includes: [layer:basic]`)".into());
            return;
        }
        _ => {
            out.report(
                &layer.path,
                Some(first_line(root.span, text)),
                format!("`layer.yaml` must be a map, not {}", describe(root, text)),
            );
            return;
        }
    }
    if let Some((key, value)) = root.entry("proof") {
        if !value.is_map() {
            let span = if value.is_null() { key.span } else { first_line(value.span, text) };
            out.report(
                &layer.path,
                Some(span),
                format!("`proof` in `layer.yaml` must be a map of metadata sections, not {}", describe(value, text)),
            )
            .help =
                Some("write `proof:` with sections such as `storage:`, each a list of `{name, type}` fields".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    const META: &str = "name: wiki\nsummary: s\ndescription: d\n";

    #[test]
    fn what_charm_proof_cannot_use() {
        assert_eq!(messages(&RULE, &[("metadata.yaml", META), ("layer.yaml", "")]), ["`layer.yaml` is empty"]);
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", META), ("layer.yaml", "- layer:basic\n")]),
            ["`layer.yaml` must be a map, not a list"]
        );
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", META), ("layer.yaml", "proof: 5\n")]),
            ["`proof` in `layer.yaml` must be a map of metadata sections, not the int `5`"]
        );
        assert_eq!(messages(&RULE, &[("metadata.yaml", META), ("layer.yaml", "proof:\n")]).len(), 1);
        assert!(messages(&RULE, &[("metadata.yaml", META), ("layer.yaml", "includes: [layer:basic]\nproof: {}\n")])
            .is_empty());
        assert!(messages(&RULE, &[("metadata.yaml", META)]).is_empty());
    }
}
