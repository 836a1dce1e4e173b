//! The model's verbs: what `juju deploy`, `relate`, `add-unit`, `config`, … do to the state the
//! controller keeps, as turmoil's `World` owns its changes.
//!
//! A verb checks its arguments as Juju does (with the same kinds of messages), changes the
//! model and pushes the trace events it causes onto `events`, in order. What is not the
//! model's stays with the engine: a unit's machine (the backend makes it between
//! [`Model::new_unit`] and [`Model::place_unit`]), the unit agents' reaction to a change
//! (entering scope, reaping: [`crate::uniter`]), and writing the trace.

use super::formula::{check_option, load_deployable};
use super::{
    join, Application, Life, Model, PendingAction, Relation, RelationEnd, StatusInfo, Unit, Value, WorkloadVersion,
};
use crate::base::Release;
use crate::error::{err, SimError};
use crate::scenario::EndpointRef;
use crate::trace::{self, ApplicationNamed, Event, RelationNamed, UnitNamed};
use formula_sdk::format::{Formula, Role};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A unit the model has named, whose machine the engine makes next.
#[derive(Clone, Debug)]
pub struct NewUnit {
    /// `app/N` (numbers are never reused).
    pub name: String,
    /// Its application.
    pub app: String,
    /// The application's charm version, which the unit's agent starts at.
    pub charm_version: u64,
    /// The formula to copy into the unit.
    pub formula_dir: PathBuf,
    /// Whether its hooks may reach the machine's network.
    pub host_network: bool,
    /// The release its machine answers as.
    pub release: Release,
    /// For a subordinate unit, the principal unit whose machine it shares.
    pub principal: Option<String>,
}

/// Where an application's units go, besides its formula and config: what `juju deploy`
/// takes as `--series` (or `--base`) and our `network: host`.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// Whether its hooks may reach the machine's network.
    pub host_network: bool,
    /// The series or base asked for (`trusty`, `ubuntu@22.04`), if any.
    pub series: Option<String>,
}

impl Model {
    /// An empty model named `name`, with a uuid derived from the name (runs must not differ).
    pub fn new(name: &str) -> Model {
        let uuid = model_uuid(name);
        let secrets = super::Secrets { salt: uuid.clone(), ..super::Secrets::default() };
        Model { name: name.to_string(), uuid, secrets, ..Model::default() }
    }

    /// `juju deploy`: adds application `name` running the formula in `formula_dir`, with
    /// `config` set, and its peer relations; returns their ids. Its `units` units are added
    /// by the engine ([`Model::new_unit`]), which makes their machines.
    pub fn deploy(
        &mut self,
        name: &str,
        formula_dir: &Path,
        units: u32,
        config: BTreeMap<String, Value>,
        placement: Placement,
        events: &mut Vec<Event>,
    ) -> Result<Vec<i64>, SimError> {
        if self.apps.contains_key(name) {
            return err(format!("application `{name}` is already deployed"));
        }
        if !formula_sdk::format::names::is_valid_application_name(name) {
            return err(format!("`{name}` is not a valid application name (lowercase letters, digits and hyphens, starting with a letter)"));
        }
        let formula = load_deployable(formula_dir)?;
        if formula.metadata.subordinate && units > 0 {
            // Juju deploys a subordinate with no units: they come with its relations (spec §6.6).
            return err(format!(
                "application `{name}` runs a subordinate formula, which is deployed without units; \
                 Juju adds one beside each principal unit of a container-scoped relation"
            ));
        }
        let release = self.release_for(&placement, &formula);
        let formula_subordinate = formula.metadata.subordinate;
        let mut app = Application {
            name: name.to_string(),
            formula: Arc::new(formula),
            formula_dir: formula_dir.to_path_buf(),
            charm_version: 1,
            config_set: BTreeMap::new(),
            config_version: 1,
            leader: None,
            leader_settings: BTreeMap::new(),
            leader_settings_version: 0,
            next_unit: 0,
            life: Life::Alive,
            status: StatusInfo::default(),
            host_network: placement.host_network,
            release,
            subordinate: formula_subordinate,
            trusted: false,
            resources: BTreeMap::new(),
        };
        for (key, value) in config {
            let value = check_option(&app.formula, &key, value)?;
            app.config_set.insert(key, value);
        }
        let peers: Vec<RelationEnd> = ends(name, &app.formula).into_iter().filter(|e| e.role == Role::Peer).collect();
        events.push(Event::Deploy(trace::Deploy { application: name.to_string(), formula: app.formula.name(), units }));
        self.apps.insert(name.to_string(), app);
        Ok(peers.into_iter().map(|end| self.add_relation(vec![end], events)).collect())
    }

