//! F120 `extra-bindings-invalid`: extra-bindings is malformed or clashes with an endpoint.
#![doc = include_str!("f120_extra_bindings_invalid.md")]

use super::support::relations::relation_decls;
use super::support::spans::{join, value_span};
use super::support::wording::{a_type, describe_read};
use crate::diagnostic::{Label, Severity};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F120",
    name: "extra-bindings-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "extra-bindings is malformed or clashes with an endpoint",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("22"),
    explanation: include_str!("f120_extra_bindings_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let Some((key, value)) = root.entry("extra-bindings") else {
        return;
    };
    let path = ctx.metadata_path();
    let Some(bindings) = value.map_entries() else {
        out.report(
            &path,
            Some(value_span(key, value, ctx.metadata_text())),
            format!("`extra-bindings` must be a map of binding names, not {}", a_type(value)),
        )
        .help = Some("list each binding under `extra-bindings` as a key with no value, e.g. `public:`".into());
        return;
    };
    if bindings.is_empty() {
        out.report(&path, Some(join(key.span, value.span)), "`extra-bindings` is empty").help =
            Some("Juju refuses an empty `extra-bindings`; remove the key or list a binding".into());
        return;
    }
    let endpoints = relation_decls(root);
    for (name_node, binding) in bindings {
        let name = match &name_node.kind {
            NodeKind::Str(s) if !s.is_empty() => s.clone(),
            NodeKind::Str(_) | NodeKind::Null => {
                out.report(&path, Some(name_node.span), "an extra binding has an empty name");
                continue;
            }
            _ => {
                out.report(
                    &path,
                    Some(name_node.span),
                    format!(
                        "extra binding name `{}` is {}, not a string",
                        name_node.display_value(),
                        a_type(name_node)
                    ),
                );
                continue;
            }
        };
        if !binding.is_null() {
            out.report(
                &path,
                Some(binding.span),
                format!(
                    "extra binding `{name}` has a value ({}), but binding values must be empty",
                    describe_read(binding)
                ),
            )
            .help = Some(format!("write `{name}:` with nothing after the colon"));
        }
        if let Some(endpoint) = endpoints.iter().find(|e| e.name == name) {
            let diagnostic =
                out.report(&path, Some(name_node.span), format!("extra binding `{name}` has the name of an endpoint"));
            diagnostic.labels.push(Label {
                path: path.clone(),
                span: endpoint.key.span,
                message: format!("endpoint declared in `{}`", endpoint.role.section()),
            });
            diagnostic.help =
                Some("endpoints can be bound already; extra bindings are for names that are not endpoints".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn juju_rules() {
        assert_eq!(metadata_messages(&RULE, "extra-bindings:\n  public:\n  admin: ~\n"), Vec::<String>::new());
        assert_eq!(metadata_messages(&RULE, "extra-bindings: {}\n"), ["`extra-bindings` is empty"]);
        assert_eq!(
            metadata_messages(&RULE, "extra-bindings:\n"),
            ["`extra-bindings` must be a map of binding names, not null"]
        );
        assert_eq!(
            metadata_messages(&RULE, "extra-bindings:\n  public: yes\n"),
            ["extra binding `public` has a value (the boolean `true`), but binding values must be empty"]
        );
        assert_eq!(
            metadata_messages(&RULE, "extra-bindings:\n  website:\n"),
            ["extra binding `website` has the name of an endpoint"]
        );
        assert_eq!(
            metadata_messages(&RULE, "extra-bindings:\n  1:\n"),
            ["extra binding name `1` is an int, not a string"]
        );
    }
}
