//! F203 `relation-shorthand`: an endpoint is declared in the shorthand `name: interface`.
#![doc = include_str!("f203_relation_shorthand.md")]

use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F203",
    name: "relation-shorthand",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "an endpoint is declared in the shorthand `name: interface`",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-2"),
    explanation: include_str!("f203_relation_shorthand.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        let Some(interface) = decl.value.as_str() else {
            continue;
        };
        let name = &decl.name;
        out.report(
            &ctx.metadata_path(),
            Some(decl.value.span),
            format!("endpoint `{name}` is declared in the shorthand `{name}: {interface}`"),
        )
        .help = Some(format!(
            "write it as a map, `{name}: {{interface: {interface}}}`, which `charm proof` and older tools require"
        ));
    }
}
