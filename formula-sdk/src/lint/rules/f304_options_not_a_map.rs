//! F304 `options-not-a-map`: options in config.yaml is not a mapping.
#![doc = include_str!("f304_options_not_a_map.md")]

use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F304",
    name: "options-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "options in config.yaml is not a mapping",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("50"),
    explanation: include_str!("f304_options_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(file) = &ctx.formula.config_file else {
        return;
    };
    let Some((key, options)) = file.node.as_ref().and_then(|root| root.entry("options")) else {
        return;
    };
    match options.kind {
        NodeKind::Map(_) => {}
        NodeKind::Null => {
            // Juju reads an empty `options:` as no options; charm proof refuses it.
            out.report(
                &ctx.config_path(),
                Some(key.span),
                "`options` is empty, which charm proof refuses as not a mapping",
            )
            .help = Some("write `options: {}` for a formula without settings".into());
        }
        _ => {
            out.report(
                &ctx.config_path(),
                Some(options.span),
                format!("`options` holds {}, not a mapping of options", a_type(options)),
            )
            .help = Some("write each option as `name:` followed by its `type`, `default` and `description`".into());
        }
    }
}
