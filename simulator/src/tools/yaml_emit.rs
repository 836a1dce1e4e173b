//! How a tool [`Value`] looks to yaml.v2: each variant is the Go kind Juju's formatter would
//! hold (`formula_sdk::go::yaml_v2` writes it as yaml.v2's `Marshal` does).

use formula_sdk::go::yaml_v2::{self, GoValue, Marshal};

use crate::model::Value;

impl Marshal for Value {
    fn go_value(&self) -> GoValue<'_, Value> {
        match self {
            Value::Null => GoValue::Nil,
            Value::Bool(b) => GoValue::Bool(*b),
            Value::Int(i) => GoValue::Int(*i),
            Value::Float(f) => GoValue::Float(*f),
            Value::Str(s) => GoValue::Str(s),
            Value::Lines(items) => GoValue::Strings(items),
            Value::List(items) => GoValue::Slice(items),
            Value::Map(map) => GoValue::Map(map.iter().map(|(k, v)| (k.as_str(), v)).collect()),
            Value::Struct(fields) => GoValue::Struct(fields.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        }
    }
}

/// Marshals `value` as yaml.v2 does (one document, trailing newline).
pub fn marshal(value: &Value) -> String {
    yaml_v2::marshal(value)
}
