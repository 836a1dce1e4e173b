//! F312 `option-default-wrong-type`: a config option's default does not match its type.
#![doc = include_str!("f312_option_default_wrong_type.md")]

use super::support::config::{juju_takes, Options};
use super::support::python::{proof_type, PyType};
use super::support::spans::written;
use super::support::wording::{a_type, shorten};
use crate::diagnostic::Severity;
use crate::format::OptionType;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::{format_float, Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F312",
    name: "option-default-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a config option's default does not match its type",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("58"),
    explanation: include_str!("f312_option_default_wrong_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, value) in &options.entries {
        let Some(default) = value.get("default").filter(|d| !d.is_null()) else {
            continue;
        };
        let Some((kind, proof_checks)) = declared_type(value) else {
            continue;
        }; // F310
        let name = options.name(key);
        let raw = shorten(written(default, options.text));
        let py = proof_type(default, options.text);
        let juju_ok = juju_takes(kind, default);
        let proof_ok = !proof_checks || proof_accepts(kind, py);
        let t = kind.as_str();
        let message = match (juju_ok, proof_ok) {
            (true, true) => continue,
            (false, false) => {
                format!("option `{name}` has type `{t}` but its default `{raw}` is {}, which Juju and charm proof both refuse", a_type(default))
            }
            (false, true) if !proof_checks => {
                format!(
                    "option `{name}` has type `{t}` but its default `{raw}` is {}, which Juju refuses",
                    a_type(default)
                )
            }
            (false, true) => {
                format!(
                    "option `{name}` has type `{t}` but Juju reads its default `{raw}` as {} and refuses it",
                    a_type(default)
                )
            }
            (true, false) => {
                format!("option `{name}` has type `{t}` and Juju accepts its default `{raw}`, but charm proof refuses it as {}", py.a_type())
            }
        };
        let diagnostic = out.report(&ctx.config_path(), Some(default.span), message);
        diagnostic.help = fix(kind, default, &raw).map(|fix| match (juju_ok, proof_ok, proof_checks) {
            (false, true, true) => format!("{fix} ({})", why_proof_passes(default, py)),
            _ => fix,
        });
    }
}

/// The option's type as Juju reads it, and whether `charm proof` checks defaults of it.
/// `None` for a type Juju does not know.
fn declared_type(definition: &Node) -> Option<(OptionType, bool)> {
    match definition.get("type").map(|t| &t.kind) {
        None => Some((OptionType::String, true)),
        Some(NodeKind::Null) => Some((OptionType::String, false)), // proof warns about `None` instead
        Some(NodeKind::Str(t)) => OptionType::parse(t).map(|kind| (kind, kind != OptionType::Secret)),
        Some(_) => None,
    }
}

/// Whether `charm proof`'s `isinstance` test passes (`bool` is a subclass of `int`).
fn proof_accepts(kind: OptionType, py: PyType) -> bool {
    match kind {
        OptionType::String | OptionType::Secret => py == PyType::Str,
        OptionType::Int => matches!(py, PyType::Int | PyType::Bool),
        OptionType::Float => py == PyType::Float,
        OptionType::Boolean => py == PyType::Bool,
    }
}

/// Why `charm proof` lets a default pass that Juju refuses.
fn why_proof_passes(default: &Node, py: PyType) -> &'static str {
    match (&default.kind, py) {
        (NodeKind::Bool(_), PyType::Bool) => "charm proof misses it: Python counts booleans as ints",
        (NodeKind::Bool(_), PyType::Str) => "charm proof misses it: only Go's YAML reads `y` and `n` as booleans",
        _ => "charm proof reads it differently and misses it",
    }
}

/// How to write the default so that both readers take it.
fn fix(kind: OptionType, default: &Node, raw: &str) -> Option<String> {
    Some(match (kind, &default.kind) {
        (_, NodeKind::Seq(_) | NodeKind::Map(_)) => "a default is a single value".into(),
        (OptionType::String | OptionType::Secret, _) => {
            format!("quote it: `default: \"{}\"`", raw.replace('"', "\\\""))
        }
        (OptionType::Int, NodeKind::Float(_)) => "write a whole number, or make the option a `float`".into(),
        (OptionType::Int, NodeKind::Str(s)) => match strconv::parse_int(s) {
            Some(i) => format!("write the number without quotes: `default: {i}`"),
            None => "write a whole number without quotes".into(),
        },
        (OptionType::Int, NodeKind::Int(i)) => format!("write it in decimal: `{i}`"),
        (OptionType::Int, _) => "write a whole number".into(),
        (OptionType::Float, NodeKind::Int(i)) => {
            format!("Juju reads `{raw}` as an int; write `{i}.0`")
        }
        (OptionType::Float, NodeKind::Float(x)) => {
            format!("write it with a decimal point and no exponent: `{}`", plain_decimal(*x))
        }
        (OptionType::Float, NodeKind::Str(s)) => match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => format!("write the number without quotes: `default: {}`", plain_decimal(x)),
            _ => "write a number with a decimal point, e.g. `1.0`".into(),
        },
        (OptionType::Float, _) => "write a number with a decimal point, e.g. `1.0`".into(),
        (OptionType::Boolean, NodeKind::Str(s)) => match strconv::parse_bool(s).ok() {
            Some(b) => format!("write `{b}` without quotes"),
            None => "write `true` or `false` without quotes".into(),
        },
        (OptionType::Boolean, _) => "write `true` or `false`".into(),
    })
}

/// A float as both YAML readers take it: digits, a point, more digits.
fn plain_decimal(x: f64) -> String {
    let text = format_float(x);
    if text.contains(['e', 'E']) || !text.contains('.') {
        format!("{x:.1}")
    } else {
        text
    }
}
