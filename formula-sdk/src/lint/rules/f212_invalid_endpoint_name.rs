//! F212 `invalid-endpoint-name`: an endpoint name is not a valid relation name.
#![doc = include_str!("f212_invalid_endpoint_name.md")]

use super::support::relations::relation_decls;
use super::support::spans::written;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::format::names::{endpoint_name_problem, endpoint_name_suggestion};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F212",
    name: "invalid-endpoint-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint name is not a valid relation name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f212_invalid_endpoint_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        if decl.key.as_str().is_none() {
            // YAML 1.1 reads `on:`, `no:` or `1:` as a boolean or a number, and Juju wants
            // string keys.
            let as_written =
                Some(written(decl.key, ctx.metadata_text())).filter(|w| !w.is_empty()).unwrap_or(&decl.name);
            let message = format!("endpoint name `{as_written}` is read as {}, not a string", describe_read(decl.key));
            out.report(&ctx.metadata_path(), Some(decl.key.span), message).help =
                Some(format!("quote it (`\"{as_written}\":`) or choose another name"));
            continue;
        }
        let Some(reason) = endpoint_name_problem(&decl.name) else {
            continue;
        };
        let diagnostic = out.report(
            &ctx.metadata_path(),
            Some(decl.key.span),
            format!("endpoint name `{}` is not valid: {reason}", decl.name),
        );
        diagnostic.help = Some(match endpoint_name_suggestion(&decl.name) {
            Some(better) => format!("rename it, e.g. to `{better}`"),
            None => "an endpoint name is lowercase letters and digits, starting with a letter, in parts joined by `-` or `_`".into(),
        });
    }
}

#[cfg(test)]
mod juju_cases {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn yaml_booleans_as_names() {
        let meta = "name: wiki\nprovides:\n  on:\n    interface: http\n  \"no\":\n    interface: http\n";
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", meta)]),
            ["endpoint name `on` is read as the boolean `true`, not a string"]
        );
    }
}
