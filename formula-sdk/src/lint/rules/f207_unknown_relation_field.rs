//! F207 `unknown-relation-field`: an endpoint declaration has a key Juju does not know.
#![doc = include_str!("f207_unknown_relation_field.md")]

use super::support::names::closest;
use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::schema::{metadata::Endpoint, property_names};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F207",
    name: "unknown-relation-field",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint declaration has a key Juju does not know",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-6"),
    explanation: include_str!("f207_unknown_relation_field.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let known = property_names::<Endpoint>();
    for decl in relation_decls(root) {
        for (key, _) in decl.fields() {
            let field = key.key_text().unwrap_or_default();
            if known.contains(&field) {
                continue;
            }
            let help = match closest(&field, known.iter().map(String::as_str)) {
                Some(known) => format!("did you mean `{known}`? Juju ignores unknown keys, so this one has no effect"),
                None => "an endpoint takes only `interface`, `scope`, `limit` and `optional`; Juju ignores other keys"
                    .into(),
            };
            out.report(
                &ctx.metadata_path(),
                Some(key.span),
                format!("endpoint `{}` has the unknown key `{field}`", decl.name),
            )
            .help = Some(help);
        }
    }
}
