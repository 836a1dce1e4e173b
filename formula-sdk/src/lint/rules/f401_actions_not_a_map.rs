//! F401 `actions-not-a-map`: actions.yaml is not a mapping of action definitions.
#![doc = include_str!("f401_actions_not_a_map.md")]

use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F401",
    name: "actions-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "actions.yaml is not a mapping of action definitions",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("42"),
    explanation: include_str!("f401_actions_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(file) = &ctx.formula.actions_file else {
        return;
    };
    let Some(root) = &file.node else { return };
    if matches!(root.kind, NodeKind::Map(_) | NodeKind::Null) {
        return; // an empty file declares no actions
    }
    out.report(
        &ctx.path("actions.yaml"),
        Some(root.span),
        format!("`actions.yaml` holds {}, not a mapping of actions", a_type(root)),
    )
    .help = Some("write each action as `name:` followed by its `description` and `params`".into());
}
