//! JSON Schemas (draft 2020-12) of the files a formula holds, for editors that check YAML
//! against a schema (yaml-language-server: VS Code's YAML extension, Neovim, Helix, …), and
//! printed by `formula schema`.
//!
//! Each file is described once, by types whose doc comments become the descriptions an
//! editor shows: [`metadata::MetadataFile`], [`config::ConfigFile`],
//! [`actions::ActionsFile`], [`bundle::BundleFile`]. The loaders and lint rules that refuse
//! or warn about unknown keys take their lists of known keys from the same types
//! ([`property_names`]), so that the schema and the checks cannot drift apart. A key that
//! Juju refuses, or ignores and the linter warns about, is refused by the schema too
//! (`additionalProperties: false`); nothing Juju accepts is.
//!
//! ```
//! let schema = formula_sdk::schema::generate::<formula_sdk::schema::config::ConfigFile>();
//! assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
//! assert_eq!(schema["additionalProperties"], false);
//! ```

pub mod actions;
pub mod bundle;
pub mod config;
pub mod juju;
pub mod metadata;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

/// The schema of the file `T` describes, draft 2020-12, as JSON.
pub fn generate<T: JsonSchema>() -> serde_json::Value {
    let mut schema = SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>().to_value();
    unwrap_descriptions(&mut schema);
    schema
}

/// Joins the lines of each description that a doc comment wrapped (an editor wraps them
/// itself); a blank line stays a paragraph break.
fn unwrap_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text.split("\n\n").map(|p| p.replace('\n', " ")).collect::<Vec<_>>().join("\n\n");
                    }
                    _ => unwrap_descriptions(item),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// The keys of the mapping `T` describes, in the order its fields are declared.
pub fn property_names<T: JsonSchema>() -> Vec<String> {
    let schema = generate::<T>();
    schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

/// The names of the variants of the enum `T` describes, in declaration order: a unit
/// variant's string, a variant with data's key.
pub fn variant_names<T: JsonSchema>() -> Vec<String> {
    let schema = generate::<T>();
    let mut names = Vec::new();
    for variant in schema["oneOf"].as_array().into_iter().flatten() {
        if let Some(name) = variant["const"].as_str() {
            names.push(name.to_string());
        } else if let Some(values) = variant["enum"].as_array() {
            names.extend(values.iter().filter_map(|v| v.as_str().map(str::to_string)));
        } else if let Some(key) = variant["required"].get(0).and_then(|k| k.as_str()) {
            names.push(key.to_string());
        }
    }
    names
}