    /// The release an application's machines answer as, chosen as Juju chooses a series: the
    /// one asked for; else the model's default if the formula lists it (or lists none); else
    /// the formula's first; else Juju's default ([`crate::base::release::DEFAULT_SERIES`]).
    fn release_for(&self, placement: &Placement, formula: &Formula) -> Release {
        if let Some(release) = placement.series.as_deref().and_then(Release::find) {
            return release;
        }
        let listed: Vec<Release> = formula.metadata.series.iter().filter_map(|s| Release::find(s)).collect();
        if let Some(default) = self.default_series.as_deref().and_then(Release::find) {
            if listed.is_empty() || listed.contains(&default) {
                return default;
            }
        }
        listed.first().copied().unwrap_or_default()
    }

    /// `juju add-unit`, first half: names the next unit of `app` (the first unit leads).
    pub fn new_unit(&mut self, app: &str) -> Result<NewUnit, SimError> {
        let Some(application) = self.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        if application.life == Life::Dying {
            return err(format!("application `{app}` is being removed"));
        }
        if application.subordinate {
            // Juju's words (state/application.go `AddUnit`, spec §6.6).
            return err(format!("cannot add unit to application \"{app}\": application is a subordinate"));
        }
        self.next_unit_of(app, None)
    }

    /// Names the next unit of `app`, on the machine of `principal` for a subordinate (the first
    /// unit leads).
    pub(super) fn next_unit_of(&mut self, app: &str, principal: Option<&str>) -> Result<NewUnit, SimError> {
        let Some(application) = self.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        let name = format!("{app}/{}", application.next_unit);
        application.next_unit += 1;
        if application.leader.is_none() {
            application.leader = Some(name.clone());
        }
        Ok(NewUnit {
            name,
            app: app.to_string(),
            charm_version: application.charm_version,
            formula_dir: application.formula_dir.clone(),
            host_network: application.host_network,
            release: application.release,
            principal: principal.map(str::to_string),
        })
    }

    /// `juju add-unit`, second half: the unit, its machine made at `address`, joins the model
    /// with `status`.
    pub fn place_unit(&mut self, unit: &NewUnit, address: &str, status: StatusInfo, events: &mut Vec<Event>) {
        let name = unit.name.clone();
        // A unit starts with an empty version, set at its creation (state `addUnitOps`).
        self.version_writes += 1;
        let workload_version = WorkloadVersion { version: String::new(), set_at: self.version_writes };
        self.units.insert(
            name.clone(),
            Unit {
                name: name.clone(),
                app: unit.app.clone(),
                life: Life::Alive,
                status,
                status_set: false,
                address: address.to_string(),
                ports: Default::default(),
                state: BTreeMap::new(),
                actions: Vec::new(),
                action_results: Vec::new(),
                log: Vec::new(),
                principal: unit.principal.clone(),
                workload_version,
                resources: BTreeMap::new(),
            },
        );
        self.attach_initial_storage(&name);
        events.push(Event::AddUnit(UnitNamed { unit: name }));
    }

