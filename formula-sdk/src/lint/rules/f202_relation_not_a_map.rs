//! F202 `relation-not-a-map`: an endpoint declaration is neither a map nor an interface name.
#![doc = include_str!("f202_relation_not_a_map.md")]

use super::support::relations::relation_decls;
use super::support::spans::value_span;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F202",
    name: "relation-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint declaration is neither a map nor an interface name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-2"),
    explanation: include_str!("f202_relation_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        let section = decl.role.section();
        let name = &decl.name;
        match decl.value.kind {
            NodeKind::Map(_) | NodeKind::Str(_) => {}
            NodeKind::Null => {
                out.report(
                    &ctx.metadata_path(),
                    Some(decl.key.span),
                    format!("endpoint `{name}` in `{section}` has no declaration"),
                )
                .help = Some(format!("give it an interface: `{name}: {{interface: <interface>}}`"));
            }
            _ => {
                let message = format!("endpoint `{name}` in `{section}` is {}, not a map", a_type(decl.value));
                out.report(
                    &ctx.metadata_path(),
                    Some(value_span(decl.key, decl.value, ctx.metadata_text())),
                    message,
                )
                .help = Some(format!("declare it as a map, e.g. `{name}: {{interface: <interface>}}`"));
            }
        }
    }
}
