//! F704 `bundle-option-wrong-type`: a bundle sets an option to a value of the wrong type.
#![doc = include_str!("f704_bundle_option_wrong_type.md")]

use super::support::config::juju_takes;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::format::OptionType;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F704",
    name: "bundle-option-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle sets an option to a value of the wrong type",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f704_bundle_option_wrong_type.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    for (app_name, formula) in &ctx.formulas {
        for (key, value) in ctx.options(app_name) {
            let Some(name) = key.key_text() else { continue };
            let Some(kind) = formula.config.option(&name).and_then(|o| o.kind) else {
                continue;
            };
            if accepts(kind, value) {
                continue;
            }
            let message = format!(
                "option `{name}` of application `{app_name}` is of type `{}`, but the bundle sets it to {}",
                kind.as_str(),
                describe_read(value)
            );
            out.report(&ctx.path(), Some(value.span), message).help = help(kind, value);
        }
    }
}

/// Whether Juju's option check (`charm`'s `Option.validate`) accepts `value` for an option of
/// type `kind`: its schema's reading, and for a secret an empty string or a `secret:` URI.
fn accepts(kind: OptionType, value: &Node) -> bool {
    match (&value.kind, kind) {
        (NodeKind::Str(s), OptionType::Secret) => s.is_empty() || s.starts_with("secret:"),
        _ => juju_takes(kind, value),
    }
}

/// How to write the value so that Juju takes it, when that is plain.
fn help(kind: OptionType, value: &Node) -> Option<String> {
    match (&value.kind, kind) {
        (NodeKind::Int(i), OptionType::Float) => {
            Some(format!("write `{i}.0`: Juju takes only a float for a `float` option"))
        }
        (NodeKind::Float(x), OptionType::Int) if x.fract() == 0.0 && x.abs() < 1e15 => {
            Some(format!("write `{}`", *x as i64))
        }
        (NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_), OptionType::String | OptionType::Secret) => {
            Some(format!("quote it: `\"{}\"`", value.display_value()))
        }
        (_, OptionType::Boolean) => Some("write `true` or `false`".into()),
        (_, OptionType::Int) => Some("write a whole number, e.g. `8080`".into()),
        _ => None,
    }
}
