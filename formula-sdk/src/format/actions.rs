//! The typed view of `actions.yaml`.

use crate::source::Spanned;
use crate::yaml::Node;

/// One action.
#[derive(Clone, Debug)]
pub struct Action {
    /// The action's name.
    pub name: Spanned<String>,
    /// Its description (`"No description"` when absent, as in Juju).
    pub description: String,
    /// The JSON schema of its parameters (`properties`), as JSON.
    pub params: serde_json::Value,
    /// Names of required parameters.
    pub required: Vec<String>,
}

/// The typed view of `actions.yaml`.
#[derive(Clone, Debug, Default)]
pub struct Actions {
    /// The actions, in file order.
    pub actions: Vec<Action>,
}

impl Actions {
    /// Reads the typed view from the root node.
    pub fn from_node(root: &Node) -> Actions {
        let mut actions = Vec::new();
        for (key, value) in root.map_entries().unwrap_or_default() {
            let Some(name) = key.key_text() else { continue };
            let description = value.get("description").and_then(Node::as_str).unwrap_or("No description").to_string();
            let params = value.get("params").map(Node::to_json).unwrap_or_else(|| serde_json::json!({}));
            let required = value
                .get("required")
                .and_then(Node::as_seq)
                .map(|items| items.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            actions.push(Action { name: Spanned::new(name, key.span), description, params, required });
        }
        Actions { actions }
    }

    /// The action named `name`.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name.value == name)
    }
}
