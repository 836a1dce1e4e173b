//! config.yaml's options, as the per-option rules read them.

use super::go;
use super::spans::written;
use crate::lint::LintContext;
use crate::yaml::Node;

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
        go::key_name(key, self.text).unwrap_or_else(|| written(key, self.text).to_string())
    }
}
