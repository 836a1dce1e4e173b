//! The shared model: what a Juju controller knows.
//!
//! Applications, units, relations with their per-unit and per-application bags (each with a
//! version that moves only when the data changes), config, leadership, ports and statuses.
//! Every collection is ordered, so that iterating the model is the same on every run.

//!
//! The model's vocabulary lives here, and the hook tools ([`crate::tools`]) speak it: a
//! [`Value`] is what a config option, an action parameter or a tool's answer holds,
//! [`Settings`] a bag's data, [`StatusInfo`] a workload status, [`OpenedPort`] an opened range.

mod application;
mod formula;
mod ports;
mod relation;
mod settings;
mod status;
mod subordinate;
mod unit;
pub mod value;
mod verbs;

pub use application::{node_value, Application};
pub use formula::{check_option, load_deployable};
pub use ports::{OpenedPort, PortRange, Protocol};
pub use relation::{Relation, RelationEnd};
pub use settings::{apply_changes, Bag, Settings, SettingsChanges};
pub use status::StatusInfo;
pub use subordinate::{is_subordinate_dir, juju_info, Needed, JUJU_INFO};
pub use unit::{ActionResult, PendingAction, Unit};
pub use value::Value;
pub use verbs::{NewUnit, Placement};

use std::collections::BTreeMap;

/// Whether an entity is alive or on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Life {
    /// Alive.
    Alive,
    /// Being removed: its teardown hooks run.
    Dying,
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
    /// The model's default series (`default-series`), for applications that ask for none.
    pub default_series: Option<String>,
    /// Model time and the update-status timer (spec §6.5).
    pub clock: crate::clock::Clock,
    /// The model-config settings the simulator honours (spec §6.5).
    pub model_config: crate::clock::ModelConfig,
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

/// `items` in backticks, separated by commas (`none` when there are none), for messages.
fn join<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
