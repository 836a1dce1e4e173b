//! What `juju` commands read of a model: a copy of its state, taken by the model's thread
//! after each hook and each change, so that `juju status` answers at once even while a hook
//! runs (Juju's status, too, shows the last state its agents reported).

use super::since::Since;
use formula_sdk::format::Scope;
use simulator::model::Value;
use simulator::sim::Sim;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Juju's version, as the controller reports it (`juju version`, status, agents).
pub const JUJU_VERSION: &str = "3.6.4";

/// A status and since when it is so.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusView {
    /// `active`, `idle`, …
    pub current: String,
    /// Its message.
    pub message: String,
    /// When it took this status (`06 Dec 2026 19:21:04Z`).
    pub since: String,
}

/// A unit.
#[derive(Clone, Debug, Default)]
pub struct UnitView {
    /// `wiki/0`.
    pub name: String,
    /// The workload status `juju status` shows (`error` while a hook is in error).
    pub workload: StatusView,
    /// The agent's status (`allocating`, `idle`).
    pub agent: StatusView,
    /// Whether it leads its application.
    pub leader: bool,
    /// Its address.
    pub address: String,
    /// Opened ports (`80/tcp`).
    pub ports: Vec<String>,
    /// Its machine's id.
    pub machine: String,
    /// Its subordinate units.
    pub subordinates: Vec<UnitView>,
}

/// One end of a relation, as the application sees the other.
#[derive(Clone, Debug)]
pub struct RelatedView {
    /// The application at the other end (itself, for a peer relation).
    pub app: String,
    /// The interface.
    pub interface: String,
    /// `global` or `container`.
    pub scope: String,
}

/// A config option of an application.
#[derive(Clone, Debug)]
pub struct OptionView {
    /// Its name.
    pub name: String,
    /// `string`, `int`, `float`, `boolean`, `secret`.
    pub kind: String,
    /// Its description.
    pub description: String,
    /// Its default, if it has one.
    pub default: Option<Value>,
    /// The value set by the user, if any.
    pub set: Option<Value>,
}

/// An application.
#[derive(Clone, Debug, Default)]
pub struct AppView {
    /// Its name.
    pub name: String,
    /// The formula's name.
    pub charm: String,
    /// The formula's revision.
    pub revision: i64,
    /// The Ubuntu version its machines run (`22.04`).
    pub base_channel: String,
    /// Its status (its own, or derived from its units').
    pub status: StatusView,
    /// Its workload version.
    pub version: String,
    /// Its relations, by its endpoint.
    pub relations: BTreeMap<String, Vec<RelatedView>>,
    /// For a subordinate, the principal applications it is related to.
    pub subordinate_to: Vec<String>,
    /// Principal units (a subordinate's are under its principals').
    pub units: Vec<UnitView>,
    /// Whether it is subordinate.
    pub subordinate: bool,
    /// Its config options.
    pub options: Vec<OptionView>,
    /// Whether it was deployed with `--trust`.
    pub trust: bool,
}

/// A relation, as the status table's integration section lists it.
#[derive(Clone, Debug)]
pub struct RelationView {
    /// The providing end (`db:db`), or the peer end.
    pub provider: String,
    /// The requiring end, or the peer end again.
    pub requirer: String,
    /// The interface.
    pub interface: String,
    /// `regular`, `peer` or `subordinate`.
    pub kind: String,
    /// Whether it is being removed.
    pub dying: bool,
}

/// A machine (one per principal unit).
#[derive(Clone, Debug)]
pub struct MachineView {
    /// Its id.
    pub id: String,
    /// Its address.
    pub address: String,
    /// The Ubuntu version it runs.
    pub base_channel: String,
    /// Since when it runs.
    pub since: String,
}

/// A model, as the commands read it.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its uuid.
    pub uuid: String,
    /// When it was made.
    pub created: String,
    /// Applications by name.
    pub apps: BTreeMap<String, AppView>,
    /// Relations by id.
    pub relations: Vec<RelationView>,
    /// Machines by id (numerically ordered).
    pub machines: Vec<MachineView>,
    /// `juju model-config`'s settings.
    pub model_config: BTreeMap<String, Value>,
    /// Hooks run so far.
    pub hooks: u64,
    /// The error that stopped the engine, if one did.
    pub error: Option<String>,
    /// Where the model's trace is written.
    pub trace: PathBuf,
    /// The backend its units live on.
    pub backend: String,
    /// The seed of its choices.
    pub seed: u64,
}

