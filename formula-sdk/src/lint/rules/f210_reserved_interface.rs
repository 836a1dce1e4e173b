//! F210 `reserved-interface`: a provides or peers endpoint uses a juju or juju-* interface.
#![doc = include_str!("f210_reserved_interface.md")]

use super::support::metadata::formula_name;
use super::support::relations::{is_reserved_name, relation_decls};
use crate::diagnostic::Severity;
use crate::format::Role;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F210",
    name: "reserved-interface",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a provides or peers endpoint uses a juju or juju-* interface",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f210_reserved_interface.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let formula = formula_name(root);
    for decl in relation_decls(root) {
        if decl.role == Role::Requirer {
            continue; // a formula may require `juju-info`, never provide it
        }
        let Some(node) = decl.interface_node() else {
            continue;
        };
        let Some(interface) = node.as_str() else {
            continue;
        };
        if is_reserved_name(formula, interface) {
            let message = format!(
                "endpoint `{}` in `{}` uses the reserved interface `{interface}`",
                decl.name,
                decl.role.section()
            );
            out.report(&ctx.metadata_path(), Some(node.span), message).help = Some(if interface == "juju-info" {
                "Juju provides `juju-info` to every formula itself; to attach a subordinate, declare it under the subordinate's `requires`".into()
            } else {
                "`juju` and `juju-*` interfaces belong to Juju; use an interface name of your own".into()
            });
        }
    }
}
