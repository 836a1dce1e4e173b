//! F204 `unknown-relation-scope`: an endpoint has a scope other than global or container.
#![doc = include_str!("f204_unknown_relation_scope.md")]

use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F204",
    name: "unknown-relation-scope",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint has a scope other than global or container",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-3"),
    explanation: include_str!("f204_unknown_relation_scope.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        let Some(scope_node) = decl.field("scope") else {
            continue;
        };
        let Some(scope) = scope_node.as_str() else {
            continue;
        }; // not a string: F213
        if KNOWN_SCOPES.contains(&scope) {
            continue;
        }
        let help = match KNOWN_SCOPES.iter().find(|k| k.eq_ignore_ascii_case(scope.trim())) {
            Some(known) => format!("scopes are lowercase words: write `scope: {known}`"),
            None => "use `scope: global` (the default) or `scope: container` (subordinates)".into(),
        };
        out.report(
            &ctx.metadata_path(),
            Some(scope_node.span),
            format!("endpoint `{}` has the unknown scope `{scope}`", decl.name),
        )
        .help = Some(help);
    }
}

/// The scopes Juju knows.
const KNOWN_SCOPES: &[&str] = &["global", "container"];