/// What the model's thread keeps across views: since when statuses are what they are, and
/// which machine each principal unit is on.
#[derive(Debug, Default)]
pub struct Keeper {
    since: Since,
    machines: BTreeMap<String, (u32, String)>,
    next_machine: u32,
    /// Applications deployed with `--trust`.
    pub trusted: std::collections::BTreeSet<String>,
    /// When each revision of a user's secret was made, by secret id (the model keeps no wall
    /// clock).
    pub secret_times: BTreeMap<String, BTreeMap<u32, std::time::SystemTime>>,
}

impl Keeper {
    /// The machine of principal `unit` (a new one the first time it is asked for), with the
    /// moment it was made.
    fn machine(&mut self, unit: &str, now: &str) -> (u32, String) {
        if let Some(machine) = self.machines.get(unit) {
            return machine.clone();
        }
        let machine = (self.next_machine, now.to_string());
        self.next_machine += 1;
        self.machines.insert(unit.to_string(), machine.clone());
        machine
    }

    /// The principal unit on machine `id` (as `juju status` shows machines).
    pub fn unit_on_machine(&self, id: &str) -> Option<String> {
        self.machines.iter().find(|(_, (n, _))| n.to_string() == id).map(|(unit, _)| unit.clone())
    }

    /// Forgets the machines of units that are gone (Juju removes a unit's machine with it).
    fn forget_gone(&mut self, sim: &Sim) {
        self.machines.retain(|unit, _| sim.model.units.contains_key(unit));
    }

    /// A status as the view shows it, with since when it is so.
    fn status(&mut self, key: &str, current: &str, message: &str, now: &str) -> StatusView {
        let since = self.since.of(key, current, message, now);
        StatusView { current: current.into(), message: message.into(), since }
    }

