//! F602 `template-icon`: icon.svg is the template's icon.
#![doc = include_str!("f602_template_icon.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F602",
    name: "template-icon",
    severity: Severity::Info,
    group: Group::Style,
    summary: "icon.svg is the template's icon",
    since: "0.1.0",
    proof: Some("27"),
    explanation: include_str!("f602_template_icon.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
