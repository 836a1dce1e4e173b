//! config.yaml's options, as the per-option rules read them.

use super::spans::written;
use crate::format::OptionType;
use crate::go::{strconv, yaml_v2};
use crate::lint::LintContext;
use crate::yaml::{Node, NodeKind};

/// config.yaml's `options` mapping, when the file parsed into a mapping whose `options` is a
/// mapping (the shape every per-option rule needs), with the file's text.
pub struct Options<'a> {
    /// The text of config.yaml.
    pub text: &'a str,
    /// The options, repeated keys resolved to the last.
    pub entries: Vec<(&'a Node, &'a Node)>,
}

impl<'a> Options<'a> {
    /// Reads the options of `ctx`'s config.yaml.
    pub fn of(ctx: &LintContext<'a>) -> Option<Options<'a>> {
        let file = ctx.formula.config_file.as_ref()?;
        let entries = file.node.as_ref()?.get("options")?.map_entries()?;
        Some(Options { text: &file.source.text, entries })
    }

    /// The option's name as Juju reads it.
    pub fn name(&self, key: &Node) -> String {
        yaml_v2::key_name(key, written(key, self.text)).unwrap_or_else(|| written(key, self.text).to_string())
    }
}

/// Whether Juju's schema takes `value` for an option of type `kind` (`juju/schema`'s
/// checkers, used both for defaults and for values a bundle sets): null always, as no value;
/// a string for a string or secret option; an int, or a string Go's `ParseInt(s, 0, 64)`
/// reads, for int; only a float for float; a boolean, or a string Go's `ParseBool` reads, for
/// boolean. What a secret's string must look like is left to the caller.
pub fn juju_takes(kind: OptionType, value: &Node) -> bool {
    match (&value.kind, kind) {
        (NodeKind::Null, _) => true,
        (NodeKind::Str(_), OptionType::String | OptionType::Secret) => true,
        (NodeKind::Int(_), OptionType::Int) => true,
        (NodeKind::Str(s), OptionType::Int) => strconv::parse_int(s).is_some(),
        (NodeKind::Float(_), OptionType::Float) => true,
        (NodeKind::Bool(_), OptionType::Boolean) => true,
        (NodeKind::Str(s), OptionType::Boolean) => strconv::parse_bool(s).is_ok(),
        _ => false,
    }
}
