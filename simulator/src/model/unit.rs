//! A unit: its life, status, address, ports, state, and its actions.

use super::{Life, OpenedPort, Settings, StatusInfo, Value};
use std::collections::{BTreeMap, BTreeSet};

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
    /// For a subordinate unit, the principal unit whose machine it lives on.
    pub principal: Option<String>,
    /// The workload version its formula set, and when.
    pub workload_version: WorkloadVersion,
    /// Where its hooks find each resource of its application (`resource-get`), by name.
    pub resources: BTreeMap<String, String>,
}

/// A unit's workload version (`application-version-set`) and the model's count of version
/// writes when it was set. Juju keeps the version per unit, an empty one from the unit's
/// creation on, and shows an application's as the one of its units set last (spec §4.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkloadVersion {
    /// The version (empty: none set since the unit was made).
    pub version: String,
    /// When it was set, as a count of the model's version writes (the unit's creation is one).
    pub set_at: u64,
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
    /// The hook's exit code (`return-code`; 0 when it did not run as a process).
    pub code: i32,
    /// The messages of `action-log`, in order.
    pub log: Vec<String>,
}
