//! F206 `relation-missing-interface`: an endpoint has no interface.
#![doc = include_str!("f206_relation_missing_interface.md")]

use super::support::relations::relation_decls;
use super::support::spans::value_span;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F206",
    name: "relation-missing-interface",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint has no interface",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-5"),
    explanation: include_str!("f206_relation_missing_interface.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let path = ctx.metadata_path();
    for decl in relation_decls(root) {
        let name = &decl.name;
        let help = Some("name the interface this endpoint speaks, e.g. `interface: mysql`".to_string());
        match &decl.value.kind {
            NodeKind::Str(s) if s.trim().is_empty() => {
                out.report(
                    &path,
                    Some(value_span(decl.key, decl.value, ctx.metadata_text())),
                    format!("endpoint `{name}` has an empty interface"),
                )
                .help = help;
            }
            NodeKind::Map(_) => match decl.value.entry("interface") {
                None => {
                    out.report(&path, Some(decl.key.span), format!("endpoint `{name}` has no `interface`")).help = help;
                }
                Some((key, value)) if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) => {
                    out.report(
                        &path,
                        Some(value_span(key, value, ctx.metadata_text())),
                        format!("endpoint `{name}` has an empty `interface`"),
                    )
                    .help = help;
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert_eq!(
            metadata_messages(&RULE, "requires:\n  db:\n    interface:\n"),
            ["endpoint `db` has an empty `interface`"]
        );
        assert_eq!(metadata_messages(&RULE, "requires:\n  db: \"\"\n"), ["endpoint `db` has an empty interface"]);
        assert!(metadata_messages(&RULE, "requires:\n  db: mysql\n").is_empty());
    }
}
