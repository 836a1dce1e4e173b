//! F402 `reserved-action-name`: an action uses the reserved juju prefix.
#![doc = include_str!("f402_reserved_action_name.md")]

use super::support::actions::{proof_reserves_action, ActionDefs};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F402",
    name: "reserved-action-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action uses the reserved juju prefix",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("43"),
    explanation: include_str!("f402_reserved_action_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(actions) = ActionDefs::of(ctx) else {
        return;
    };
    for (name, key, _) in &actions.entries {
        if !proof_reserves_action(name) {
            continue;
        }
        let message = if juju_reserves(name) {
            format!("action name `{name}` uses the reserved `juju` namespace")
        } else {
            format!("action name `{name}` starts with `juju`, which charm proof reserves")
        };
        let diagnostic = out.report(&ctx.path("actions.yaml"), Some(key.span), message);
        let rest = name.strip_prefix("juju-").or_else(|| name.strip_prefix("juju_")).unwrap_or("");
        diagnostic.help = Some(if rest.is_empty() {
            "rename the action after what it does".into()
        } else {
            format!("rename it, e.g. to `{rest}`")
        });
    }
}

/// Whether Juju itself refuses the name (`juju` or `juju-…`; a formula whose own name starts
/// with `juju-` is exempt in Juju, but not in charm proof).
fn juju_reserves(name: &str) -> bool {
    name == "juju" || name.starts_with("juju-")
}
