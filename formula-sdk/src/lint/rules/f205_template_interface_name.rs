//! F205 `template-interface-name`: an interface keeps the template's name.
#![doc = include_str!("f205_template_interface_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F205",
    name: "template-interface-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an interface keeps the template's name",
    since: "0.1.0",
    proof: Some("rel-4"),
    explanation: include_str!("f205_template_interface_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
