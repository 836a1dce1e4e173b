//! F309 `option-description-empty`: a config option's description is not a non-empty string.
#![doc = include_str!("f309_option_description_empty.md")]

use super::support::config::Options;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F309",
    name: "option-description-empty",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a config option's description is not a non-empty string",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("55"),
    explanation: include_str!("f309_option_description_empty.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, value) in &options.entries {
        let Some((field, description)) = value.entry("description") else {
            continue;
        };
        let name = options.name(key);
        let path = ctx.config_path();
        match &description.kind {
            NodeKind::Str(text) if !text.trim().is_empty() => {}
            NodeKind::Str(_) | NodeKind::Null => {
                out.report(&path, Some(field.span), format!("option `{name}` has an empty description")).help =
                    Some("say what the option changes and which values it takes".into());
            }
            NodeKind::Seq(_) | NodeKind::Map(_) => {
                // Juju decodes the description into a string and refuses the file.
                let diagnostic = out.report(
                    &path,
                    Some(description.span),
                    format!("option `{name}` has a description that is {}, which Juju refuses", a_type(description)),
                );
                diagnostic.severity = Severity::Error;
                diagnostic.help = Some("write the description as text; a `|` block keeps several lines".into());
            }
            _ => {
                out.report(
                    &path,
                    Some(description.span),
                    format!("option `{name}` has a description that is {}, not text", a_type(description)),
                )
                .help = Some("quote it, or say in words what the option does".into());
            }
        }
    }
}