    /// Adds a relation between `ends` (one end: a peer relation); returns its id.
    pub(super) fn add_relation(&mut self, ends: Vec<RelationEnd>, events: &mut Vec<Event>) -> i64 {
        let id = self.next_relation_id;
        self.next_relation_id += 1;
        let relation = Relation {
            id,
            ends,
            life: Life::Alive,
            scope: Default::default(),
            unit_bags: BTreeMap::new(),
            app_bags: BTreeMap::new(),
        };
        let key = relation.key();
        self.relations.insert(id, relation);
        events.push(Event::Relate(trace::Relate { relation: id, key }));
        id
    }

    /// `juju relate`: relates two endpoints; returns the relation's id.
    pub fn relate(&mut self, a: &EndpointRef, b: &EndpointRef, events: &mut Vec<Event>) -> Result<i64, SimError> {
        let (l, r) = self.resolve_pair(a, b)?;
        let key = {
            let mut k = [format!("{}:{}", l.app, l.endpoint), format!("{}:{}", r.app, r.endpoint)];
            k.sort();
            k.join(" ")
        };
        if self.relations.values().any(|rel| rel.key() == key && rel.life == Life::Alive) {
            return err(format!("relation `{key}` already exists"));
        }
        let (l, r) = self.container_scoped(l, r, &key)?;
        Ok(self.add_relation(vec![l, r], events))
    }

    /// `juju remove-relation`: the relation begins to go (its units run departed and broken).
    pub fn unrelate(&mut self, a: &EndpointRef, b: &EndpointRef, events: &mut Vec<Event>) -> Result<(), SimError> {
        let (l, r) = self.resolve_pair(a, b)?;
        let Some(relation) =
            self.relations.values_mut().find(|rel| rel.has_end(&l) && rel.has_end(&r) && rel.life == Life::Alive)
        else {
            return err(format!("there is no relation between `{a}` and `{b}`"));
        };
        relation.life = Life::Dying;
        events.push(Event::Unrelate(RelationNamed { relation: relation.id }));
        Ok(())
    }

    /// `juju remove-unit`: the unit begins to go (it tears down its relations, stops and goes).
    pub fn remove_unit(&mut self, unit: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let Some(u) = self.units.get_mut(unit) else {
            return err(self.unknown_unit(unit));
        };
        u.life = Life::Dying;
        events.push(Event::RemoveUnit(UnitNamed { unit: unit.to_string() }));
        Ok(())
    }

    /// `juju remove-application`: the application begins to go, with its units and relations.
    pub fn remove_application(&mut self, app: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let Some(a) = self.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        a.life = Life::Dying;
        for u in self.units.values_mut().filter(|u| u.app == app) {
            u.life = Life::Dying;
        }
        for r in self.relations.values_mut().filter(|r| r.involves(app)) {
            r.life = Life::Dying;
        }
        events.push(Event::RemoveApplication(ApplicationNamed { application: app.to_string() }));
        Ok(())
    }

    /// `juju config`: sets values (`Null` resets to the default); the config version moves
    /// when the config hooks see changes.
    pub fn config(
        &mut self,
        app: &str,
        values: BTreeMap<String, Value>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let Some(a) = self.apps.get(app) else {
            return err(self.unknown_app(app));
        };
        let before = a.effective_config();
        let formula = a.formula.clone();
        let mut checked = Vec::new();
        for (key, value) in values {
            checked.push((key.clone(), check_option(&formula, &key, value)?));
        }
        let Some(a) = self.apps.get_mut(app) else {
            return err("application vanished");
        };
        for (key, value) in checked {
            if value == Value::Null {
                a.config_set.remove(&key);
            } else {
                a.config_set.insert(key, value);
            }
        }
        if a.effective_config() != before {
            a.config_version += 1;
        }
        let version = a.config_version;
        events.push(Event::Config(trace::Config { application: app.to_string(), version }));
        Ok(())
    }

