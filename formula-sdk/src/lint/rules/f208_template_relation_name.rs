//! F208 `template-relation-name`: an endpoint keeps the template's name.
#![doc = include_str!("f208_template_relation_name.md")]

use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F208",
    name: "template-relation-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint keeps the template's name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-7"),
    explanation: include_str!("f208_template_relation_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        if is_template_relation(&decl.name) {
            out.report(
                &ctx.metadata_path(),
                Some(decl.key.span),
                format!("endpoint `{TEMPLATE_RELATION}` keeps the template's name"),
            )
            .help = Some("name the endpoint after what it is for, e.g. `db` or `website`".into());
        }
    }
}

/// The endpoint name in the `charm create` template.
const TEMPLATE_RELATION: &str = "relation-name";

/// Whether `name` is the template's, compared as a whole name (not `charm proof`'s substring
/// test, which also flags `name`, `relation` or `on`).
fn is_template_relation(name: &str) -> bool {
    name == TEMPLATE_RELATION
}
