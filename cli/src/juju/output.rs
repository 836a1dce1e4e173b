//! How `juju` commands print: `--format` and its values, JSON as Go's `json.Marshal` writes
//! it (one line), YAML as yaml.v2 writes it, and plain values.

use super::args::Parsed;
use crate::controller::wire::Reply;
use simulator::model::Value;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table (`juju status`' default).
    Tabular,
    /// One line of JSON.
    Json,
    /// YAML.
    Yaml,
    /// A bare value (`juju config APP KEY`'s default).
    Smart,
    /// Results as a person reads them (`juju run`'s and `juju exec`'s default).
    Plain,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Tabular => "tabular",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Smart => "smart",
            Format::Plain => "plain",
        }
    }
}

/// The `--format` of `parsed`: one of `allowed`, `default` when absent; anything else is
/// Juju's usage error.
pub fn format(parsed: &Parsed, allowed: &[Format], default: Format) -> Result<Format, Reply> {
    let Some(asked) = parsed.value("format") else {
        return Ok(default);
    };
    allowed
        .iter()
        .copied()
        .find(|f| f.name() == asked)
        .ok_or_else(|| Reply::usage(format!("invalid value {asked:?} for option --format: unknown format {asked:?}")))
}

/// `value` as Juju prints JSON: compact, one line.
pub fn json(value: &serde_json::Value) -> String {
    format!("{value}\n")
}

/// `value` as Juju prints YAML (yaml.v2): objects keep the order they were built in, which
/// is the Go struct's field order or, for a Go map, sorted keys.
pub fn yaml(value: &serde_json::Value) -> String {
    formula_sdk::go::yaml_v2::marshal(&go_value(value))
}

/// `value` in `format` (JSON or YAML).
pub fn structured(value: &serde_json::Value, format: Format) -> String {
    match format {
        Format::Json => json(value),
        _ => yaml(value),
    }
}

/// A JSON value as the Go value yaml.v2 is given: an object as a struct (in order).
fn go_value(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Object(map) => Value::Struct(map.iter().map(|(k, v)| (k.clone(), go_value(v))).collect()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(go_value).collect()),
        other => Value::from_json(other),
    }
}

/// A config value printed bare (`juju config APP KEY`, `juju model-config KEY`).
pub fn plain(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Str(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Float(x)) => formula_sdk::go::yaml_v2::format_float(*x),
        Some(other) => other.to_json().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_keeps_the_order_objects_were_built_in() {
        let value = json!({"model": {"name": "dev"}, "applications": {"a": {"exposed": false, "units": ["a/0"]}}});
        assert_eq!(
            yaml(&value),
            "model:\n  name: dev\napplications:\n  a:\n    exposed: false\n    units:\n    - a/0\n"
        );
    }

    #[test]
    fn plain_values_print_as_juju_prints_them() {
        assert_eq!(plain(Some(&Value::Int(11211))), "11211");
        assert_eq!(plain(Some(&Value::Bool(true))), "true");
        assert_eq!(plain(None), "");
    }
}
