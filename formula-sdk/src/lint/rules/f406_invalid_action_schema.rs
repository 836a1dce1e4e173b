//! F406 `invalid-action-schema`: an action's definition is not a schema Juju accepts.
#![doc = include_str!("f406_invalid_action_schema.md")]

use super::support::actions::ActionDefs;
use super::support::spans::written;
use super::support::wording::a_type;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::path::PathBuf;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F406",
    name: "invalid-action-schema",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an action's definition is not a schema Juju accepts",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f406_invalid_action_schema.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(actions) = ActionDefs::of(ctx) else {
        return;
    };
    let mut checker = Checker { text: actions.text, path: ctx.path("actions.yaml"), action: String::new(), out };
    for (name, _, definition) in &actions.entries {
        checker.action = name.clone();
        checker.definition(definition);
    }
}

/// The JSON-Schema (draft 4) type names.
const JSON_TYPES: [&str; 7] = ["array", "boolean", "integer", "null", "number", "object", "string"];

/// Schema keywords whose value must be a number.
const NUMERIC_KEYWORDS: [&str; 9] = [
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

struct Checker<'a, 'r> {
    text: &'a str,
    path: PathBuf,
    action: String,
    out: &'r mut Reporter,
}

impl Checker<'_, '_> {
    fn report(&mut self, span: Span, problem: String, help: Option<String>) -> &mut crate::diagnostic::Diagnostic {
        let diagnostic = self.out.report(&self.path, Some(span), format!("action `{}`: {problem}", self.action));
        diagnostic.help = help;
        diagnostic
    }

    /// One action's definition: Juju's own keys first, then the rest as JSON Schema.
    fn definition(&mut self, definition: &Node) {
        match &definition.kind {
            NodeKind::Map(_) => {}
            NodeKind::Null => return, // an empty definition is allowed
            _ => {
                let help = definition.as_str().map(|s| {
                    format!("write `description: {}` under the action's name", s.lines().next().unwrap_or(""))
                });
                self.report(
                    definition.span,
                    format!("the definition is {}, not a mapping, so Juju refuses the file", a_type(definition)),
                    help,
                );
                return;
            }
        }
        for (key, value) in definition.map_entries().unwrap_or_default() {
            let Some(name) = key.key_text() else { continue };
            match name.as_str() {
                "$ref" | "$schema" => {
                    self.report(
                        key.span,
                        format!("schema key `{name}` is not supported by Juju"),
                        Some("spell the schema out in place".into()),
                    );
                }
                "description" | "title" | "execution-group" => self.expect_string(&name, value),
                "parallel" if value.as_bool().is_none() => {
                    self.report(
                        value.span,
                        format!("`parallel` is {}, but Juju needs a boolean", a_type(value)),
                        Some("write `parallel: true` or `parallel: false`".into()),
                    );
                }
                "required" if value.as_seq().is_none() => {
                    self.report(
                        value.span,
                        format!("`required` is {}, but Juju needs a list", a_type(value)),
                        Some("write `required: [name, …]`".into()),
                    );
                }
                "params" => {
                    if !value.is_map() {
                        self.report(
                            value.span,
                            format!("`params` is {}, but Juju needs a mapping of parameters", a_type(value)),
                            Some("write `params:` followed by one schema per parameter, or leave it out".into()),
                        );
                        continue;
                    }
                    self.cleanse(value);
                    self.properties(value);
                }
                _ => self.cleanse(value),
            }
        }
        // The definition becomes an object schema whose `properties` are the params.
        let params = definition.get("params").filter(|p| p.is_map());
        let additional = definition.get("additionalProperties");
        if let Some(required) = definition.get("required") {
            self.required(required, params, additional);
        }
        self.schema_keywords(definition, true);
    }

    fn expect_string(&mut self, key: &str, value: &Node) {
        if value.as_str().is_none() {
            let help = match &value.kind {
                NodeKind::Null => Some(format!("write some text after `{key}:`, or leave the key out")),
                NodeKind::Seq(_) | NodeKind::Map(_) => None,
                _ => Some(format!("quote it: `{key}: \"{}\"`", written(value, self.text))),
            };
            self.report(value.span, format!("`{key}` is {}, but Juju needs a string", a_type(value)), help);
        }
    }

    /// What Juju's `cleanse` refuses anywhere below: keys that are not strings, `$ref` and
    /// `$schema`.
    fn cleanse(&mut self, node: &Node) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    match &key.kind {
                        NodeKind::Str(name) if name == "$ref" || name == "$schema" => {
                            self.report(
                                key.span,
                                format!("schema key `{name}` is not supported by Juju"),
                                Some("spell the schema out in place".into()),
                            );
                        }
                        NodeKind::Str(_) => {}
                        NodeKind::Seq(_) | NodeKind::Map(_) => {
                            self.report(key.span, "a key is a collection, but Juju needs string keys".into(), None);
                        }
                        _ => {
                            let raw = written(key, self.text);
                            let yaml11 = if matches!(key.kind, NodeKind::Bool(_)) { " (YAML 1.1)" } else { "" };
                            self.report(
                                key.span,
                                format!("key `{raw}` is read as {}{yaml11}, but Juju needs string keys", a_type(key)),
                                Some(format!("quote it: `\"{raw}\":`")),
                            );
                        }
                    }
                    self.cleanse(value);
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|item| self.cleanse(item)),
            _ => {}
        }
    }

    /// A `properties` mapping (or an action's `params`): every value is a schema.
    fn properties(&mut self, properties: &Node) {
        for (key, schema) in properties.map_entries().unwrap_or_default() {
            let name = key.key_text().unwrap_or_default();
            if schema.is_map() {
                self.schema(schema);
            } else if schema.is_null() {
                self.report(
                    key.span,
                    format!("parameter `{name}` has no schema"),
                    Some(format!("give it at least a type: `{name}: {{type: string}}`")),
                );
            } else {
                self.report(
                    schema.span,
                    format!("parameter `{name}` is {}, not a schema", a_type(schema)),
                    Some(format!("write `{name}: {{type: string, description: …}}`")),
                );
            }
        }
    }

    /// A nested JSON Schema.
    fn schema(&mut self, schema: &Node) {
        for key in ["description", "title"] {
            if let Some(value) = schema.get(key) {
                if value.as_str().is_none() {
                    self.report(
                        value.span,
                        format!("`{key}` is {}, but JSON Schema needs a string", a_type(value)),
                        None,
                    );
                }
            }
        }
        if let Some(properties) = schema.get("properties") {
            if properties.is_map() {
                self.properties(properties);
            } else {
                self.report(
                    properties.span,
                    format!("`properties` is {}, but JSON Schema needs a mapping", a_type(properties)),
                    None,
                );
            }
        }
        if let Some(required) = schema.get("required") {
            if required.as_seq().is_none() {
                self.report(
                    required.span,
                    format!("`required` is {}, but JSON Schema needs a list", a_type(required)),
                    None,
                );
            } else {
                let properties = schema.get("properties").filter(|p| p.is_map());
                self.required(required, properties, schema.get("additionalProperties"));
            }
        }
        self.schema_keywords(schema, false);
    }

    /// Keywords checked the same way at the top of an action and in nested schemas.
    fn schema_keywords(&mut self, schema: &Node, top: bool) {
        if let Some(kind) = schema.get("type") {
            self.type_keyword(kind, top);
        }
        if let Some(items) = schema.get("items") {
            match &items.kind {
                NodeKind::Map(_) => self.schema(items),
                NodeKind::Seq(list) => {
                    for item in list {
                        if item.is_map() {
                            self.schema(item);
                        } else {
                            self.report(item.span, format!("an `items` entry is {}, not a schema", a_type(item)), None);
                        }
                    }
                }
                _ => {
                    self.report(
                        items.span,
                        format!("`items` is {}, but JSON Schema needs a schema", a_type(items)),
                        Some("write `items: {type: string}`".into()),
                    );
                }
            }
        }
        if let Some(additional) = schema.get("additionalProperties") {
            match &additional.kind {
                NodeKind::Bool(_) => {}
                NodeKind::Map(_) => self.schema(additional),
                _ => {
                    self.report(
                        additional.span,
                        format!(
                            "`additionalProperties` is {}, but JSON Schema needs a boolean or a schema",
                            a_type(additional)
                        ),
                        None,
                    );
                }
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = schema.get(key) {
                match list.as_seq() {
                    Some(items) => items.iter().filter(|i| i.is_map()).for_each(|i| self.schema(i)),
                    None => {
                        self.report(
                            list.span,
                            format!("`{key}` is {}, but JSON Schema needs a list of schemas", a_type(list)),
                            None,
                        );
                    }
                }
            }
        }
        if let Some(enumeration) = schema.get("enum") {
            match enumeration.as_seq() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        if items[..index].iter().any(|earlier| earlier.to_json() == item.to_json()) {
                            self.report(item.span, format!("`enum` lists `{}` twice", written(item, self.text)), None);
                        }
                    }
                }
                None => {
                    self.report(
                        enumeration.span,
                        format!("`enum` is {}, but JSON Schema needs a list", a_type(enumeration)),
                        Some("write `enum: [a, b]`".into()),
                    );
                }
            }
        }
        for key in NUMERIC_KEYWORDS {
            if let Some(value) = schema.get(key) {
                if !matches!(value.kind, NodeKind::Int(_) | NodeKind::Float(_)) {
                    self.report(
                        value.span,
                        format!("`{key}` is {}, but JSON Schema needs a number", a_type(value)),
                        None,
                    );
                }
            }
        }
        if let Some(pattern) = schema.get("pattern") {
            if pattern.as_str().is_none() {
                self.report(
                    pattern.span,
                    format!("`pattern` is {}, but JSON Schema needs a string", a_type(pattern)),
                    Some("quote the regular expression".into()),
                );
            }
        }
    }

    fn type_keyword(&mut self, kind: &Node, top: bool) {
        let names: Vec<&Node> = match &kind.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![kind],
        };
        for name in names {
            match name.as_str() {
                Some(t) if JSON_TYPES.contains(&t) => {
                    if top && t != "object" {
                        self.report(
                            name.span,
                            format!("the action's own `type` is `{t}`, but its parameters make it an `object`"),
                            Some("leave `type` out at the top of an action".into()),
                        );
                    }
                }
                Some(t) => {
                    let help = match json_type_for(t) {
                        Some(meant) => format!("did you mean `{meant}`?"),
                        None => format!("use one of {}", JSON_TYPES.map(|t| format!("`{t}`")).join(", ")),
                    };
                    self.report(name.span, format!("`type: {t}` is not a JSON Schema type"), Some(help));
                }
                None => {
                    self.report(
                        name.span,
                        format!("`type` is {}, but JSON Schema needs a type name", a_type(name)),
                        None,
                    );
                }
            }
        }
    }

    /// `required`: names of parameters, each once, each declared.
    fn required(&mut self, required: &Node, properties: Option<&Node>, additional: Option<&Node>) {
        let Some(items) = required.as_seq() else {
            return;
        };
        let closed = additional.and_then(Node::as_bool) == Some(false);
        for (index, item) in items.iter().enumerate() {
            let Some(name) = item.as_str() else {
                self.report(
                    item.span,
                    format!("`required` lists {}, but JSON Schema needs parameter names", a_type(item)),
                    Some("quote it".into()),
                );
                continue;
            };
            if items[..index].iter().any(|earlier| earlier.as_str() == Some(name)) {
                self.report(item.span, format!("`required` lists `{name}` twice"), None);
                continue;
            }
            let declared = properties.is_some_and(|p| {
                p.map_entries().unwrap_or_default().iter().any(|(k, _)| k.key_text().as_deref() == Some(name))
            });
            if !declared {
                let consequence = if closed {
                    ", and `additionalProperties: false` refuses it, so the action can never run"
                } else {
                    ""
                };
                let diagnostic = self.report(
                    item.span,
                    format!("`required` names `{name}`, which is not among the parameters{consequence}"),
                    Some(format!("declare `{name}` under `params`, or drop it from `required`")),
                );
                if !closed {
                    // Juju accepts the schema; the action only runs if the caller passes an
                    // undeclared parameter. With `additionalProperties: false` it never runs.
                    diagnostic.severity = Severity::Warning;
                }
            }
        }
    }
}

/// The JSON Schema type a wrong type name most likely meant.
fn json_type_for(written: &str) -> Option<&'static str> {
    Some(match written.to_ascii_lowercase().as_str() {
        "int" | "integer" | "long" | "uint" => "integer",
        "float" | "double" | "decimal" | "number" | "real" => "number",
        "bool" | "boolean" => "boolean",
        "str" | "string" | "text" => "string",
        "list" | "array" | "tuple" => "array",
        "dict" | "map" | "mapping" | "hash" | "object" => "object",
        "none" | "nil" | "null" => "null",
        _ => return None,
    })
}
