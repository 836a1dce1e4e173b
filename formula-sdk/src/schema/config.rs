//! `config.yaml` as written: `options`, each with `type`, `default` and `description` (spec
//! §2.1). Lint rules F303 and F308 take the keys they know from here, and F310 the types
//! (the schema's `type` is [`OptionType`] itself).

// The types describe a file for its schema: nothing builds them.
#![allow(dead_code)]

use crate::format::OptionType;
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// The settings of a formula, which `juju config` sets and hooks read with `config-get`.
#[derive(JsonSchema)]
#[schemars(title = "config.yaml", deny_unknown_fields)]
pub struct ConfigFile {
    /// The options, by name (`options: {}` when there are none).
    pub(crate) options: BTreeMap<String, ConfigOption>,
}

/// One option.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(extend("allOf" = [
    {
        "if": { "properties": { "type": { "const": "int" } }, "required": ["type"] },
        "then": { "properties": { "default": { "anyOf": [
            { "type": ["integer", "null"] },
            { "type": "string", "pattern": "^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]+)$" }
        ] } } }
    },
    {
        "if": { "properties": { "type": { "const": "float" } }, "required": ["type"] },
        "then": { "properties": { "default": { "type": ["number", "null"] } } }
    },
    {
        "if": { "properties": { "type": { "const": "boolean" } }, "required": ["type"] },
        "then": { "properties": { "default": { "anyOf": [
            { "type": ["boolean", "null"] },
            { "enum": ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"] }
        ] } } }
    },
    {
        "if": { "anyOf": [
            { "not": { "required": ["type"] } },
            { "properties": { "type": { "enum": ["string", "secret"] } } }
        ] },
        "then": { "properties": { "default": { "type": ["string", "null"] } } }
    }
]))]
pub struct ConfigOption {
    /// `string` (the default), `int`, `float`, `boolean` or `secret`.
    #[serde(default)]
    #[schemars(rename = "type")]
    kind: OptionType,
    /// The value the option has until one is set; none leaves it unset. It must fit the
    /// type: `1.0`, not `1`, for a float.
    default: Option<serde_json::Value>,
    /// What the option does, as `juju config` shows it.
    #[serde(default)]
    description: String,
}
