//! The values of the model: config options, action parameters and results, and what hook
//! tools print. They are the Go types Juju's formatters see.
//!
//! Juju's `smart` formatter switches on the Go type (a `string`, a
//! `[]string`, a `bool`, anything else as YAML), so the variants keep the
//! distinctions that change the output: a list of strings from a tool
//! (`Lines`) prints one per line, a decoded list (`List`) prints as YAML; a
//! Go map (`Map`) prints with sorted keys, a Go struct (`Struct`) in field order.

use std::collections::BTreeMap;

/// A value as a hook tool hands it to a formatter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Go `nil`: prints nothing in smart and YAML, `null` in JSON.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (config `int` options, decoded whole numbers).
    Int(i64),
    /// A float (config `float` options, decoded non-integers).
    Float(f64),
    /// A string.
    Str(String),
    /// A Go `[]string` built by a tool (`relation-list`, `opened-ports`).
    Lines(Vec<String>),
    /// A Go `[]interface{}` (decoded data, e.g. an action parameter).
    List(Vec<Value>),
    /// A Go map: keys are emitted sorted.
    Map(BTreeMap<String, Value>),
    /// A Go struct: fields are emitted in this order.
    Struct(Vec<(String, Value)>),
}

impl Value {
    /// Converts decoded JSON (action parameters, scenario data) to a value:
    /// whole numbers that fit become `Int`, other numbers `Float`.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// The value as JSON, as the trace writes action results: numbers as numbers, a list of
    /// strings as a list, a struct as an object in field order.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value as Json};
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!(i),
            Value::Float(x) => json!(x),
            Value::Str(s) => json!(s),
            Value::Lines(items) => json!(items),
            Value::List(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Struct(fields) => Json::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// A map of strings, as relation and leader settings are printed.
    pub fn string_map(map: &BTreeMap<String, String>) -> Value {
        Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::Str(v.clone()))).collect())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