    /// `juju refresh`: upgrades `app` to the formula in `formula_dir` (same name); options it
    /// no longer has are dropped.
    pub fn upgrade(&mut self, app: &str, formula_dir: &Path, events: &mut Vec<Event>) -> Result<(), SimError> {
        let formula = load_deployable(formula_dir)?;
        let Some(a) = self.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        if formula.name() != a.formula.name() {
            return err(format!(
                "cannot upgrade `{app}` from formula `{}` to `{}`: names differ",
                a.formula.name(),
                formula.name()
            ));
        }
        let stale: Vec<String> = a.config_set.keys().filter(|k| formula.config.option(k).is_none()).cloned().collect();
        for key in stale {
            a.config_set.remove(&key);
        }
        a.formula = Arc::new(formula);
        a.formula_dir = formula_dir.to_path_buf();
        a.charm_version += 1;
        let version = a.charm_version;
        events.push(Event::Upgrade(trace::Upgrade { application: app.to_string(), charm_version: version }));
        Ok(())
    }

    /// `juju run`: queues the action `name` on `unit`, with its parameters' defaults filled
    /// in; returns its id.
    pub fn queue_action(
        &mut self,
        unit: &str,
        name: &str,
        params: BTreeMap<String, Value>,
        events: &mut Vec<Event>,
    ) -> Result<u64, SimError> {
        let Some(u) = self.units.get(unit) else {
            return err(self.unknown_unit(unit));
        };
        let app = self.apps.get(&u.app).ok_or_else(|| SimError("no application".into()))?;
        let Some(spec) = app.formula.actions.action(name) else {
            let known: Vec<&String> = app.formula.actions.actions.iter().map(|a| &a.name.value).collect();
            return err(format!(
                "formula `{}` has no action `{name}`; its actions: {}",
                app.formula.name(),
                join(&known)
            ));
        };
        for required in &spec.required {
            if !params.contains_key(required) {
                return err(format!("action `{name}` needs parameter `{required}`"));
            }
        }
        let mut params = params;
        if let Some(props) = spec.params.as_object() {
            for (key, schema) in props {
                if let Some(default) = schema.get("default") {
                    params.entry(key.clone()).or_insert_with(|| Value::from_json(default));
                }
            }
        }
        let id = self.next_action_id;
        self.next_action_id += 1;
        if let Some(u) = self.units.get_mut(unit) {
            u.actions.push(PendingAction { id, name: name.to_string(), params });
        }
        events.push(Event::Action(trace::Action { unit: unit.to_string(), name: name.to_string(), id }));
        Ok(id)
    }

    /// Leadership of its application goes to `unit` (an alive unit).
    pub fn elect(&mut self, unit: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let Some(u) = self.units.get(unit) else {
            return err(self.unknown_unit(unit));
        };
        if u.life != Life::Alive {
            return err(format!("unit `{unit}` is being removed and cannot lead"));
        }
        let app = u.app.clone();
        if let Some(a) = self.apps.get_mut(&app) {
            a.leader = Some(unit.to_string());
        }
        events.push(Event::Elect(UnitNamed { unit: unit.to_string() }));
        Ok(())
    }

    /// The update-status timer fires: every started unit runs update-status.
    pub fn tick_update_status(&mut self, events: &mut Vec<Event>) {
        self.update_status_tick += 1;
        events.push(Event::UpdateStatus(trace::UpdateStatus { tick: self.update_status_tick }));
    }

    /// The message for an application that is not in the model.
    pub fn unknown_app(&self, app: &str) -> String {
        let known: Vec<&String> = self.apps.keys().collect();
        format!("unknown application `{app}`; known: {}", join(&known))
    }

    /// The message for a unit that is not in the model.
    pub fn unknown_unit(&self, unit: &str) -> String {
        let known: Vec<&String> = self.units.keys().collect();
        format!("unknown unit `{unit}`; known: {}", join(&known))
    }

