//! Formulas as the controller takes them: loaded and refused when Juju would refuse them, and
//! config values checked against their options (spec §2.3, `juju config`).

use super::{join, Value};
use crate::error::{err, SimError};
use formula_sdk::format::Formula;
use std::path::Path;

/// Errors of the linter that Juju deploys all the same: a hook that cannot run fails when it
/// runs (F503 not executable, F505 no interpreter, F506 an interpreter missing on the series),
/// and a template's interface name (F205) is a name like any other to Juju.
const DEPLOYABLE_ANYWAY: [&str; 4] = ["F205", "F503", "F505", "F506"];

/// Loads a formula and refuses it when Juju would.
pub fn load_deployable(dir: &Path) -> Result<Formula, SimError> {
    if !dir.join("metadata.yaml").is_file() {
        return err(format!("`{}` is not a formula directory (no metadata.yaml)", dir.display()));
    }
    let formula = Formula::load(dir);
    let selection = formula_sdk::lint::Selection { select: vec!["correctness".into()], ..Default::default() };
    let errors: Vec<String> = formula_sdk::lint::lint_formula(&formula, &selection)
        .into_iter()
        .filter(|d| d.severity == formula_sdk::Severity::Error && !DEPLOYABLE_ANYWAY.contains(&d.code))
        .map(|d| {
            let place = d.span.map(|s| format!(":{}:{}", s.start.line, s.start.column)).unwrap_or_default();
            format!("{}{place}: {} [{}]", d.path.display(), d.message, d.code)
        })
        .collect();
    if !errors.is_empty() {
        return err(format!("Juju would refuse the formula in `{}`:\n  {}", dir.display(), errors.join("\n  ")));
    }
    Ok(formula)
}

/// Checks a config value against the formula's option, as `juju config` does.
pub fn check_option(formula: &Formula, key: &str, value: Value) -> Result<Value, SimError> {
    let Some(option) = formula.config.option(key) else {
        let known: Vec<&String> = formula.config.options.iter().map(|o| &o.name.value).collect();
        return err(format!("unknown option `{key}` for formula `{}`; its options: {}", formula.name(), join(&known)));
    };
    use formula_sdk::format::OptionType;
    let kind = option.kind.unwrap_or(OptionType::String);
    // Juju's words (`option "port" expected int, got "eighty"`), which clients match.
    let bad = |v: &Value| {
        let got = match v {
            Value::Str(s) => format!("{s:?}"),
            other => plain(other),
        };
        SimError(format!("option {key:?} expected {}, got {got}", kind.as_str()))
    };
    Ok(match (kind, value) {
        (_, Value::Null) => Value::Null,
        (OptionType::String | OptionType::Secret, Value::Str(s)) => Value::Str(s),
        (OptionType::String | OptionType::Secret, v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
            Value::Str(plain(&v))
        }
        (OptionType::Int, Value::Int(i)) => Value::Int(i),
        (OptionType::Int, Value::Str(s)) => Value::Int(s.trim().parse().map_err(|_| bad(&Value::Str(s.clone())))?),
        (OptionType::Float, Value::Float(x)) => Value::Float(x),
        (OptionType::Float, Value::Int(i)) => Value::Float(i as f64),
        (OptionType::Float, Value::Str(s)) => Value::Float(s.trim().parse().map_err(|_| bad(&Value::Str(s.clone())))?),
        (OptionType::Boolean, Value::Bool(b)) => Value::Bool(b),
        (OptionType::Boolean, Value::Str(s)) => {
            Value::Bool(formula_sdk::go::strconv::parse_bool(&s).map_err(|_| bad(&Value::Str(s.clone())))?)
        }
        (_, v) => return Err(bad(&v)),
    })
}

fn plain(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(x) => formula_sdk::yaml::format_float(*x),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formula(metadata: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("metadata.yaml"), metadata).expect("write metadata");
        dir
    }

    #[test]
    fn a_template_interface_name_deploys_and_a_reserved_relation_name_does_not() {
        let template = "name: tried\nsummary: s\ndescription: d\nprovides:\n  web:\n    interface: interface-name\n";
        let dir = formula(template);
        assert!(load_deployable(dir.path()).is_ok(), "Juju deploys a template's interface name");
        let reserved = "name: tried\nsummary: s\ndescription: d\nprovides:\n  juju-info:\n    interface: http\n";
        let dir = formula(reserved);
        let refused = load_deployable(dir.path()).expect_err("Juju refuses a reserved relation name");
        assert!(refused.to_string().contains("Juju would refuse"), "{refused}");
    }
}
