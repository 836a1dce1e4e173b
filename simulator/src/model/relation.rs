//! A relation: its ends, its life, the units in its scope and their bags.

use super::{Bag, Life};
use formula_sdk::format::{Role, Scope};
use std::collections::{BTreeMap, BTreeSet};

/// One side of a relation.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationEnd {
    /// The application.
    pub app: String,
    /// Its endpoint.
    pub endpoint: String,
    /// The endpoint's role.
    pub role: Role,
    /// The interface.
    pub interface: String,
    /// The scope.
    pub scope: Scope,
}

/// A relation between two endpoints (or a peer relation of one application).
#[derive(Debug)]
pub struct Relation {
    /// Model-unique id.
    pub id: i64,
    /// Its ends: two, or one for a peer relation.
    pub ends: Vec<RelationEnd>,
    /// Alive or dying.
    pub life: Life,
    /// Units in scope.
    pub scope: BTreeSet<String>,
    /// Per-unit bags.
    pub unit_bags: BTreeMap<String, Bag>,
    /// Per-application bags.
    pub app_bags: BTreeMap<String, Bag>,
}

impl Relation {
    /// Juju's relation key: `wiki:db db:db` (peer: `wiki:peers`).
    pub fn key(&self) -> String {
        let mut parts: Vec<String> = self.ends.iter().map(|e| format!("{}:{}", e.app, e.endpoint)).collect();
        parts.sort();
        parts.join(" ")
    }

    /// Whether this is a peer relation.
    pub fn is_peer(&self) -> bool {
        self.ends.len() == 1
    }

    /// The end of `app`.
    pub fn end_of(&self, app: &str) -> Option<&RelationEnd> {
        self.ends.iter().find(|e| e.app == app)
    }

    /// The application at the other end from `app` (itself for peers).
    pub fn remote_app(&self, app: &str) -> String {
        self.ends.iter().find(|e| e.app != app).map_or_else(|| app.to_string(), |e| e.app.clone())
    }

    /// Whether `app` takes part.
    pub fn involves(&self, app: &str) -> bool {
        self.ends.iter().any(|e| e.app == app)
    }
}
