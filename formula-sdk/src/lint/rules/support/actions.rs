//! actions.yaml's actions, as the action rules read them.

use super::spans::written;
use crate::go::yaml_v2;
use crate::lint::LintContext;
use crate::yaml::Node;

/// actions.yaml's actions, when the file parsed into a mapping, with the file's text.
pub struct ActionDefs<'a> {
    /// The text of actions.yaml.
    pub text: &'a str,
    /// `(name as Juju reads it, key, definition)`, repeated keys resolved to the last.
    pub entries: Vec<(String, &'a Node, &'a Node)>,
}

impl<'a> ActionDefs<'a> {
    /// Reads the actions of `ctx`'s actions.yaml.
    pub fn of(ctx: &LintContext<'a>) -> Option<ActionDefs<'a>> {
        let file = ctx.formula.actions_file.as_ref()?;
        let text = file.source.text.as_str();
        let entries = file
            .node
            .as_ref()?
            .map_entries()?
            .into_iter()
            .filter_map(|(k, v)| yaml_v2::key_name(k, written(k, text)).map(|name| (name, k, v)))
            .collect();
        Some(ActionDefs { text, entries })
    }
}

/// Whether `charm proof` treats an action name as reserved: it starts with `juju`.
pub fn proof_reserves_action(name: &str) -> bool {
    name.starts_with("juju")
}
