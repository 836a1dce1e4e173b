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
pub mod secrets;
mod settings;
mod status;
mod storage;
mod subordinate;
mod unit;
pub mod value;
mod verbs;

pub use application::{node_value, Application};
pub use formula::{check_option, load_deployable};
pub use ports::{OpenedPort, PortRange, Protocol};
pub use relation::{Relation, RelationEnd};
pub use secrets::{Secret, SecretConsumer, SecretGrant, SecretOwner, Secrets};
pub use settings::{apply_changes, Bag, Settings, SettingsChanges};
pub use status::StatusInfo;
pub use storage::{Storage, StorageInstance};
pub use subordinate::{is_subordinate_dir, juju_info, Needed, JUJU_INFO};
pub use unit::{ActionResult, PendingAction, Unit, WorkloadVersion};
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
    /// Workload versions written so far (units' creation included), which orders them.
    pub version_writes: u64,
    /// The secrets of the model's applications and units.
    pub secrets: Secrets,
    /// The storage instances attached to units.
    pub storage: Storage,
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

    /// Sets `unit`'s workload version, as `application-version-set` does: at once, newer than
    /// every version set before.
    pub fn set_workload_version(&mut self, unit: &str, version: &str) {
        self.version_writes += 1;
        let set_at = self.version_writes;
        if let Some(u) = self.units.get_mut(unit) {
            u.workload_version = WorkloadVersion { version: version.to_string(), set_at };
        }
    }

    /// The version `juju status` shows for `app`: that of the unit whose version was set last
    /// (a unit made after the others' versions were set shows its empty one until it sets its
    /// own), as Juju's status does (`apiserver/facades/client/client/status.go`, spec §4.3).
    pub fn app_workload_version(&self, app: &str) -> String {
        self.units_of(app)
            .into_iter()
            .max_by_key(|u| u.workload_version.set_at)
            .map(|u| u.workload_version.version.clone())
            .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn add_unit(model: &mut Model, name: &str) {
        let new = NewUnit {
            name: name.into(),
            app: unit_app(name).into(),
            charm_version: 1,
            formula_dir: Default::default(),
            host_network: false,
            release: Default::default(),
            principal: None,
        };
        model.place_unit(&new, "10.0.0.1", StatusInfo::default(), &mut Vec::new());
    }

    #[test]
    fn an_application_shows_the_version_its_units_set_last() {
        let mut model = Model::new("m");
        add_unit(&mut model, "db/0");
        add_unit(&mut model, "db/1");
        add_unit(&mut model, "wiki/0");
        assert_eq!(model.app_workload_version("db"), "");
        model.set_workload_version("db/1", "8.0.1");
        model.set_workload_version("wiki/0", "1.2");
        assert_eq!(model.app_workload_version("db"), "8.0.1");
        model.set_workload_version("db/0", "8.0.2");
        assert_eq!(model.app_workload_version("db"), "8.0.2");
        assert_eq!(model.app_workload_version("wiki"), "1.2");
        // A unit removed takes its version with it.
        model.units.remove("db/0");
        assert_eq!(model.app_workload_version("db"), "8.0.1");
        // A new unit's empty version, from its creation, is the newest until it sets one.
        add_unit(&mut model, "db/2");
        assert_eq!(model.app_workload_version("db"), "");
        model.set_workload_version("db/2", "8.0.3");
        assert_eq!(model.app_workload_version("db"), "8.0.3");
    }
}
