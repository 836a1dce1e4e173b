//! Juju's output formatters (`juju/cmd` `output.go`, spec §4.1): `smart`
//! (the default), `yaml` and `json`.

use super::json;
use super::yaml_emit;
use crate::model::Value;
use formula_sdk::go::strconv::quote;

/// The `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Strings raw, `[]string` one per line, booleans `True`/`False`,
    /// anything else as YAML.
    #[default]
    Smart,
    /// YAML (yaml.v2).
    Yaml,
    /// Compact JSON (`encoding/json`).
    Json,
}

impl Format {
    /// Parses a `--format` value; the error is Juju's
    /// (`unknown format "x"`), reported as an invalid flag value.
    pub fn parse(name: &str) -> Result<Format, String> {
        match name {
            "smart" => Ok(Format::Smart),
            "yaml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format {}", quote(name))),
        }
    }

    /// The name as given to `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Smart => "smart",
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }

    /// Renders `value`; the only failure is JSON's refusal of NaN and infinities.
    pub fn render(self, value: &Value) -> Result<String, String> {
        match self {
            Format::Smart => Ok(smart(value)),
            Format::Yaml => Ok(yaml(value)),
            Format::Json => json(value),
        }
    }
}

/// `FormatSmart`: nothing for nil and empty strings, strings raw plus a
/// newline, `[]string` joined by newlines, `True`/`False`, else YAML.
pub fn smart(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::Str(s) => s.clone(),
        Value::Lines(items) => items.join("\n"),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        other => return yaml(other),
    };
    if text.is_empty() {
        String::new()
    } else {
        text + "\n"
    }
}

/// `FormatYaml`: nothing for nil, otherwise the YAML with its trailing
/// newlines trimmed to exactly one.
pub fn yaml(value: &Value) -> String {
    if *value == Value::Null {
        return String::new();
    }
    let mut text = yaml_emit::marshal(value);
    // Trim trailing newlines but keep the first character, as output.go does.
    while text.len() > 1 && text.ends_with('\n') {
        text.pop();
    }
    if text.is_empty() {
        text
    } else {
        text + "\n"
    }
}

/// `FormatJson`: the JSON plus a newline (`null` for nil).
pub fn json(value: &Value) -> Result<String, String> {
    Ok(json::encode(value)? + "\n")
}

/// `value` as a Juju agent holds it after the API's JSON decoding into `interface{}`: every
/// number a float64, so that smart and yaml print large integers as yaml.v2 prints floats
/// (`1e+06`; spec §2.4). Config settings and action parameters both come this way.
pub fn as_decoded_from_json(value: Value) -> Value {
    match value {
        Value::Int(i) => Value::Float(i as f64),
        Value::Map(map) => Value::Map(map.into_iter().map(|(k, v)| (k, as_decoded_from_json(v))).collect()),
        Value::List(items) => Value::List(items.into_iter().map(as_decoded_from_json).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    // The table of juju/cmd's output tests, one row per value.
    #[test]
    fn formatter_table() {
        let map: Value = Value::Map(BTreeMap::from([("foo".to_string(), Value::from("bar"))]));
        let rows: Vec<(Value, &str, &str, &str)> = vec![
            (Value::Null, "", "", "null\n"),
            (Value::from(""), "", "\"\"\n", "\"\"\n"),
            (Value::Int(1), "1\n", "1\n", "1\n"),
            (Value::Int(-1), "-1\n", "-1\n", "-1\n"),
            (Value::Float(1.1), "1.1\n", "1.1\n", "1.1\n"),
            (Value::Int(10000000), "10000000\n", "10000000\n", "10000000\n"),
            (Value::Bool(true), "True\n", "true\n", "true\n"),
            (Value::Bool(false), "False\n", "false\n", "false\n"),
            (Value::from("hello"), "hello\n", "hello\n", "\"hello\"\n"),
            (Value::from("\n\n\n"), "\n\n\n\n", "|2+\n", "\"\\n\\n\\n\"\n"),
            (Value::from("foo: bar"), "foo: bar\n", "'foo: bar'\n", "\"foo: bar\"\n"),
            (Value::Lines(vec![]), "", "[]\n", "[]\n"),
            (
                Value::Lines(vec!["blam".into(), "dink".into()]),
                "blam\ndink\n",
                "- blam\n- dink\n",
                "[\"blam\",\"dink\"]\n",
            ),
            (map, "foo: bar\n", "foo: bar\n", "{\"foo\":\"bar\"}\n"),
        ];
        for (value, smart_out, yaml_out, json_out) in rows {
            assert_eq!(Format::Smart.render(&value).unwrap(), smart_out, "smart {value:?}");
            assert_eq!(Format::Yaml.render(&value).unwrap(), yaml_out, "yaml {value:?}");
            assert_eq!(Format::Json.render(&value).unwrap(), json_out, "json {value:?}");
        }
    }

    #[test]
    fn smart_floats_use_yaml() {
        assert_eq!(smart(&Value::Float(1e6)), "1e+06\n");
        assert_eq!(smart(&Value::Float(0.5)), "0.5\n");
    }

    #[test]
    fn empty_map_is_braces() {
        assert_eq!(smart(&Value::Map(BTreeMap::new())), "{}\n");
    }

    #[test]
    fn unknown_format() {
        assert_eq!(Format::parse("cuneiform").unwrap_err(), "unknown format \"cuneiform\"");
        assert_eq!(Format::parse("json"), Ok(Format::Json));
    }
}
