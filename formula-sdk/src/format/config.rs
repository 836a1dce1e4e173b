//! The typed view of `config.yaml`.

use crate::source::Spanned;
use crate::yaml::{Node, NodeKind};

/// The type of a config option; its derived schema is the `type` of config.yaml's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, schemars::JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum OptionType {
    /// `string` (the default when `type` is absent).
    #[default]
    String,
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `boolean`.
    Boolean,
    /// `secret`: a `secret:` URI (Juju 3.1 and later).
    Secret,
}

impl OptionType {
    /// Parses a `type:` value; `None` for a type Juju does not know.
    pub fn parse(text: &str) -> Option<OptionType> {
        Some(match text {
            "string" => OptionType::String,
            "int" => OptionType::Int,
            "float" => OptionType::Float,
            "boolean" => OptionType::Boolean,
            "secret" => OptionType::Secret,
            _ => return None,
        })
    }

    /// The name as written in config.yaml.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Int => "int",
            OptionType::Float => "float",
            OptionType::Boolean => "boolean",
            OptionType::Secret => "secret",
        }
    }
}

/// One option under `options`.
#[derive(Clone, Debug)]
pub struct ConfigOption {
    /// The option's name.
    pub name: Spanned<String>,
    /// Its type; `String` when absent, `None` when unknown.
    pub kind: Option<OptionType>,
    /// The default as written; `None` when absent or null.
    pub default: Option<Node>,
    /// The description.
    pub description: Option<String>,
}

/// The typed view of `config.yaml`: the options, in file order.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The options.
    pub options: Vec<ConfigOption>,
}

impl Config {
    /// Reads the typed view from the root node.
    pub fn from_node(root: &Node) -> Config {
        let mut options = Vec::new();
        for (key, value) in root.get("options").and_then(Node::map_entries).unwrap_or_default() {
            let Some(name) = key.key_text() else { continue };
            let kind = match value.get("type") {
                None => Some(OptionType::String),
                Some(t) => t.as_str().and_then(OptionType::parse),
            };
            let default = value.get("default").filter(|d| !matches!(d.kind, NodeKind::Null)).cloned();
            let description = value.get("description").and_then(Node::as_str).map(str::to_string);
            options.push(ConfigOption { name: Spanned::new(name, key.span), kind, default, description });
        }
        Config { options }
    }

    /// The option named `name`.
    pub fn option(&self, name: &str) -> Option<&ConfigOption> {
        self.options.iter().find(|o| o.name.value == name)
    }
}
