//! The typed view of `metadata.yaml`, read as Juju's schema does (non-strict).

use crate::source::{Span, Spanned};
use crate::yaml::{Node, NodeKind};

/// The role an endpoint plays, from the section that declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Declared under `provides`.
    Provider,
    /// Declared under `requires`.
    Requirer,
    /// Declared under `peers`.
    Peer,
}

impl Role {
    /// The metadata section that declares this role.
    pub fn section(self) -> &'static str {
        match self {
            Role::Provider => "provides",
            Role::Requirer => "requires",
            Role::Peer => "peers",
        }
    }

    /// Whether endpoints of these two roles can be related (provider↔requirer, peer↔peer).
    pub fn can_relate(self, other: Role) -> bool {
        matches!(
            (self, other),
            (Role::Provider, Role::Requirer) | (Role::Requirer, Role::Provider) | (Role::Peer, Role::Peer)
        )
    }
}

/// A relation's scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every unit of one side sees every unit of the other.
    Global,
    /// Only units in the same container (principal and subordinate) see each other.
    Container,
}

/// An endpoint declared under provides, requires or peers.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The endpoint's name (the mapping key).
    pub name: Spanned<String>,
    /// Its role.
    pub role: Role,
    /// Its interface; `None` when the declaration lacks one.
    pub interface: Option<Spanned<String>>,
    /// Its scope (`global` when absent or unknown).
    pub scope: Scope,
    /// The most relations this endpoint may take part in; `None` is unlimited.
    pub limit: Option<i64>,
    /// Informational in Juju.
    pub optional: bool,
    /// The span of the declaration's value.
    pub value_span: Span,
    /// Whether it was written in the shorthand `name: interface`.
    pub shorthand: bool,
}

/// The typed view of `metadata.yaml`. Fields of the wrong type read as absent; the linter
/// reports them from the node tree.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `summary`.
    pub summary: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `subordinate: true`.
    pub subordinate: bool,
    /// `ensemble: formula`, the 2011 format marker.
    pub ensemble: bool,
    /// The obsolete `revision:` key.
    pub revision: Option<Spanned<i64>>,
    /// Every endpoint, in provides, requires, peers order.
    pub endpoints: Vec<Endpoint>,
    /// Names under `storage`.
    pub storage_names: Vec<String>,
    /// The declarations under `storage`, in order (those that are not maps are left out).
    pub storage: Vec<Storage>,
    /// Names under `extra-bindings`.
    pub extra_bindings: Vec<String>,
    /// Names under `resources`.
    pub resource_names: Vec<String>,
    /// `series`.
    pub series: Vec<String>,
}

impl Metadata {
    /// Reads the typed view from the root node.
    pub fn from_node(root: &Node) -> Metadata {
        let text = |key: &str| root.get(key).and_then(|n| n.as_str().map(|s| Spanned::new(s.to_string(), n.span)));
        let mut endpoints = Vec::new();
        for role in [Role::Provider, Role::Requirer, Role::Peer] {
            if let Some(section) = root.get(role.section()).and_then(Node::map_entries) {
                for (key, value) in section {
                    if let Some(endpoint) = endpoint(key, value, role) {
                        endpoints.push(endpoint);
                    }
                }
            }
        }
        let names = |key: &str| -> Vec<String> {
            root.get(key)
                .and_then(Node::map_entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|(k, _)| k.key_text())
                .collect()
        };
        Metadata {
            name: text("name"),
            summary: text("summary"),
            description: text("description"),
            subordinate: root.get("subordinate").and_then(Node::as_bool).unwrap_or(false),
            ensemble: root.get("ensemble").and_then(Node::as_str) == Some("formula"),
            revision: root.get("revision").and_then(|n| n.as_int().map(|i| Spanned::new(i, n.span))),
            endpoints,
            storage_names: names("storage"),
            storage: root
                .get("storage")
                .and_then(Node::map_entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|(k, v)| Storage::from_node(&k.key_text()?, v))
                .collect(),
            extra_bindings: names("extra-bindings"),
            resource_names: names("resources"),
            series: root
                .get("series")
                .and_then(Node::as_seq)
                .map(|items| items.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
        }
    }

    /// The endpoint named `name`.
    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name.value == name)
    }
}

/// A storage declaration (`storage: {data: {type: filesystem, location: /srv, multiple: …}}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Storage {
    /// Its name.
    pub name: String,
    /// `filesystem` or `block`.
    pub kind: String,
    /// `location`: where a filesystem is mounted, if fixed.
    pub location: Option<String>,
    /// How many instances a unit gets at first (`multiple.range`'s minimum, else 1).
    pub minimum: u32,
    /// How many it may have (`None`: no limit).
    pub maximum: Option<u32>,
}

impl Storage {
    fn from_node(name: &str, value: &Node) -> Option<Storage> {
        value.map_entries()?;
        let kind = value.get("type").and_then(Node::as_str).unwrap_or("filesystem").to_string();
        let location = value.get("location").and_then(Node::as_str).map(str::to_string);
        // `multiple: {range: N | N-M | N- | N+}`; without it, exactly one.
        let range = value.get("multiple").and_then(|m| m.get("range"));
        let text = range.map(|r| match &r.kind {
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Str(s) => s.clone(),
            _ => String::new(),
        });
        let (minimum, maximum) = match text.as_deref() {
            None => (1, Some(1)),
            Some(text) => {
                let text = text.trim();
                if let Some(min) = text.strip_suffix('+').or_else(|| text.strip_suffix('-')) {
                    (min.trim().parse().unwrap_or(0), None)
                } else if let Some((min, max)) = text.split_once('-') {
                    (min.trim().parse().unwrap_or(0), max.trim().parse().ok())
                } else {
                    let n = text.parse().unwrap_or(1);
                    (n, Some(n))
                }
            }
        };
        Some(Storage { name: name.to_string(), kind, location, minimum, maximum })
    }
}

fn endpoint(key: &Node, value: &Node, role: Role) -> Option<Endpoint> {
    let name = Spanned::new(key.key_text()?, key.span);
    let mut endpoint = Endpoint {
        name,
        role,
        interface: None,
        scope: Scope::Global,
        limit: None,
        optional: false,
        value_span: value.span,
        shorthand: false,
    };
    match &value.kind {
        NodeKind::Str(interface) => {
            endpoint.interface = Some(Spanned::new(interface.clone(), value.span));
            endpoint.shorthand = true;
        }
        NodeKind::Map(_) => {
            endpoint.interface =
                value.get("interface").and_then(|n| n.as_str().map(|s| Spanned::new(s.to_string(), n.span)));
            if value.get("scope").and_then(Node::as_str) == Some("container") {
                endpoint.scope = Scope::Container;
            }
            endpoint.limit = value.get("limit").and_then(Node::as_int);
            endpoint.optional = value.get("optional").and_then(Node::as_bool).unwrap_or(false);
        }
        _ => {}
    }
    Some(endpoint)
}
