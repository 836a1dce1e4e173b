//! The shared model: what a Juju controller knows.
//!
//! Applications, units, relations with their per-unit and per-application bags (each with a
//! version that moves only when the data changes), config, leadership, ports and statuses.
//! Every collection is ordered, so that iterating the model is the same on every run.

use crate::tools::context::{OpenedPort, Settings, StatusInfo};
use crate::tools::value::Value;
use formula_sdk::format::{Formula, Role, Scope};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Whether an entity is alive or on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Life {
    /// Alive.
    Alive,
    /// Being removed: its teardown hooks run.
    Dying,
}

/// A deployed application.
#[derive(Debug)]
pub struct Application {
    /// Its name.
    pub name: String,
    /// The formula it runs (shared, and `Arc` because a WebAssembly hook's store, which
    /// must be `Send`, holds the model while the hook runs).
    pub formula: Arc<Formula>,
    /// The formula's directory.
    pub formula_dir: PathBuf,
    /// Bumped by every upgrade; units run upgrade-charm when theirs differs.
    pub charm_version: u64,
    /// Option values set by the user (defaults come from the formula).
    pub config_set: BTreeMap<String, Value>,
    /// Bumped on every config change that changes a value.
    pub config_version: u64,
    /// The leader unit.
    pub leader: Option<String>,
    /// Leader settings.
    pub leader_settings: Settings,
    /// Bumped when leader settings change.
    pub leader_settings_version: u64,
    /// The next unit number; numbers are never reused.
    pub next_unit: u32,
    /// Alive or dying.
    pub life: Life,
    /// The application status (set by the leader).
    pub status: StatusInfo,
    /// The workload version.
    pub workload_version: String,
    /// Whether the application's hooks may reach the machine's network (`network: host`).
    pub host_network: bool,
}

impl Application {
    /// The configuration hooks see: defaults of config.yaml merged with set values.
    pub fn effective_config(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for option in &self.formula.config.options {
            let value = option.default.as_ref().map(node_value).unwrap_or(Value::Null);
            out.insert(option.name.value.clone(), value);
        }
        for (k, v) in &self.config_set {
            out.insert(k.clone(), v.clone());
        }
        out
    }
}

/// A YAML default as a tool value.
pub fn node_value(node: &formula_sdk::yaml::Node) -> Value {
    use formula_sdk::yaml::NodeKind;
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => Value::Int(*i),
        NodeKind::Float(x) => Value::Float(*x),
        NodeKind::Str(s) => Value::Str(s.clone()),
        _ => Value::from_json(&node.to_json()),
    }
}

/// A unit of an application.
#[derive(Debug)]
pub struct Unit {
    /// `app/N`.
    pub name: String,
    /// Its application.
    pub app: String,
    /// Alive or dying.
    pub life: Life,
    /// The workload status the formula set.
    pub status: StatusInfo,
    /// Whether a hook ever set the status (Juju sets `unknown` after start otherwise).
    pub status_set: bool,
    /// Its private address.
    pub address: String,
    /// Committed open ports.
    pub ports: BTreeSet<OpenedPort>,
    /// Committed charm state (`state-set`).
    pub state: Settings,
    /// Queued actions.
    pub actions: Vec<PendingAction>,
    /// Finished actions, in order.
    pub action_results: Vec<ActionResult>,
    /// The log lines of `juju-log`, in order.
    pub log: Vec<String>,
}

/// An action waiting to run.
#[derive(Clone, Debug)]
pub struct PendingAction {
    /// Its id (model-unique).
    pub id: u64,
    /// The action's name.
    pub name: String,
    /// Its parameters.
    pub params: BTreeMap<String, Value>,
}

/// The outcome of an action.
#[derive(Clone, Debug)]
pub struct ActionResult {
    /// Its id.
    pub id: u64,
    /// The action's name.
    pub name: String,
    /// `completed` or `failed`.
    pub status: String,
    /// The failure message, if any.
    pub message: String,
    /// Results set with action-set.
    pub results: BTreeMap<String, Value>,
}

/// Applies settings changes to `data`: `Some` sets a key, `None` deletes it.
pub fn apply_changes(data: &mut Settings, changes: &BTreeMap<String, Option<String>>) {
    for (k, v) in changes {
        match v {
            Some(v) => data.insert(k.clone(), v.clone()),
            None => data.remove(k),
        };
    }
}

/// One bag of relation settings.
#[derive(Clone, Debug, Default)]
pub struct Bag {
    /// Keys and values.
    pub data: Settings,
    /// Bumped when the data changes.
    pub version: u64,
}

impl Bag {
    /// Applies changes (`None` deletes) and bumps the version if anything changed.
    pub fn apply(&mut self, changes: &BTreeMap<String, Option<String>>) -> bool {
        let before = self.data.clone();
        apply_changes(&mut self.data, changes);
        let changed = before != self.data;
        if changed {
            self.version += 1;
        }
        changed
    }
}

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

/// The model.
#[derive(Debug, Default)]
pub struct Model {
    /// Its name.
    pub name: String,
    /// Its uuid (fixed per scenario, for determinism).
    pub uuid: String,
    /// Applications by name.
    pub apps: BTreeMap<String, Application>,
    /// Units by name.
    pub units: BTreeMap<String, Unit>,
    /// Relations by id.
    pub relations: BTreeMap<i64, Relation>,
    /// The next relation id.
    pub next_relation_id: i64,
    /// The next action id.
    pub next_action_id: u64,
    /// Bumped by each `update-status` step.
    pub update_status_tick: u64,
}

impl Model {
    /// The relations `app` takes part in, by id.
    pub fn relations_of(&self, app: &str) -> impl Iterator<Item = &Relation> {
        let app = app.to_string();
        self.relations.values().filter(move |r| r.involves(&app))
    }

    /// The units of `app`, sorted by number.
    pub fn units_of(&self, app: &str) -> Vec<&Unit> {
        let mut units: Vec<&Unit> = self.units.values().filter(|u| u.app == app).collect();
        units.sort_by_key(|u| unit_number(&u.name));
        units
    }

    /// The relation whose key is `key`, or whose endpoints match in either order.
    pub fn find_relation(&self, a: &str, b: &str) -> Option<&Relation> {
        let mut want = [a.to_string(), b.to_string()];
        want.sort();
        let key = want.join(" ");
        self.relations.values().find(|r| r.key() == key)
    }
}

/// The number of a unit name (`wiki/3` → 3).
pub fn unit_number(name: &str) -> u32 {
    name.rsplit('/').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// The application of a unit name.
pub fn unit_app(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

/// Sorts unit names as Juju does: by application, then by number.
pub fn sort_units(names: &mut [String]) {
    names.sort_by(|a, b| (unit_app(a), unit_number(a)).cmp(&(unit_app(b), unit_number(b))));
}
