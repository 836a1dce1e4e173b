//! F007 `layer-yaml-unparseable`: layer.yaml does not parse.
#![doc = include_str!("f007_layer_yaml_unparseable.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F007",
    name: "layer-yaml-unparseable",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "layer.yaml does not parse",
    since: "0.1.0",
    proof: Some("3"),
    explanation: include_str!("f007_layer_yaml_unparseable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
