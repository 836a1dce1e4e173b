//! `actions.yaml` as written: action names, each with a JSON Schema of its parameters (spec
//! §3.1). Juju reads each definition as a JSON Schema, so a definition may hold any schema
//! keyword; the schema refuses only what Juju refuses (a bad or reserved name, `$ref`,
//! `$schema`, a type JSON does not have).

// The types describe a file for its schema: nothing builds them.
#![allow(dead_code)]

use schemars::JsonSchema;
use std::collections::BTreeMap;

/// The actions a formula offers (`juju run UNIT ACTION`), by name: lowercase letters, digits
/// and hyphens; `juju` and `juju-…` are reserved.
#[derive(JsonSchema)]
#[schemars(title = "actions.yaml")]
#[schemars(extend("propertyNames" = {
    "pattern": "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    "not": { "pattern": "^juju(-|$)" }
}))]
pub struct ActionsFile(BTreeMap<String, Option<Action>>);

/// One action: it runs `actions/NAME` (or `dispatch`).
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
#[schemars(extend("propertyNames" = { "not": { "enum": ["$ref", "$schema"] } }))]
struct Action {
    /// What the action does, as `juju actions` shows it.
    description: Option<String>,
    /// A short title.
    title: Option<String>,
    /// The parameters, by name, each a JSON Schema (`type`, `description`, `default`, …).
    params: Option<BTreeMap<String, Param>>,
    /// The parameters that must be given.
    required: Option<Vec<String>>,
    /// Whether parameters not under `params` are accepted.
    #[schemars(rename = "additionalProperties")]
    additional_properties: Option<bool>,
    /// Whether the action may run while other actions run on the unit.
    parallel: Option<bool>,
    /// The group of actions that run one at a time with this one.
    execution_group: Option<String>,
}

/// A parameter: a JSON Schema.
#[derive(JsonSchema)]
#[schemars(extend("propertyNames" = { "not": { "enum": ["$ref", "$schema"] } }))]
struct Param {
    /// The JSON type: `string`, `integer`, `number`, `boolean`, `array`, `object`, `null`.
    #[schemars(rename = "type")]
    kind: Option<JsonTypes>,
    /// What the parameter is for.
    description: Option<String>,
    /// The value the parameter has when it is not given.
    default: Option<serde_json::Value>,
    /// The values it may take.
    #[schemars(rename = "enum")]
    choices: Option<Vec<serde_json::Value>>,
    /// The parameters of an `object`, by name.
    properties: Option<BTreeMap<String, Param>>,
    /// The schema of each item of an `array`.
    items: Option<Box<Param>>,
}

/// One JSON type, or several.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum JsonTypes {
    /// One type.
    One(JsonType),
    /// Any of these types.
    Several(Vec<JsonType>),
}

/// A JSON type.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum JsonType {
    /// A list.
    Array,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// Nothing.
    Null,
    /// A number.
    Number,
    /// A mapping.
    Object,
    /// Text.
    String,
}
