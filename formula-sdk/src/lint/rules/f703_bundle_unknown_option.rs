//! F703 `bundle-unknown-option`: a bundle sets an option the formula does not have.
#![doc = include_str!("f703_bundle_unknown_option.md")]

use super::support::names::closest;
use super::support::wording::list;
use crate::diagnostic::Severity;
use crate::format::Formula;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F703",
    name: "bundle-unknown-option",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle sets an option the formula does not have",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f703_bundle_unknown_option.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    for (app_name, formula) in &ctx.formulas {
        let options = ctx.options(app_name);
        let Some(known) = known_options(formula) else {
            continue;
        };
        let formula_name = formula.name();
        for (key, _) in options {
            let Some(option) = key.key_text() else {
                continue;
            };
            if known.contains(&option.as_str()) {
                continue;
            }
            let (message, help) = if known.is_empty() {
                let why = if formula.config_file.is_none() { " (it has no config.yaml)" } else { "" };
                (format!("application `{app_name}` sets option `{option}`, but formula `{formula_name}` has no options{why}"), None)
            } else {
                let help = match closest(&option, known.iter().copied()) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None if known.len() <= 12 => format!("its options: {}", list(&known)),
                    None => format!("see the formula's config.yaml for its {} options", known.len()),
                };
                (format!("formula `{formula_name}` of application `{app_name}` has no option `{option}`"), Some(help))
            };
            out.report(&ctx.path(), Some(key.span), message).help = help;
        }
    }
}

/// The option names of `formula`, or `None` when its config.yaml is there but unreadable
/// (then nothing can be said).
fn known_options(formula: &Formula) -> Option<Vec<&str>> {
    match &formula.config_file {
        None => Some(Vec::new()),
        Some(file) => {
            let options = file.node.as_ref()?.get("options")?;
            options.is_map().then(|| formula.config.options.iter().map(|o| o.name.value.as_str()).collect())
        }
    }
}
