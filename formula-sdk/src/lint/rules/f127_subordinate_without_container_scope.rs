//! F127 `subordinate-without-container-scope`: a subordinate has no requires endpoint with container scope.
#![doc = include_str!("f127_subordinate_without_container_scope.md")]

use super::support::metadata::is_subordinate;
use super::support::relations::relation_decls;
use super::support::spans::{join, value_span};
use crate::diagnostic::{Label, Severity};
use crate::format::Role;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F127",
    name: "subordinate-without-container-scope",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a subordinate has no requires endpoint with container scope",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("33"),
    explanation: include_str!("f127_subordinate_without_container_scope.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    if !is_subordinate(root) {
        return;
    }
    let requires: Vec<_> = relation_decls(root).into_iter().filter(|d| d.role == Role::Requirer).collect();
    if requires.iter().any(|d| d.is_container_scoped()) {
        return;
    }
    let Some((key, value)) = root.entry("subordinate") else {
        return;
    };
    let path = ctx.metadata_path();
    let diagnostic = out.report(
        &path,
        Some(join(key.span, value_span(key, value, ctx.metadata_text()))),
        "subordinate formula has no `requires` endpoint with `scope: container`",
    );
    if let Some((requires_key, _)) = root.entry("requires") {
        diagnostic.labels.push(Label {
            path: path.clone(),
            span: requires_key.span,
            message: "none of these endpoints has `scope: container`".into(),
        });
    }
    diagnostic.help = Some(
        "a subordinate attaches to its principal through a container-scoped `requires` endpoint, e.g. `juju-info: {interface: juju-info, scope: container}`"
            .into(),
    );
}
