//! Values as Juju's schema coerces them: where it takes a string for a number or a boolean,
//! so does the schema (spec §1.1: the `juju/schema` checkers).

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// The strings Go's `strconv.ParseBool` reads.
const GO_BOOL_STRINGS: [&str; 12] = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"];

/// A boolean, or a string Go's `strconv.ParseBool` reads (`"true"`, `"1"`, `"T"`).
pub struct GoBool;

impl JsonSchema for GoBool {
    fn schema_name() -> Cow<'static, str> {
        "GoBool".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`true` or `false` (Juju also reads the strings \"true\", \"1\", \"T\", …)",
            "anyOf": [{ "type": "boolean" }, { "enum": GO_BOOL_STRINGS }]
        })
    }
}

/// An integer, or a string that Go's `strconv.ParseInt` reads in any base (`"0x10"`).
pub struct GoInt;

impl JsonSchema for GoInt {
    fn schema_name() -> Cow<'static, str> {
        "GoInt".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a whole number (Juju also reads a string that holds one, as \"0x10\")",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": "^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]+)$" }
            ]
        })
    }
}

/// A scalar that Juju reads as text: a string, a number or a boolean.
pub struct Scalar;

impl JsonSchema for Scalar {
    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}
