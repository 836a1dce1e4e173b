//! F211 `duplicate-endpoint-name`: one endpoint name is declared in two sections.
#![doc = include_str!("f211_duplicate_endpoint_name.md")]

use super::support::relations::relation_decls;
use crate::diagnostic::{Label, Severity};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F211",
    name: "duplicate-endpoint-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "one endpoint name is declared in two sections",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f211_duplicate_endpoint_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let decls = relation_decls(root);
    let path = ctx.metadata_path();
    for (index, decl) in decls.iter().enumerate() {
        // Within one section a repeated key is a duplicate YAML key (F006); here only the
        // same name in another section counts, reported at its later declaration.
        let Some(first) = decls[..index].iter().find(|d| d.name == decl.name && d.role != decl.role) else {
            continue;
        };
        let message = format!(
            "endpoint `{}` is declared in both `{}` and `{}`",
            decl.name,
            first.role.section(),
            decl.role.section()
        );
        let diagnostic = out.report(&path, Some(decl.key.span), message);
        diagnostic.labels.push(Label {
            path: path.clone(),
            span: first.key.span,
            message: format!("first declared in `{}`", first.role.section()),
        });
        diagnostic.help = Some(
            "an endpoint name must be unique across `provides`, `requires` and `peers`; rename one of them".into(),
        );
    }
}