    /// The view of `sim`'s model now (`now` as [`super::since::format`] prints it); `base`
    /// holds what the model's thread fills in (name, trace, config, error).
    pub fn view(&mut self, sim: &Sim, now: &str, base: &View) -> View {
        self.forget_gone(sim);
        let model = &sim.model;
        let mut view = View {
            apps: BTreeMap::new(),
            relations: Vec::new(),
            machines: Vec::new(),
            hooks: sim.hook_count,
            uuid: model.uuid.clone(),
            ..base.clone()
        };
        for app in model.apps.values() {
            let mut relations: BTreeMap<String, Vec<RelatedView>> = BTreeMap::new();
            let mut subordinate_to = Vec::new();
            for relation in model.relations_of(&app.name) {
                let Some(own) = relation.end_of(&app.name) else {
                    continue;
                };
                let other = relation.ends.iter().find(|e| e.app != app.name).unwrap_or(own);
                let scope = match own.scope {
                    Scope::Global => "global",
                    Scope::Container => "container",
                };
                if app.subordinate && own.scope == Scope::Container && other.app != app.name {
                    subordinate_to.push(other.app.clone());
                }
                relations.entry(own.endpoint.clone()).or_default().push(RelatedView {
                    app: other.app.clone(),
                    interface: own.interface.clone(),
                    scope: scope.into(),
                });
            }
            subordinate_to.sort();
            subordinate_to.dedup();
            let units = model.units_of(&app.name);
            let shown: Vec<String> = units.iter().filter_map(|u| sim.shown_status(&u.name)).map(|s| s.status).collect();
            let app_status = simulator::status::app_status(app, &shown);
            // Derived from the units: the message of the first unit with that status, as Juju's is.
            let app_message = if app.status.status.is_empty() {
                units
                    .iter()
                    .filter_map(|u| sim.shown_status(&u.name))
                    .find(|s| s.status == app_status)
                    .map(|s| s.message)
                    .unwrap_or_default()
            } else {
                app.status.message.clone()
            };
            let status = self.status(&format!("app {}", app.name), &app_status, &app_message, now);
            let mut principal_units = Vec::new();
            if !app.subordinate {
                for unit in units {
                    let mut view_unit = self.unit(sim, &unit.name, now);
                    for sub in model.subordinates_of(&unit.name) {
                        let mut sub_view = self.unit(sim, &sub, now);
                        sub_view.machine.clear();
                        view_unit.subordinates.push(sub_view);
                    }
                    principal_units.push(view_unit);
                }
            }
            let options = app
                .formula
                .config
                .options
                .iter()
                .map(|option| OptionView {
                    name: option.name.value.clone(),
                    kind: option.kind.map_or("string", |k| k.as_str()).to_string(),
                    description: option.description.clone().unwrap_or_default().trim_end().to_string(),
                    default: option.default.as_ref().map(simulator::model::node_value),
                    set: app.config_set.get(&option.name.value).cloned(),
                })
                .collect();
            view.apps.insert(
                app.name.clone(),
                AppView {
                    name: app.name.clone(),
                    charm: app.formula.name(),
                    revision: app.formula.effective_revision().unwrap_or(0),
                    base_channel: app.release.version.to_string(),
                    status,
                    version: model.app_workload_version(&app.name),
                    relations,
                    subordinate_to,
                    units: principal_units,
                    subordinate: app.subordinate,
                    options,
                    trust: self.trusted.contains(&app.name),
                },
            );
        }
        for relation in model.relations.values() {
            let end = |e: &simulator::model::RelationEnd| format!("{}:{}", e.app, e.endpoint);
            let (provider, requirer, kind) = if relation.is_peer() {
                (end(&relation.ends[0]), end(&relation.ends[0]), "peer")
            } else {
                let mut ends = relation.ends.clone();
                ends.sort_by_key(|e| e.role != formula_sdk::format::Role::Provider);
                let kind = if relation.is_container() { "subordinate" } else { "regular" };
                (end(&ends[0]), end(&ends[1]), kind)
            };
            view.relations.push(RelationView {
                provider,
                requirer,
                interface: relation.ends.first().map(|e| e.interface.clone()).unwrap_or_default(),
                kind: kind.into(),
                dying: relation.life == simulator::model::Life::Dying,
            });
        }
        let mut machines: Vec<(u32, MachineView)> = Vec::new();
        for unit in model.units.values().filter(|u| u.principal.is_none()) {
            let (id, since) = self.machine(&unit.name, now);
            let base_channel = model.apps.get(&unit.app).map(|a| a.release.version.to_string()).unwrap_or_default();
            machines.push((id, MachineView { id: id.to_string(), address: unit.address.clone(), base_channel, since }));
        }
        machines.sort_by_key(|(id, _)| *id);
        view.machines = machines.into_iter().map(|(_, m)| m).collect();
        // Units were given their machines' ids before their machines were listed.
        let ids: BTreeMap<String, String> =
            self.machines.iter().map(|(u, (id, _))| (u.clone(), id.to_string())).collect();
        for app in view.apps.values_mut() {
            for unit in &mut app.units {
                unit.machine = ids.get(&unit.name).cloned().unwrap_or_default();
            }
        }
        view
    }

    /// The view of one unit (its machine filled in by the caller).
    fn unit(&mut self, sim: &Sim, name: &str, now: &str) -> UnitView {
        let model = &sim.model;
        let Some(unit) = model.units.get(name) else {
            return UnitView { name: name.into(), ..UnitView::default() };
        };
        let shown = sim.shown_status(name).unwrap_or_default();
        let workload = self.status(&format!("unit {name}"), &shown.status, &shown.message, now);
        // A unit with a hook to run is executing it, or about to: the view is taken between hooks.
        let in_error = sim.agents.get(name).is_some_and(|a| a.error.is_some());
        let agent = match sim.pending_hooks(name).first() {
            Some(hook) if !in_error => {
                self.status(&format!("agent {name}"), "executing", &format!("running {} hook", hook.name()), now)
            }
            _ => self.status(&format!("agent {name}"), simulator::status::agent_status(sim.agents.get(name)), "", now),
        };
        UnitView {
            name: name.into(),
            workload,
            agent,
            leader: model.apps.get(&unit.app).and_then(|a| a.leader.as_deref()) == Some(name),
            address: unit.address.clone(),
            ports: unit.ports.iter().map(|p| p.range.to_string()).collect(),
            machine: String::new(),
            subordinates: Vec::new(),
        }
    }
}

impl View {
    /// The unit named `name` (principal or subordinate), with its application.
    pub fn unit(&self, name: &str) -> Option<(&AppView, &UnitView)> {
        let app = self.apps.get(name.split('/').next()?)?;
        let principal_units = self.apps.values().flat_map(|a| &a.units);
        let unit = principal_units.flat_map(|u| std::iter::once(u).chain(&u.subordinates)).find(|u| u.name == name)?;
        Some((app, unit))
    }
}
