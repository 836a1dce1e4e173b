//! F306 `option-not-a-map`: a config option's definition is not a mapping.
#![doc = include_str!("f306_option_not_a_map.md")]

use super::support::config::Options;
use super::support::spans::written;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F306",
    name: "option-not-a-map",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's definition is not a mapping",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("52"),
    explanation: include_str!("f306_option_not_a_map.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, value) in &options.entries {
        let name = options.name(key);
        match &value.kind {
            NodeKind::Map(_) => {}
            NodeKind::Null => {
                // Juju reads an empty definition as a string option without a default.
                out.report(
                    &ctx.config_path(),
                    Some(key.span),
                    format!("option `{name}` has an empty definition, which charm proof refuses"),
                )
                .help = Some(format!("write `{name}: {{type: string, default: \"\", description: …}}`"));
            }
            NodeKind::Seq(_) => {
                out.report(
                    &ctx.config_path(),
                    Some(value.span),
                    format!("option `{name}` is defined as a list, not a mapping"),
                )
                .help = Some("an option is a mapping with `type`, `default` and `description`".into());
            }
            kind => {
                let as_written = written(value, options.text);
                let diagnostic = out.report(
                    &ctx.config_path(),
                    Some(value.span),
                    format!("option `{name}` is defined as {}, not a mapping", a_type(value)),
                );
                let guessed = match kind {
                    NodeKind::Bool(_) => "boolean",
                    NodeKind::Int(_) => "int",
                    NodeKind::Float(_) => "float",
                    _ => "string",
                };
                diagnostic.help = Some(format!("to make `{as_written}` the default, write `{name}: {{type: {guessed}, default: {as_written}, description: …}}`"));
            }
        }
    }
}
