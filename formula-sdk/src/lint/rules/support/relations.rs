//! Endpoint declarations (`provides`, `requires`, `peers`) and the relation hooks that serve
//! them.

use crate::format::Role;
use crate::yaml::{Node, NodeKind};

/// One entry under `provides`, `requires` or `peers`, as written.
pub struct RelationDecl<'a> {
    /// The section that declares it.
    pub role: Role,
    /// The endpoint's name (the key's text).
    pub name: String,
    /// The key node.
    pub key: &'a Node,
    /// The declaration: a map, the shorthand interface string, or anything else.
    pub value: &'a Node,
}

impl RelationDecl<'_> {
    /// The value under `field` when the declaration is a map.
    pub fn field(&self, field: &str) -> Option<&Node> {
        self.value.get(field)
    }

    /// The declaration's keys and values when it is a map (repeated keys resolved to the
    /// last); nothing for the shorthand or anything else.
    pub fn fields(&self) -> Vec<(&Node, &Node)> {
        self.value.map_entries().unwrap_or_default()
    }

    /// Whether the declaration is a map with `scope: container`.
    pub fn is_container_scoped(&self) -> bool {
        self.field("scope").and_then(Node::as_str) == Some("container")
    }

    /// The node that names the interface: the shorthand value, or the value of `interface:`.
    pub fn interface_node(&self) -> Option<&Node> {
        match &self.value.kind {
            NodeKind::Str(_) => Some(self.value),
            NodeKind::Map(_) => self.field("interface"),
            _ => None,
        }
    }
}

/// Every endpoint declaration, in provides, requires, peers order (a repeated key counts
/// once, with its last value, as Juju reads it). Sections that are not maps give nothing.
pub fn relation_decls(root: &Node) -> Vec<RelationDecl<'_>> {
    let mut out = Vec::new();
    for role in [Role::Provider, Role::Requirer, Role::Peer] {
        let Some(entries) = root.get(role.section()).and_then(Node::map_entries) else {
            continue;
        };
        for (key, value) in entries {
            if let Some(name) = key.key_text() {
                out.push(RelationDecl { role, name, key, value });
            }
        }
    }
    out
}

/// Juju's `reservedName`: `juju` and `juju-*` belong to Juju, unless the formula's own name
/// starts with `juju-`.
pub fn is_reserved_name(formula_name: Option<&str>, name: &str) -> bool {
    if formula_name.is_some_and(|f| f.starts_with("juju-")) {
        return false;
    }
    name == "juju" || name.starts_with("juju-")
}

/// The endpoint and the kind of a relation hook name (`db-relation-changed` →
/// (`db`, `changed`)).
pub fn relation_hook(name: &str) -> Option<(&str, &str)> {
    for kind in ["created", "joined", "changed", "departed", "broken"] {
        if let Some(endpoint) = name.strip_suffix(kind).and_then(|rest| rest.strip_suffix("-relation-")) {
            if !endpoint.is_empty() {
                return Some((endpoint, kind));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_follow_juju() {
        assert!(is_reserved_name(Some("wiki"), "juju"));
        assert!(is_reserved_name(Some("wiki"), "juju-info"));
        assert!(!is_reserved_name(Some("wiki"), "jujuish"));
        assert!(!is_reserved_name(Some("juju-gui"), "juju-info"));
        assert!(is_reserved_name(None, "juju-info"));
    }

    #[test]
    fn relation_hooks_split_at_the_last_relation_word() {
        assert_eq!(relation_hook("db-relation-changed"), Some(("db", "changed")));
        assert_eq!(relation_hook("my-relation-relation-joined"), Some(("my-relation", "joined")));
        assert_eq!(relation_hook("install"), None);
        assert_eq!(relation_hook("-relation-joined"), None);
        assert_eq!(relation_hook("shared-db-relation-broken"), Some(("shared-db", "broken")));
        assert_eq!(relation_hook("relation-common.sh"), None);
    }
}
