//! F208 `template-relation-name`: an endpoint keeps the template's name.
#![doc = include_str!("f208_template_relation_name.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F208",
    name: "template-relation-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint keeps the template's name",
    since: "0.1.0",
    proof: Some("rel-7"),
    explanation: include_str!("f208_template_relation_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