    /// Resolves `a` and `b` to two endpoints that can relate (endpoint names may be omitted
    /// when the interface makes them unique).
    fn resolve_pair(&self, a: &EndpointRef, b: &EndpointRef) -> Result<(RelationEnd, RelationEnd), SimError> {
        let candidates = |r: &EndpointRef| -> Result<Vec<RelationEnd>, SimError> {
            let Some(app) = self.apps.get(&r.app) else {
                return err(self.unknown_app(&r.app));
            };
            let all: Vec<RelationEnd> =
                ends(&r.app, &app.formula).into_iter().filter(|e| e.role != Role::Peer).collect();
            match &r.endpoint {
                Some(name) => {
                    let found: Vec<RelationEnd> = all.iter().filter(|e| &e.endpoint == name).cloned().collect();
                    if found.is_empty() {
                        let known: Vec<String> = all
                            .iter()
                            .map(|e| format!("{}:{} ({} {})", e.app, e.endpoint, e.role.section(), e.interface))
                            .collect();
                        return err(format!(
                            "application `{}` has no endpoint `{name}`; its endpoints: {}",
                            r.app,
                            join(&known)
                        ));
                    }
                    Ok(found)
                }
                None => Ok(all),
            }
        };
        let left = candidates(a)?;
        let right = candidates(b)?;
        let mut matches = Vec::new();
        for l in &left {
            for r in &right {
                if l.interface == r.interface && l.role.can_relate(r.role) {
                    matches.push((l.clone(), r.clone()));
                }
            }
        }
        // A container-scoped pair needs a subordinate (spec §6.6); said in Juju's words when no
        // other pair is left.
        let scoped: Vec<_> = matches.iter().filter(|(l, r)| self.container_scope_ok(l, r)).cloned().collect();
        if scoped.is_empty() && !matches.is_empty() {
            let (l, r) = &matches[0];
            let mut key = [format!("{}:{}", l.app, l.endpoint), format!("{}:{}", r.app, r.endpoint)];
            key.sort();
            return self.container_scoped(l.clone(), r.clone(), &key.join(" "));
        }
        matches = scoped;
        // Ambiguity is settled, as Juju settles it, by leaving out the implicit `juju-info`.
        if matches.len() > 1 {
            let explicit: Vec<_> =
                matches.iter().filter(|(l, r)| !is_implicit(l) && !is_implicit(r)).cloned().collect();
            if explicit.len() == 1 {
                matches = explicit;
            }
        }
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => err(format!(
                "no relation between `{a}` and `{b}`: it needs a provides and a requires endpoint of one interface"
            )),
            _ => {
                let options: Vec<String> = matches
                    .iter()
                    .map(|(l, r)| format!("[{}:{}, {}:{}]", l.app, l.endpoint, r.app, r.endpoint))
                    .collect();
                err(format!("`{a}` and `{b}` can relate in several ways; name the endpoints: {}", options.join(", ")))
            }
        }
    }
}

/// The relation ends of application `app` running `formula`, in the order of its metadata,
/// then the implicit `juju-info` every formula provides (spec §1.3).
fn ends(app: &str, formula: &Formula) -> Vec<RelationEnd> {
    let mut ends: Vec<RelationEnd> = formula
        .metadata
        .endpoints
        .iter()
        .map(|e| RelationEnd {
            app: app.to_string(),
            endpoint: e.name.value.clone(),
            role: e.role,
            interface: e.interface.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
            scope: e.scope,
        })
        .collect();
    if !ends.iter().any(|e| e.endpoint == super::subordinate::JUJU_INFO) {
        ends.push(super::subordinate::juju_info(app));
    }
    ends
}

/// Whether `end` is the implicit `juju-info` endpoint.
fn is_implicit(end: &RelationEnd) -> bool {
    end.endpoint == super::subordinate::JUJU_INFO && end.role == Role::Provider
}

/// A fixed, valid-looking model uuid derived from the model name (runs must not differ).
fn model_uuid(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x1000_0000_01b3);
    }
    let hex = format!("{h:016x}{:016x}", h.rotate_left(17) ^ 0x5ca1_ab1e_f0f0_0d00);
    format!("{}-{}-4{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}
