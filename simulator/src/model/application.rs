//! A deployed application: its formula, config, leadership and status.

use super::{Life, Settings, StatusInfo, Value};
use formula_sdk::format::Formula;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Whether the application's hooks may reach the machine's network (`network: host`).
    pub host_network: bool,
    /// The release its machines answer as (`/etc/lsb-release`).
    pub release: crate::base::Release,
    /// Its formula is `subordinate: true`: its units live beside principal units.
    pub subordinate: bool,
    /// Trusted with the cloud credential (`juju deploy --trust`, `juju trust`): `credential-get`
    /// answers.
    pub trusted: bool,
    /// Files attached as its resources (`--resource name=path`), by resource name.
    pub resources: BTreeMap<String, PathBuf>,
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
