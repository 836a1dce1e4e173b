//! F205 `template-interface-name`: an interface keeps the template's name.
#![doc = include_str!("f205_template_interface_name.md")]

use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F205",
    name: "template-interface-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an interface keeps the template's name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-4"),
    explanation: include_str!("f205_template_interface_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        let Some(node) = decl.interface_node() else {
            continue;
        };
        if node.as_str().is_some_and(is_template_interface) {
            out.report(
                &ctx.metadata_path(),
                Some(node.span),
                format!("endpoint `{}` keeps the template's interface `{TEMPLATE_INTERFACE}`", decl.name),
            )
            .help = Some("name the interface after the protocol spoken on it, e.g. `mysql` or `http`".into());
        }
    }
}

/// The interface name in the `charm create` template.
const TEMPLATE_INTERFACE: &str = "interface-name";

/// Whether `interface` is the template's, compared as a whole name (not `charm proof`'s
/// substring test, which also flags `name` or `face`).
fn is_template_interface(interface: &str) -> bool {
    interface == TEMPLATE_INTERFACE
}
