//! F310 `invalid-option-type`: a config option has a type Juju does not know.
#![doc = include_str!("f310_invalid_option_type.md")]

use super::support::config::Options;
use super::support::spans::written;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::format::OptionType;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F310",
    name: "invalid-option-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option has a type Juju does not know",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("56"),
    explanation: include_str!("f310_invalid_option_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    let path = ctx.config_path();
    for (key, value) in &options.entries {
        let Some((field, kind)) = value.entry("type") else {
            continue;
        };
        let name = options.name(key);
        match &kind.kind {
            NodeKind::Null => {
                // Juju reads an empty type as `string`; charm proof warns about `None`.
                let diagnostic = out.report(&path, Some(field.span), format!("option `{name}` has an empty `type`"));
                diagnostic.severity = Severity::Warning;
                diagnostic.help = Some("Juju takes it as `string`, but say so: `type: string`".into());
            }
            NodeKind::Seq(_) | NodeKind::Map(_) => {
                out.report(
                    &path,
                    Some(kind.span),
                    format!("option `{name}` has a `type` that is {}, which Juju refuses", a_type(kind)),
                )
                .help = Some(KNOWN_HELP.into());
            }
            _ => {
                // Juju reads a scalar as the text it was written as (`type: yes` is "yes").
                let as_written = kind.as_str().unwrap_or_else(|| written(kind, options.text));
                if OptionType::parse(as_written).is_some() {
                    continue;
                }
                let diagnostic = out.report(
                    &path,
                    Some(kind.span),
                    format!("option `{name}` has type `{as_written}`, which Juju does not know"),
                );
                diagnostic.help = Some(match likely_meant(as_written) {
                    Some(meant) => format!("did you mean `{meant}`?"),
                    None => KNOWN_HELP.into(),
                });
            }
        }
    }
}

const KNOWN_HELP: &str = "the types are `string`, `int`, `float` and `boolean` (and `secret` since Juju 3)";

/// The type that an unknown type name most likely meant.
fn likely_meant(written: &str) -> Option<&'static str> {
    Some(match written.to_ascii_lowercase().as_str() {
        "str" | "text" | "char" | "password" | "path" | "url" => "string",
        "integer" | "long" | "port" | "uint" | "int64" | "i64" => "int",
        "double" | "decimal" | "real" | "f64" => "float",
        "bool" | "binary" | "flag" | "switch" => "boolean",
        other => return ["string", "int", "float", "boolean"].into_iter().find(|t| *t == other),
    })
}

#[cfg(test)]
mod tests {
    use super::likely_meant;

    #[test]
    fn guesses() {
        assert_eq!(likely_meant("integer"), Some("int"));
        assert_eq!(likely_meant("Boolean"), Some("boolean"));
        assert_eq!(likely_meant("bool"), Some("boolean"));
        assert_eq!(likely_meant("list"), None);
    }
}
