//! F508 `ensemble-change-protocol`: a relation-changed hook switches on $ENSEMBLE_CHANGE, the early 2011 protocol.
#![doc = include_str!("f508_ensemble_change_protocol.md")]

use super::support::hooks::{file_label, text_files, variable_uses};
use super::support::relations::relation_hook;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F508",
    name: "ensemble-change-protocol",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "a relation-changed hook switches on $ENSEMBLE_CHANGE, the early 2011 protocol",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f508_ensemble_change_protocol.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for file in text_files(ctx) {
        let uses = variable_uses(file, |name| name == "ENSEMBLE_CHANGE");
        let endpoint = relation_hook(&file.name).filter(|(_, kind)| *kind == "changed").map(|(e, _)| e);
        for (_, span) in uses {
            let (message, help) = match endpoint {
                Some(endpoint) => (
                    format!("hook `{}` switches on `$ENSEMBLE_CHANGE`, which no Juju sets", file.name),
                    format!(
                        "split it into `{endpoint}-relation-joined`, `{endpoint}-relation-changed` and `{endpoint}-relation-departed`; Juju runs each for its own event"
                    ),
                ),
                None => (
                    format!("{} reads `$ENSEMBLE_CHANGE`, which no Juju sets", file_label(ctx, file)),
                    "handle `joined`, `modified` and `departed` in the `-relation-joined`, `-relation-changed` and `-relation-departed` hooks".to_string(),
                ),
            };
            out.report(&file.display, Some(span), message).help = Some(help);
        }
    }
}
