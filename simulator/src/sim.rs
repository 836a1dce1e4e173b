//! The engine: one thread, one hook at a time, every choice from the seed.
//!
//! [`Sim`] owns the model and one [`Agent`] per unit. Each [`Sim::step`] lets the seed pick a
//! unit that has work, lets it act on a fresh or a stale snapshot, runs the one hook its
//! resolver derives (a real process in the unit, with hook tools that answer from the model),
//! then commits the hook's buffered writes if it exited 0, or discards them and puts the unit
//! in error. Serial hooks with commit at exit are equivalent to Juju's concurrent agents,
//! because no hook can see another's uncommitted writes.

use crate::agent::{Agent, HookError, Snapshot};
use crate::backend::{self, Backend, Capture, ProcessSpec, UnitPlaces};
use crate::choice::Choices;
use crate::fault::{FaultState, Faults, HookFault, StepFault};
use crate::hook::{Hook, HookKind};
use crate::hook_context::{ActionRun, Buffers, SimContext};
use crate::model::{
    self, ActionResult, Application, Life, Model, PendingAction, Relation, RelationEnd, StatusInfo, Unit, Value,
};
use crate::runner::wasm::{WasmExit, WasmHook, WasmRunner};
use crate::scenario::EndpointRef;
use crate::server::{ServerEvent, ToolServer};
use crate::trace::{self, ApplicationNamed, Event, FaultKind, HookCount, RelationNamed, TraceSink, UnitNamed};
use crate::wire::Response;
use formula_sdk::format::{Formula, Role};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Called with each hook that ran (the live log).
pub type HookCallback = Box<dyn FnMut(&HookRecord)>;

/// How much of a hook's stdout and stderr the trace keeps.
const MAX_OUTPUT: usize = 64 * 1024;

/// The default fuel of a WebAssembly hook: some seconds of work, far more than a hook needs.
pub const DEFAULT_HOOK_FUEL: u64 = 10_000_000_000;

/// An error that stops a run (as opposed to a hook failing, which the model records).
#[derive(Debug)]
pub struct SimError(pub String);

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

fn err<T>(message: impl Into<String>) -> Result<T, SimError> {
    Err(SimError(message.into()))
}

/// How a run is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed.
    pub seed: u64,
    /// Replay these choices instead of drawing from the seed.
    pub choices: Option<Vec<usize>>,
    /// The `formula` executable the hook tools link to.
    pub tool_binary: PathBuf,
    /// The run's directory (units, sockets, output); must exist.
    pub root: PathBuf,
    /// How long a hook may run before it is killed.
    pub hook_timeout: Duration,
    /// The most hooks one settle may run.
    pub max_hooks: u64,
    /// How often (percent) a unit acts on its previous snapshot instead of a fresh one.
    pub stale_percent: u32,
    /// Model name.
    pub model_name: String,
    /// Hooks that open a shell instead of running, as `juju debug-hooks` does.
    pub debug_hooks: Vec<DebugHooks>,
    /// Instructions a WebAssembly hook may execute before it fails (deterministic).
    pub hook_fuel: u64,
    /// Run a formula's native hooks even where it has WebAssembly ones.
    pub native_hooks: bool,
    /// Faults to inject (none by default).
    pub faults: Faults,
    /// The scenario file, recorded in the trace's `run` event so that it can be replayed.
    pub scenario: Option<String>,
}

/// A `--debug-hooks UNIT[:HOOK]` target: when the unit is about to run the hook (any hook,
/// without one), a shell opens on the simulator's terminal in the unit, in the hook's
/// directory and environment, with working hook tools; the hook itself does not run. The
/// shell's exit status is the hook's: `exit 0` commits what the shell wrote, anything else
/// fails the hook. No timeout applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugHooks {
    /// The unit (`wiki/0`).
    pub unit: String,
    /// The hook (`db-relation-changed`), or every hook.
    pub hook: Option<String>,
}

impl DebugHooks {
    /// Reads `UNIT[:HOOK]`.
    pub fn parse(text: &str) -> Result<DebugHooks, String> {
        let (unit, hook) = match text.split_once(':') {
            Some((unit, hook)) => (unit, Some(hook.to_string()).filter(|h| !h.is_empty())),
            None => (text, None),
        };
        if !unit.split_once('/').is_some_and(|(app, n)| !app.is_empty() && n.parse::<u32>().is_ok()) {
            return Err(format!("`{text}` is not UNIT[:HOOK], with a unit like `wiki/0`"));
        }
        Ok(DebugHooks { unit: unit.to_string(), hook })
    }

    fn matches(&self, unit: &str, hook: &str) -> bool {
        self.unit == unit && self.hook.as_deref().is_none_or(|h| h == hook)
    }
}

impl Config {
    /// Defaults for a run in `root` with tools from `tool_binary`.
    pub fn new(root: &Path, tool_binary: &Path) -> Config {
        Config {
            seed: 0,
            choices: None,
            tool_binary: tool_binary.to_path_buf(),
            root: root.to_path_buf(),
            hook_timeout: Duration::from_secs(300),
            max_hooks: 10_000,
            stale_percent: 25,
            model_name: "sim".into(),
            debug_hooks: Vec::new(),
            hook_fuel: DEFAULT_HOOK_FUEL,
            native_hooks: false,
            faults: Faults::default(),
            scenario: None,
        }
    }
}

/// A hook that ran, for the live log and for tests.
#[derive(Clone, Debug)]
pub struct HookRecord {
    /// Step number.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook.
    pub hook: Hook,
    /// `ok`, `failed (exit N)`, `missing`, `timeout`, …
    pub result: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// Relation keys written.
    pub keys_written: Vec<String>,
    /// Output of a failed hook.
    pub output: String,
}

/// A simulation.
pub struct Sim {
    cfg: Config,
    /// The model.
    pub model: Model,
    /// The unit agents.
    pub agents: BTreeMap<String, Agent>,
    choices: Choices,
    sink: Box<dyn TraceSink>,
    backend: Box<dyn Backend>,
    server: ToolServer,
    places: BTreeMap<String, UnitPlaces>,
    stubs: BTreeMap<String, BTreeMap<String, String>>,
    fail_next: BTreeMap<String, Vec<Option<String>>>,
    /// Hook names run per unit, in order.
    pub hooks_run: BTreeMap<String, Vec<String>>,
    /// Hooks run in all.
    pub hook_count: u64,
    /// Tool calls Juju refused, in order.
    pub refused: Vec<crate::misuse::RefusedCall>,
    step_no: u64,
    unit_counter: u32,
    serial: u64,
    root_text: String,
    recent: Vec<String>,
    draws_seen: usize,
    faults: FaultState,
    /// Called with each hook that ran.
    pub on_hook: Option<HookCallback>,
    /// Runs WebAssembly hooks; started by the first one.
    wasm: Option<WasmRunner>,
}

impl Sim {
    /// A new, empty model with `backend` for units and `sink` for the trace.
    pub fn new(cfg: Config, backend: Box<dyn Backend>, sink: Box<dyn TraceSink>) -> Result<Sim, SimError> {
        let tools = cfg.root.join("tools");
        std::fs::create_dir_all(&tools).map_err(|e| SimError(format!("cannot create {}: {e}", tools.display())))?;
        for name in crate::tools::TOOL_NAMES {
            let link = tools.join(name);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&cfg.tool_binary, &link)
                .map_err(|e| SimError(format!("cannot link hook tool {name}: {e}")))?;
        }
        let server = ToolServer::start(&cfg.root.join("agent.socket"))
            .map_err(|e| SimError(format!("cannot start the hook-tool server: {e}")))?;
        let choices = match &cfg.choices {
            Some(list) => Choices::recorded(list.clone()),
            None => Choices::seeded(cfg.seed),
        };
        let root_text = cfg.root.to_string_lossy().into_owned();
        let model = Model {
            name: cfg.model_name.clone(),
            uuid: model_uuid(&cfg.model_name),
            next_relation_id: 0,
            ..Model::default()
        };
        let mut sim = Sim {
            cfg,
            model,
            agents: BTreeMap::new(),
            choices,
            sink,
            backend,
            server,
            places: BTreeMap::new(),
            stubs: BTreeMap::new(),
            fail_next: BTreeMap::new(),
            hooks_run: BTreeMap::new(),
            hook_count: 0,
            refused: Vec::new(),
            step_no: 0,
            unit_counter: 0,
            serial: 0,
            root_text,
            recent: Vec::new(),
            draws_seen: 0,
            faults: FaultState::default(),
            on_hook: None,
            wasm: None,
        };
        // What a replay needs besides the choices, written only when set (older traces stay valid).
        let run = trace::Run {
            seed: sim.cfg.seed,
            backend: sim.backend.name().to_string(),
            model: sim.model.name.clone(),
            scenario: sim.cfg.scenario.clone(),
            faults: (!sim.cfg.faults.is_off()).then(|| sim.cfg.faults.spec()),
            replay: sim.cfg.choices.is_some(),
        };
        sim.emit(Event::Run(run));
        Ok(sim)
    }

    fn emit(&mut self, event: Event) {
        self.sink.event(&event);
    }

    fn scrub(&self, text: &str) -> String {
        trace::scrub(text, &self.root_text)
    }

    /// The name of the backend units live in (`host`, `ns`, …).
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.cfg.seed
    }

    /// The faults the run injects.
    pub fn faults(&self) -> Faults {
        self.cfg.faults
    }

    /// The recorded choices so far.
    pub fn choices(&self) -> &Choices {
        &self.choices
    }

    /// The units' places.
    pub fn places(&self, unit: &str) -> Option<&UnitPlaces> {
        self.places.get(unit)
    }

    /// The backend.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    /// Commands replaced in an application's units (`*`: all).
    pub fn set_stubs(&mut self, stubs: BTreeMap<String, BTreeMap<String, String>>) {
        self.stubs = stubs;
    }

    /// Deploys `formula_dir` as application `name` with `units` units and `config` set.
    pub fn deploy(
        &mut self,
        name: &str,
        formula_dir: &Path,
        units: u32,
        config: BTreeMap<String, Value>,
        host_network: bool,
    ) -> Result<(), SimError> {
        if self.model.apps.contains_key(name) {
            return err(format!("application `{name}` is already deployed"));
        }
        if !formula_sdk::lint::bundle::is_valid_application_name(name) {
            return err(format!("`{name}` is not a valid application name (lowercase letters, digits and hyphens, starting with a letter)"));
        }
        let formula = load_deployable(formula_dir)?;
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
            workload_version: String::new(),
            host_network,
        };
        for (key, value) in config {
            let value = check_option(&app.formula, &key, value)?;
            app.config_set.insert(key, value);
        }
        let peers: Vec<RelationEnd> = app
            .formula
            .metadata
            .endpoints
            .iter()
            .filter(|e| e.role == Role::Peer)
            .map(|e| RelationEnd {
                app: name.to_string(),
                endpoint: e.name.value.clone(),
                role: Role::Peer,
                interface: e.interface.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
                scope: e.scope,
            })
            .collect();
        self.emit(Event::Deploy(trace::Deploy { application: name.to_string(), formula: app.formula.name(), units }));
        self.model.apps.insert(name.to_string(), app);
        for end in peers {
            self.add_relation(vec![end]);
        }
        for _ in 0..units {
            self.add_unit(name)?;
        }
        Ok(())
    }

    /// Adds a unit to `app`; returns its name.
    pub fn add_unit(&mut self, app: &str) -> Result<String, SimError> {
        let Some(application) = self.model.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        if application.life == Life::Dying {
            return err(format!("application `{app}` is being removed"));
        }
        let name = format!("{app}/{}", application.next_unit);
        application.next_unit += 1;
        let charm_version = application.charm_version;
        let formula_dir = application.formula_dir.clone();
        let host_network = application.host_network;
        if application.leader.is_none() {
            application.leader = Some(name.clone());
        }
        let index = self.unit_counter;
        self.unit_counter += 1;
        let places = self
            .backend
            .create_unit(&name, index, host_network)
            .map_err(|e| SimError(format!("cannot create unit {name}: {e}")))?;
        backend::copy_formula(&formula_dir, &places.charm_dir_host)
            .map_err(|e| SimError(format!("cannot copy the formula into {name}: {e}")))?;
        self.write_stubs(&name, &places)?;
        self.model.units.insert(
            name.clone(),
            Unit {
                name: name.clone(),
                app: app.to_string(),
                life: Life::Alive,
                status: StatusInfo {
                    status: "waiting".into(),
                    message: "waiting for machine".into(),
                    data: BTreeMap::new(),
                },
                status_set: false,
                address: places.address.clone(),
                ports: Default::default(),
                state: BTreeMap::new(),
                actions: Vec::new(),
                action_results: Vec::new(),
                log: Vec::new(),
            },
        );
        self.places.insert(name.clone(), places);
        self.agents.insert(name.clone(), Agent::new(&name, charm_version));
        self.emit(Event::AddUnit(UnitNamed { unit: name.clone() }));
        Ok(name)
    }

    fn write_stubs(&self, unit: &str, places: &UnitPlaces) -> Result<(), SimError> {
        let app = model::unit_app(unit);
        let mut commands: BTreeMap<&String, &String> = BTreeMap::new();
        for owner in ["*", app] {
            if let Some(list) = self.stubs.get(owner) {
                commands.extend(list.iter());
            }
        }
        let dir = places.dir.join("stubs");
        std::fs::create_dir_all(&dir).map_err(|e| SimError(format!("cannot create stubs for {unit}: {e}")))?;
        let log = places.dir.join("stub-calls.log");
        for (name, body) in commands {
            let script = format!(
                "#!/bin/sh\n{{ printf '%s' '{name}'; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; printf '\\n'; }} >> '{}'\n{body}\n",
                log.display()
            );
            let path = dir.join(name);
            std::fs::write(&path, script).map_err(|e| SimError(format!("cannot write stub {name}: {e}")))?;
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
        Ok(())
    }

    fn unknown_app(&self, app: &str) -> String {
        let known: Vec<&String> = self.model.apps.keys().collect();
        format!("unknown application `{app}`; known: {}", join(&known))
    }

    fn unknown_unit(&self, unit: &str) -> String {
        let known: Vec<&String> = self.model.units.keys().collect();
        format!("unknown unit `{unit}`; known: {}", join(&known))
    }

    fn add_relation(&mut self, ends: Vec<RelationEnd>) -> i64 {
        let id = self.model.next_relation_id;
        self.model.next_relation_id += 1;
        let relation = Relation {
            id,
            ends,
            life: Life::Alive,
            scope: Default::default(),
            unit_bags: BTreeMap::new(),
            app_bags: BTreeMap::new(),
        };
        let key = relation.key();
        // Installed units of both applications enter scope at once (their agents would on
        // their next look at the model).
        let installed: Vec<String> = self
            .model
            .units
            .values()
            .filter(|u| relation.involves(&u.app) && u.life == Life::Alive)
            .filter(|u| self.agents.get(&u.name).is_some_and(|a| a.installed))
            .map(|u| u.name.clone())
            .collect();
        self.model.relations.insert(id, relation);
        for unit in installed {
            self.enter_scope(id, &unit);
        }
        self.emit(Event::Relate(trace::Relate { relation: id, key }));
        id
    }

    /// Resolves `a` and `b` to two endpoints that can relate (endpoint names may be omitted
    /// when the interface makes them unique).
    fn resolve_pair(&self, a: &EndpointRef, b: &EndpointRef) -> Result<(RelationEnd, RelationEnd), SimError> {
        let candidates = |r: &EndpointRef| -> Result<Vec<RelationEnd>, SimError> {
            let Some(app) = self.model.apps.get(&r.app) else {
                return err(self.unknown_app(&r.app));
            };
            let all: Vec<RelationEnd> = app
                .formula
                .metadata
                .endpoints
                .iter()
                .filter(|e| e.role != Role::Peer)
                .map(|e| RelationEnd {
                    app: r.app.clone(),
                    endpoint: e.name.value.clone(),
                    role: e.role,
                    interface: e.interface.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
                    scope: e.scope,
                })
                .collect();
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

    /// Relates two endpoints.
    pub fn relate(&mut self, a: &EndpointRef, b: &EndpointRef) -> Result<i64, SimError> {
        let (l, r) = self.resolve_pair(a, b)?;
        let key = {
            let mut k = [format!("{}:{}", l.app, l.endpoint), format!("{}:{}", r.app, r.endpoint)];
            k.sort();
            k.join(" ")
        };
        if self.model.relations.values().any(|rel| rel.key() == key && rel.life == Life::Alive) {
            return err(format!("relation `{key}` already exists"));
        }
        Ok(self.add_relation(vec![l, r]))
    }

    /// Removes a relation: its units run departed and broken, then it is gone.
    pub fn unrelate(&mut self, a: &EndpointRef, b: &EndpointRef) -> Result<(), SimError> {
        let (l, r) = self.resolve_pair(a, b)?;
        let Some(relation) = self
            .model
            .relations
            .values_mut()
            .find(|rel| rel.ends.contains(&l) && rel.ends.contains(&r) && rel.life == Life::Alive)
        else {
            return err(format!("there is no relation between `{a}` and `{b}`"));
        };
        relation.life = Life::Dying;
        let id = relation.id;
        self.emit(Event::Unrelate(RelationNamed { relation: id }));
        self.reap_relations();
        Ok(())
    }

    /// Removes a unit: it tears down its relations, stops and goes.
    pub fn remove_unit(&mut self, unit: &str) -> Result<(), SimError> {
        let Some(u) = self.model.units.get_mut(unit) else {
            return err(self.unknown_unit(unit));
        };
        u.life = Life::Dying;
        self.emit(Event::RemoveUnit(UnitNamed { unit: unit.to_string() }));
        Ok(())
    }

    /// Removes an application with all its units and relations.
    pub fn remove_application(&mut self, app: &str) -> Result<(), SimError> {
        let Some(a) = self.model.apps.get_mut(app) else {
            return err(self.unknown_app(app));
        };
        a.life = Life::Dying;
        for u in self.model.units.values_mut().filter(|u| u.app == app) {
            u.life = Life::Dying;
        }
        for r in self.model.relations.values_mut().filter(|r| r.involves(app)) {
            r.life = Life::Dying;
        }
        self.emit(Event::RemoveApplication(ApplicationNamed { application: app.to_string() }));
        self.reap_relations();
        self.reap_applications();
        Ok(())
    }

    /// Sets config values (`Null` resets to the default).
    pub fn config(&mut self, app: &str, values: BTreeMap<String, Value>) -> Result<(), SimError> {
        let Some(a) = self.model.apps.get(app) else {
            return err(self.unknown_app(app));
        };
        let before = a.effective_config();
        let formula = a.formula.clone();
        let mut checked = Vec::new();
        for (key, value) in values {
            checked.push((key.clone(), check_option(&formula, &key, value)?));
        }
        let Some(a) = self.model.apps.get_mut(app) else {
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
        self.emit(Event::Config(trace::Config { application: app.to_string(), version }));
        Ok(())
    }

    /// Upgrades `app` to the formula in `formula_dir`.
    pub fn upgrade(&mut self, app: &str, formula_dir: &Path) -> Result<(), SimError> {
        let formula = load_deployable(formula_dir)?;
        let Some(a) = self.model.apps.get_mut(app) else {
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
        self.emit(Event::Upgrade(trace::Upgrade { application: app.to_string(), charm_version: version }));
        Ok(())
    }

    /// Queues an action on a unit.
    pub fn action(&mut self, unit: &str, name: &str, params: BTreeMap<String, Value>) -> Result<u64, SimError> {
        let Some(u) = self.model.units.get(unit) else {
            return err(self.unknown_unit(unit));
        };
        let app = self.model.apps.get(&u.app).ok_or_else(|| SimError("no application".into()))?;
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
        let id = self.model.next_action_id;
        self.model.next_action_id += 1;
        if let Some(u) = self.model.units.get_mut(unit) {
            u.actions.push(PendingAction { id, name: name.to_string(), params });
        }
        self.emit(Event::Action(trace::Action { unit: unit.to_string(), name: name.to_string(), id }));
        Ok(id)
    }

    /// Makes the next hook of `unit` (named `hook`, if given) fail.
    pub fn fail_next_hook(&mut self, unit: &str, hook: Option<&str>) -> Result<(), SimError> {
        if !self.model.units.contains_key(unit) {
            return err(self.unknown_unit(unit));
        }
        self.fail_next.entry(unit.to_string()).or_default().push(hook.map(str::to_string));
        Ok(())
    }

    /// Resolves a unit in error: retries its failed hook, or marks it done (`retry` false).
    pub fn resolve(&mut self, unit: &str, retry: bool) -> Result<(), SimError> {
        if !self.model.units.contains_key(unit) {
            return err(self.unknown_unit(unit));
        }
        let Some(agent) = self.agents.get_mut(unit) else {
            return err(self.unknown_unit(unit));
        };
        let Some(error) = agent.error.take() else {
            return err(format!("unit `{unit}` is not in error"));
        };
        if retry {
            agent.retry = Some(error.hook.clone());
        } else {
            let snap = agent.snapshot.clone().or_else(|| Snapshot::take(&self.model, unit));
            if let Some(snap) = snap {
                agent.commit(&error.hook, &snap);
            }
            self.after_commit(unit, &error.hook);
        }
        self.emit(Event::Resolve(trace::Resolve { unit: unit.to_string(), retry, hook: error.hook.name() }));
        Ok(())
    }

    /// Makes `unit` the leader of its application.
    pub fn elect(&mut self, unit: &str) -> Result<(), SimError> {
        let Some(u) = self.model.units.get(unit) else {
            return err(self.unknown_unit(unit));
        };
        if u.life != Life::Alive {
            return err(format!("unit `{unit}` is being removed and cannot lead"));
        }
        let app = u.app.clone();
        if let Some(a) = self.model.apps.get_mut(&app) {
            a.leader = Some(unit.to_string());
        }
        self.emit(Event::Elect(UnitNamed { unit: unit.to_string() }));
        Ok(())
    }

    /// Ticks update-status for every unit.
    pub fn update_status(&mut self) {
        self.model.update_status_tick += 1;
        let tick = self.model.update_status_tick;
        self.emit(Event::UpdateStatus(trace::UpdateStatus { tick }));
    }

    fn enter_scope(&mut self, id: i64, unit: &str) {
        let Some(address) = self.model.units.get(unit).map(|u| u.address.clone()) else {
            return;
        };
        let Some(relation) = self.model.relations.get_mut(&id) else {
            return;
        };
        if relation.scope.insert(unit.to_string()) {
            let bag = relation.unit_bags.entry(unit.to_string()).or_default();
            let changes: BTreeMap<String, Option<String>> = [
                ("private-address".to_string(), Some(address.clone())),
                ("ingress-address".to_string(), Some(address.clone())),
                ("egress-subnets".to_string(), Some(format!("{address}/32"))),
            ]
            .into_iter()
            .collect();
            bag.apply(&changes);
        }
    }

    fn leave_scope(&mut self, id: i64, unit: &str) {
        if let Some(relation) = self.model.relations.get_mut(&id) {
            relation.scope.remove(unit);
        }
        self.reap_relations();
    }

    /// Drops dying relations that no unit is in scope of any more.
    fn reap_relations(&mut self) {
        let gone: Vec<i64> = self
            .model
            .relations
            .values()
            .filter(|r| r.life == Life::Dying && r.scope.is_empty())
            .map(|r| r.id)
            .collect();
        for id in gone {
            // A unit that knew the relation but never entered scope just forgets it.
            self.model.relations.remove(&id);
            self.emit(Event::RelationRemoved(RelationNamed { relation: id }));
        }
    }

    fn reap_applications(&mut self) {
        let gone: Vec<String> = self
            .model
            .apps
            .values()
            .filter(|a| a.life == Life::Dying && !self.model.units.values().any(|u| u.app == a.name))
            .map(|a| a.name.clone())
            .collect();
        for app in gone {
            if self.model.relations.values().any(|r| r.involves(&app)) {
                continue;
            }
            self.model.apps.remove(&app);
            self.emit(Event::ApplicationRemoved(ApplicationNamed { application: app }));
        }
    }

    /// Runs one step: one unit acts; `Ok(None)` when no unit has work.
    pub fn step(&mut self) -> Result<Option<HookRecord>, SimError> {
        self.silent_transitions();
        let mut candidates = self.candidates();
        if candidates.is_empty() {
            return Ok(None);
        }
        if !self.cfg.faults.is_off() && self.step_faults() {
            self.silent_transitions();
            candidates = self.candidates();
            if candidates.is_empty() {
                return Ok(None);
            }
        }
        let index = self.choices.pick("unit", candidates.len());
        let (unit, fresh) = candidates.swap_remove(index);
        let Some(agent) = self.agents.get(&unit) else {
            return Ok(None);
        };
        // Leadership is never stale: Juju checks it again before leader-elected runs and skips
        // the hook when leadership has moved on (spec §6.2).
        let stale = agent
            .snapshot
            .clone()
            .map(|mut old| {
                old.leader = fresh.leader;
                old
            })
            .filter(|old| *old != fresh && !agent.next_hooks(old).is_empty() && agent.error.is_none());
        let snap = match stale {
            Some(old) if self.choices.chance("stale", self.cfg.stale_percent) => old,
            _ => fresh,
        };
        let Some(agent) = self.agents.get_mut(&unit) else {
            return Ok(None);
        };
        agent.snapshot = Some(snap.clone());
        let hooks = agent.next_hooks(&snap);
        let pick = self.choices.pick("hook", hooks.len());
        let Some(hook) = hooks.into_iter().nth(pick) else {
            return Ok(None);
        };
        let record = self.run_hook(&unit, hook, &snap)?;
        Ok(Some(record))
    }

    /// Units that have work, each with its fresh snapshot, in name order.
    fn candidates(&self) -> Vec<(String, Snapshot)> {
        let mut candidates = Vec::new();
        for (name, agent) in &self.agents {
            let Some(fresh) = Snapshot::take(&self.model, name) else {
                continue;
            };
            if !agent.next_hooks(&fresh).is_empty() {
                candidates.push((name.clone(), fresh));
            }
        }
        candidates
    }

    /// Draws and applies the faults that happen between two hooks; true when any did.
    fn step_faults(&mut self) -> bool {
        let faults = self.cfg.faults;
        let happened = self.faults.before_step(&faults, &mut self.choices, &self.model);
        for fault in &happened {
            match fault {
                StepFault::Tick => {
                    self.emit(Event::Fault(trace::Fault {
                        step: self.step_no + 1,
                        fault: FaultKind::Tick,
                        unit: None,
                        hook: None,
                    }));
                    self.update_status();
                }
                StepFault::Elect(unit) => {
                    self.emit(Event::Fault(trace::Fault {
                        step: self.step_no + 1,
                        fault: FaultKind::Leader,
                        unit: Some(unit.clone()),
                        hook: None,
                    }));
                    let _ = self.elect(unit);
                }
            }
        }
        !happened.is_empty()
    }

    /// Moves state that changes without a hook: leadership lost (no leader-deposed in Juju),
    /// peer relations ending, dying applications and relations going.
    fn silent_transitions(&mut self) {
        let names: Vec<String> = self.agents.keys().cloned().collect();
        for name in names {
            let Some(snap) = Snapshot::take(&self.model, &name) else {
                continue;
            };
            let Some(agent) = self.agents.get_mut(&name) else {
                continue;
            };
            if agent.leader && !snap.leader {
                agent.leader = false;
            }
            if agent.error.is_some() {
                continue;
            }
            let ended = agent.end_silent_relations(&snap);
            for id in ended {
                self.leave_scope(id, &name);
            }
        }
    }

    /// Runs steps until the action `id` on `unit` has finished (or nothing can run).
    pub fn run_until_action_done(&mut self, unit: &str, id: u64) -> Result<(), SimError> {
        let done = |sim: &Sim| sim.model.units.get(unit).is_none_or(|u| u.action_results.iter().any(|r| r.id == id));
        let mut ran = 0;
        while !done(self) {
            if self.step()?.is_none() {
                return err(format!("action {id} on {unit} cannot run: nothing more can happen in the model"));
            }
            ran += 1;
            if ran >= self.cfg.max_hooks {
                return err(format!("action {id} on {unit} did not run within {ran} hooks"));
            }
        }
        Ok(())
    }

    /// Runs the unit hook `kind` (`config-changed`, `update-status`, …) on `unit` now, outside
    /// the resolver's order, as if Juju had queued it (the idempotence check uses it).
    pub fn run_unit_hook_now(&mut self, unit: &str, kind: HookKind) -> Result<HookRecord, SimError> {
        let Some(snap) = Snapshot::take(&self.model, unit) else {
            return err(self.unknown_unit(unit));
        };
        self.run_hook(unit, Hook::unit(kind), &snap)
    }

    /// Opens an interactive shell in `unit` on the simulator's terminal, in a hook context
    /// of no hook, as `juju exec` gives: the charm directory, the hook environment and
    /// working hook tools. What it writes commits when it exits 0; a failure does not put
    /// the unit in error. Returns whether the shell exited 0.
    pub fn shell(&mut self, unit: &str) -> Result<bool, SimError> {
        let Some(snap) = Snapshot::take(&self.model, unit) else {
            let known: Vec<&String> = self.model.units.keys().collect();
            return err(format!("no unit `{unit}` in the model; its units: {known:?}"));
        };
        Ok(self.run_hook(unit, Hook::unit(HookKind::Exec), &snap)?.ok)
    }

    /// Whether `hook` on `unit` is a shell for a person (`formula shell`, `--debug-hooks`)
    /// rather than the formula's own hook.
    fn opens_shell(&self, unit: &str, hook: &Hook) -> bool {
        let name = hook.name();
        hook.kind == HookKind::Exec || self.cfg.debug_hooks.iter().any(|d| d.matches(unit, &name))
    }

    /// Runs steps until no unit has work, at most `max_hooks` of them.
    pub fn settle(&mut self) -> Result<u64, SimError> {
        let mut ran = 0;
        while self.step()?.is_some() {
            ran += 1;
            if ran >= self.cfg.max_hooks {
                let tail = self.recent.iter().rev().take(12).rev().cloned().collect::<Vec<_>>().join("\n  ");
                self.emit(Event::SettleFailed(HookCount { hooks: ran }));
                return err(format!("the model did not settle after {ran} hooks; the last hooks were:\n  {tail}"));
            }
        }
        self.emit(Event::Settled(HookCount { hooks: ran }));
        Ok(ran)
    }

    fn run_hook(&mut self, unit: &str, hook: Hook, snap: &Snapshot) -> Result<HookRecord, SimError> {
        self.step_no += 1;
        self.serial += 1;
        let step = self.step_no;
        let name = hook.name();
        let places = self.places.get(unit).cloned().ok_or_else(|| SimError(format!("unit {unit} has no place")))?;
        let app = model::unit_app(unit).to_string();
        let formula = self
            .model
            .apps
            .get(&app)
            .map(|a| a.formula.clone())
            .ok_or_else(|| SimError(format!("no application for {unit}")))?;
        if hook.kind == HookKind::UpgradeCharm {
            let dir = self.model.apps.get(&app).map(|a| a.formula_dir.clone()).unwrap_or_default();
            backend::copy_formula(&dir, &places.charm_dir_host)
                .map_err(|e| SimError(format!("cannot deploy the new formula into {unit}: {e}")))?;
        }
        if hook.kind == HookKind::Install && !self.model.units.get(unit).is_some_and(|u| u.status_set) {
            if let Some(u) = self.model.units.get_mut(unit) {
                u.status = StatusInfo {
                    status: "maintenance".into(),
                    message: "installing charm software".into(),
                    data: BTreeMap::new(),
                };
            }
        }
        let retry = self.agents.get(unit).is_some_and(|a| a.retry.as_ref() == Some(&hook));
        let fault = self.faults.for_hook(&self.cfg.faults, &mut self.choices, &hook, retry);
        let context_id = format!("{unit}-{name}-{}", self.choices.token());
        let env = self.hook_env(unit, &hook, &places, &formula, &context_id);
        let draws = self.choices.draws();
        let choices: Vec<trace::Draw> = draws[self.draws_seen.min(draws.len())..].iter().map(Into::into).collect();
        self.draws_seen = draws.len();
        let event = trace::Hook {
            step,
            unit: unit.to_string(),
            hook: name.clone(),
            remote_unit: hook.remote_unit.clone(),
            remote_app: hook.remote_app.clone(),
            relation: hook.relation,
            choices,
            env: env.iter().map(|(k, v)| (k.clone(), self.scrub(v))).collect(),
        };
        self.emit(Event::Hook(event));
        self.sink.flush();
        if let Some(fault) = fault {
            let what = match fault {
                HookFault::Fail => FaultKind::Fail,
                HookFault::Restart => FaultKind::Restart,
            };
            self.emit(Event::Fault(trace::Fault {
                step,
                fault: what,
                unit: Some(unit.to_string()),
                hook: Some(name.clone()),
            }));
        }
        let injected = fault == Some(HookFault::Fail) || self.take_injected_failure(unit, &name);
        let mut buffers = Buffers::default();
        let mut action_run = ActionRun::default();
        if let Some((id, _)) = &hook.action {
            let pending = self.model.units.get_mut(unit).and_then(|u| {
                let at = u.actions.iter().position(|a| a.id == *id)?;
                Some(u.actions.remove(at))
            });
            action_run.action = pending;
        }
        // A shell (`formula shell`, `--debug-hooks`) is a process even in a WebAssembly formula.
        let shell = self.opens_shell(unit, &hook);
        let wasm_module = if self.cfg.native_hooks || shell { None } else { resolve_wasm(&places, &hook) };
        let mut fuel = None;
        let (outcome, stdout, stderr) = if injected {
            (Outcome::Injected, String::new(), String::new())
        } else if let Some(module) = wasm_module {
            let (outcome, stdout, stderr, used) =
                self.run_wasm(unit, &hook, &places, &module, &env, &context_id, &mut buffers, &mut action_run)?;
            fuel = Some(used);
            (outcome, stdout, stderr)
        } else {
            let program = if hook.kind == HookKind::Exec {
                Program::Run(PathBuf::from("/bin/bash"))
            } else {
                resolve_program(&places, &hook)
            };
            match program {
                Program::Missing => (Outcome::Missing, String::new(), String::new()),
                Program::NotExecutable(path) => (Outcome::NotExecutable(path), String::new(), String::new()),
                Program::Run(path) => {
                    self.run_process(unit, &hook, &places, path, env, &context_id, &mut buffers, &mut action_run)?
                }
            }
        };
        let (stdout, stderr) = (self.scrub(&stdout), self.scrub(&stderr));
        self.emit_stub_calls(unit, &places, step);
        let mut ok = matches!(outcome, Outcome::Exit(0) | Outcome::Missing);
        let interrupted = ok && fault == Some(HookFault::Restart) && !hook.is_action();
        let result = match fault {
            Some(HookFault::Fail) => "failed (injected fault; retried)".to_string(),
            _ if interrupted => "interrupted (agent restarted before the commit; runs again)".to_string(),
            _ => outcome.describe(),
        };
        let keys_written: Vec<String> = buffers.relation.values().flat_map(|c| c.keys().cloned()).collect();
        if hook.kind == HookKind::Exec {
            self.emit(Event::Exit(trace::Exit {
                step,
                unit: unit.to_string(),
                hook: name.clone(),
                result: result.clone(),
                ..trace::Exit::default()
            }));
            if ok {
                let changes = buffers.commit(&mut self.model, unit);
                self.emit(Event::Commit(trace::Commit { step, unit: unit.to_string(), changes }));
            } else {
                self.emit(Event::Discard(trace::Discard {
                    step,
                    unit: unit.to_string(),
                    buffered: !buffers.is_empty(),
                }));
            }
            let record =
                HookRecord { step, unit: unit.to_string(), hook, result, ok, keys_written, output: String::new() };
            return Ok(record);
        } else if hook.is_action() {
            self.finish_action(unit, &hook, action_run, ok, &result, &stdout, &stderr, step);
            // An action's result never puts the unit in error.
            if ok {
                let changes = buffers.commit(&mut self.model, unit);
                self.emit(Event::Commit(trace::Commit { step, unit: unit.to_string(), changes }));
            }
        } else if interrupted {
            // The agent died before the commit: buffered writes are lost, the hook runs again.
            self.emit(Event::Exit(trace::Exit {
                step,
                unit: unit.to_string(),
                hook: name.clone(),
                result: result.clone(),
                stdout: Some(stdout.clone()),
                stderr: Some(stderr.clone()),
                fuel: None,
            }));
            self.emit(Event::Discard(trace::Discard { step, unit: unit.to_string(), buffered: !buffers.is_empty() }));
            if let Some(agent) = self.agents.get_mut(unit) {
                agent.retry = Some(hook.clone());
            }
            ok = false;
        } else if ok {
            let changes = buffers.commit(&mut self.model, unit);
            self.emit(exit_event(step, unit, &name, &result, &stdout, &stderr, fuel));
            self.emit(Event::Commit(trace::Commit { step, unit: unit.to_string(), changes }));
            if let Some(agent) = self.agents.get_mut(unit) {
                agent.retry = None;
                agent.commit(&hook, snap);
            }
            self.after_commit(unit, &hook);
        } else {
            self.emit(exit_event(step, unit, &name, &result, &stdout, &stderr, fuel));
            self.emit(Event::Discard(trace::Discard { step, unit: unit.to_string(), buffered: !buffers.is_empty() }));
            let message = format!("hook failed: \"{name}\"");
            if let Some(agent) = self.agents.get_mut(unit) {
                agent.retry = None;
                agent.error = Some(HookError { hook: hook.clone(), message: message.clone() });
            }
            if fault == Some(HookFault::Fail) {
                // As Juju's automatic retry (or `juju resolve`) does: the same hook again.
                let _ = self.resolve(unit, true);
            }
        }
        self.hook_count += 1;
        self.hooks_run.entry(unit.to_string()).or_default().push(name.clone());
        let remote =
            hook.remote_unit.clone().or_else(|| hook.remote_app.clone()).map(|r| format!(" ({r})")).unwrap_or_default();
        self.recent.push(format!("{unit} {name}{remote}: {result}"));
        if self.recent.len() > 64 {
            self.recent.remove(0);
        }
        let record = HookRecord {
            step,
            unit: unit.to_string(),
            hook,
            result,
            ok,
            keys_written,
            output: if ok { String::new() } else { format!("{stdout}{stderr}") },
        };
        if let Some(callback) = self.on_hook.as_mut() {
            callback(&record);
        }
        Ok(record)
    }

    fn take_injected_failure(&mut self, unit: &str, name: &str) -> bool {
        let Some(list) = self.fail_next.get_mut(unit) else {
            return false;
        };
        let Some(at) = list.iter().position(|h| h.as_deref().is_none_or(|h| h == name)) else {
            return false;
        };
        list.remove(at);
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_action(
        &mut self,
        unit: &str,
        hook: &Hook,
        run: ActionRun,
        ok: bool,
        result: &str,
        stdout: &str,
        stderr: &str,
        step: u64,
    ) {
        let (id, name) = hook.action.clone().unwrap_or_default();
        let (status, message) = match (&run.failed, ok) {
            (Some(m), _) => ("failed".to_string(), m.clone()),
            (None, true) => ("completed".to_string(), String::new()),
            (None, false) => ("failed".to_string(), format!("action \"{name}\" {result}")),
        };
        let mut results = run.results;
        results.insert("stdout".into(), Value::Str(stdout.to_string()));
        results.insert("stderr".into(), Value::Str(stderr.to_string()));
        self.emit(Event::ActionResult(trace::ActionResult {
            step,
            unit: unit.to_string(),
            action: name.clone(),
            id,
            status: status.clone(),
            message: message.clone(),
            results: results.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            log: run.log,
        }));
        if let Some(u) = self.model.units.get_mut(unit) {
            u.action_results.push(ActionResult { id, name, status, message, results });
        }
    }

    /// Model changes that follow a committed hook.
    fn after_commit(&mut self, unit: &str, hook: &Hook) {
        match hook.kind {
            HookKind::Install => {
                let app = model::unit_app(unit).to_string();
                let alive = self.model.units.get(unit).is_some_and(|u| u.life == Life::Alive);
                let ids: Vec<i64> =
                    self.model.relations_of(&app).filter(|r| r.life == Life::Alive).map(|r| r.id).collect();
                if alive {
                    for id in ids {
                        self.enter_scope(id, unit);
                    }
                }
            }
            HookKind::Start => {
                if let Some(u) = self.model.units.get_mut(unit) {
                    if !u.status_set {
                        u.status =
                            StatusInfo { status: "unknown".into(), message: String::new(), data: BTreeMap::new() };
                    }
                }
            }
            HookKind::Stop => {
                if let Some(u) = self.model.units.get_mut(unit) {
                    if !u.status_set || u.status.status != "error" {
                        u.status = StatusInfo {
                            status: "maintenance".into(),
                            message: "stopping charm software".into(),
                            data: BTreeMap::new(),
                        };
                    }
                }
            }
            HookKind::RelationBroken => {
                if let Some(id) = hook.relation {
                    self.leave_scope(id, unit);
                }
            }
            HookKind::RelationDeparted => {
                // A dying unit leaves a relation once it departed from every member of it.
                if let (Some(id), Some(agent)) = (hook.relation, self.agents.get(unit)) {
                    let done = agent.relations.get(&id).is_some_and(|r| r.members.is_empty());
                    let dying = self.model.units.get(unit).is_some_and(|u| u.life == Life::Dying)
                        || self.model.relations.get(&id).is_some_and(|r| r.life == Life::Dying);
                    let peer = self.model.relations.get(&id).is_some_and(|r| r.is_peer());
                    if done && dying && peer {
                        if let Some(agent) = self.agents.get_mut(unit) {
                            if let Some(r) = agent.relations.get_mut(&id) {
                                r.broken = true;
                            }
                        }
                        self.leave_scope(id, unit);
                    }
                }
            }
            HookKind::Remove => self.remove_unit_now(unit),
            _ => {}
        }
    }

    fn remove_unit_now(&mut self, unit: &str) {
        let ids: Vec<i64> = self.model.relations.keys().copied().collect();
        for id in ids {
            if let Some(r) = self.model.relations.get_mut(&id) {
                r.scope.remove(unit);
            }
        }
        self.model.units.remove(unit);
        self.agents.remove(unit);
        self.places.remove(unit);
        self.backend.destroy_unit(unit);
        let app = model::unit_app(unit).to_string();
        let next_leader = self.model.units_of(&app).iter().find(|u| u.life == Life::Alive).map(|u| u.name.clone());
        if let Some(a) = self.model.apps.get_mut(&app) {
            if a.leader.as_deref() == Some(unit) {
                a.leader = next_leader;
            }
        }
        self.emit(Event::UnitRemoved(UnitNamed { unit: unit.to_string() }));
        self.reap_relations();
        self.reap_applications();
    }

    fn hook_env(
        &self,
        unit: &str,
        hook: &Hook,
        places: &UnitPlaces,
        formula: &Formula,
        context_id: &str,
    ) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        let mut set = |k: &str, v: String| {
            env.insert(k.to_string(), v);
        };
        let charm = places.charm_dir.to_string_lossy().into_owned();
        let socket = self.server.socket.to_string_lossy().into_owned();
        let tools = self.cfg.root.join("tools").to_string_lossy().into_owned();
        let stubs = places.dir.join("stubs").to_string_lossy().into_owned();
        set("PATH", format!("{stubs}:{tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        set("CHARM_DIR", charm.clone());
        set("JUJU_CHARM_DIR", charm);
        set("JUJU_CONTEXT_ID", context_id.to_string());
        set("JUJU_HOOK_NAME", if hook.is_action() { String::new() } else { hook.name() });
        set("JUJU_DISPATCH_PATH", hook.dispatch_path());
        set("JUJU_AGENT_SOCKET_ADDRESS", socket.clone());
        set("JUJU_AGENT_SOCKET_NETWORK", "unix".into());
        set("JUJU_UNIT_NAME", unit.to_string());
        set("JUJU_MODEL_NAME", self.model.name.clone());
        set("JUJU_MODEL_UUID", self.model.uuid.clone());
        set("JUJU_API_ADDRESSES", "127.0.0.1:17070".into());
        set("JUJU_MACHINE_ID", places.machine.to_string());
        set("JUJU_PRINCIPAL_UNIT", String::new());
        set("JUJU_AVAILABILITY_ZONE", String::new());
        set("JUJU_VERSION", "3.6.1".into());
        set("CLOUD_API_VERSION", String::new());
        for proxy in ["JUJU_CHARM_HTTP_PROXY", "JUJU_CHARM_HTTPS_PROXY", "JUJU_CHARM_FTP_PROXY", "JUJU_CHARM_NO_PROXY"]
        {
            set(proxy, String::new());
        }
        set("APT_LISTCHANGES_FRONTEND", "none".into());
        set("DEBIAN_FRONTEND", "noninteractive".into());
        set("LANG", "C.UTF-8".into());
        set("LC_ALL", "C.UTF-8".into());
        set("TZ", "UTC".into());
        set("TERM", "tmux-256color".into());
        set("HOME", places.home.to_string_lossy().into_owned());
        if let (Some(id), Some(endpoint)) = (hook.relation, &hook.endpoint) {
            set("JUJU_RELATION", endpoint.clone());
            set("JUJU_RELATION_ID", format!("{endpoint}:{id}"));
            set("JUJU_REMOTE_UNIT", hook.remote_unit.clone().unwrap_or_default());
            set("JUJU_REMOTE_APP", hook.remote_app.clone().unwrap_or_default());
            if let Some(departing) = &hook.departing_unit {
                set("JUJU_DEPARTING_UNIT", departing.clone());
            }
        }
        if let Some((id, name)) = &hook.action {
            set("JUJU_ACTION_NAME", name.clone());
            set("JUJU_ACTION_UUID", format!("{id}"));
            set("JUJU_ACTION_TAG", format!("action-{id}"));
        }
        if formula.is_ensemble() {
            set("ENSEMBLE_UNIT_NAME", unit.to_string());
            set("ENSEMBLE_AGENT_SOCKET", socket);
            set("ENSEMBLE_CLIENT_ID", context_id.to_string());
            if let Some(endpoint) = &hook.endpoint {
                set("ENSEMBLE_RELATION", endpoint.clone());
                set("ENSEMBLE_REMOTE_UNIT", hook.remote_unit.clone().unwrap_or_default());
            }
        }
        env
    }

    #[allow(clippy::too_many_arguments)]
    fn run_process(
        &mut self,
        unit: &str,
        hook: &Hook,
        places: &UnitPlaces,
        program: PathBuf,
        env: BTreeMap<String, String>,
        context_id: &str,
        buffers: &mut Buffers,
        action_run: &mut ActionRun,
    ) -> Result<(Outcome, String, String), SimError> {
        let capture = |name| Capture::new(name).map_err(|e| SimError(format!("cannot capture the hook's output: {e}")));
        let name = hook.name();
        let debugging = self.opens_shell(unit, hook);
        let spec = if debugging {
            let event = trace::DebugHooks { step: self.step_no, unit: unit.to_string(), hook: name.clone() };
            self.emit(Event::DebugHooks(event));
            debug_shell(unit, &name, &program, env, places)
        } else {
            ProcessSpec {
                program,
                args: Vec::new(),
                env,
                cwd: places.charm_dir.clone(),
                stdout: capture("stdout")?,
                stderr: capture("stderr")?,
            }
        };
        let mut child = match self.backend.spawn(unit, &spec) {
            Ok(child) => child,
            Err(e) => return Ok((Outcome::SpawnFailed(e.to_string()), String::new(), String::new())),
        };
        let pid = child.id();
        let serial = self.serial;
        let sender = self.server.sender.clone();
        std::thread::Builder::new()
            .name("hook-waiter".into())
            .spawn(move || {
                let code = match child.wait() {
                    Ok(status) => {
                        use std::os::unix::process::ExitStatusExt;
                        status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
                    }
                    Err(_) => 255,
                };
                let _ = sender.send(ServerEvent::Exited(serial, code));
            })
            .map_err(|e| SimError(format!("cannot wait for the hook: {e}")))?;
        let mut ctx = self.hook_context(unit, hook, places, action_run);
        // A debugging session takes the time it takes.
        let timeout = if debugging { Duration::from_secs(100 * 365 * 86_400) } else { self.cfg.hook_timeout };
        let deadline = Instant::now() + timeout;
        let mut timed_out = false;
        let mut calls = Vec::new();
        let code = loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let wait = if timed_out { Duration::from_secs(10) } else { wait };
            match self.server.events.recv_timeout(wait) {
                Ok(ServerEvent::Call(request, reply)) => {
                    let response = if request.context != context_id {
                        Response {
                            code: 1,
                            stdout: Vec::new(),
                            stderr: format!("ERROR bad request: wrong context ID; got {:?}\n", request.context)
                                .into_bytes(),
                        }
                    } else {
                        let stdin = request.has_stdin.then_some(request.stdin.as_slice());
                        match crate::tools::run_request(&request.tool, &request.args, stdin, &mut ctx) {
                            Ok(output) => Response { code: output.code, stdout: output.stdout, stderr: output.stderr },
                            // The client sends the call again with its standard input.
                            Err(crate::tools::NeedsStdin) => {
                                Response { code: crate::wire::NEEDS_STDIN, ..Response::default() }
                            }
                        }
                    };
                    if response.code == crate::wire::NEEDS_STDIN {
                        let _ = reply.send(response);
                        continue;
                    }
                    calls.push((request.tool.clone(), request.args.clone(), response.clone()));
                    let _ = reply.send(response);
                }
                Ok(ServerEvent::Exited(s, code)) if s == serial => break code,
                Ok(ServerEvent::Exited(..)) => {}
                Err(_) if !timed_out => {
                    timed_out = true;
                    self.backend.kill_hook(unit, pid);
                }
                Err(_) => break 137,
            }
        };
        self.backend.hook_ended(unit, timed_out);
        self.finish_context(unit, hook, ctx, buffers, action_run, calls);
        let outcome = if timed_out { Outcome::Timeout(self.cfg.hook_timeout) } else { Outcome::Exit(code) };
        Ok((outcome, spec.stdout.text(MAX_OUTPUT), spec.stderr.text(MAX_OUTPUT)))
    }

    /// Runs a WebAssembly hook in-process; returns its outcome, output and fuel used.
    #[allow(clippy::too_many_arguments)]
    fn run_wasm(
        &mut self,
        unit: &str,
        hook: &Hook,
        places: &UnitPlaces,
        module: &Path,
        env: &BTreeMap<String, String>,
        context_id: &str,
        buffers: &mut Buffers,
        action_run: &mut ActionRun,
    ) -> Result<(Outcome, String, String, u64), SimError> {
        if self.wasm.is_none() {
            self.wasm = Some(WasmRunner::new().map_err(SimError)?);
        }
        let ctx = self.hook_context(unit, hook, places, action_run);
        let relative = module.strip_prefix(&places.charm_dir_host).unwrap_or(module);
        let wasm_hook = WasmHook {
            module,
            args: vec![places.charm_dir.join(relative).to_string_lossy().into_owned()],
            env,
            seed: wasm_seed(context_id),
            fuel: self.cfg.hook_fuel,
            deadline: self.cfg.hook_timeout,
            max_output: MAX_OUTPUT,
            unit_dir: self.wasm_unit_dir(unit, places),
        };
        let Some(runner) = self.wasm.as_mut() else {
            return err("the WebAssembly runner is not running");
        };
        let run = runner.run(&wasm_hook, ctx);
        self.finish_context(unit, hook, run.ctx, buffers, action_run, run.calls);
        let outcome = match run.exit {
            WasmExit::Code(code) => Outcome::Exit(code),
            WasmExit::OutOfFuel => Outcome::OutOfFuel(self.cfg.hook_fuel),
            WasmExit::Deadline => Outcome::Timeout(self.cfg.hook_timeout),
            WasmExit::Trap(message) => Outcome::Trap(message),
            WasmExit::Load(message) => Outcome::SpawnFailed(message),
        };
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        Ok((outcome, text(&run.stdout), text(&run.stderr), run.fuel_used))
    }

    /// The directory a WebAssembly hook of `unit` may use: the unit's agent directory, where
    /// this machine sees the unit's files as they are (host and ns; an LXD container's files
    /// are not on this machine).
    fn wasm_unit_dir(&self, unit: &str, places: &UnitPlaces) -> Option<(PathBuf, String)> {
        if !matches!(self.backend.name(), "host" | "ns") {
            return None;
        }
        let guest = places.charm_dir.parent()?;
        Some((self.backend.host_path(unit, guest), guest.to_string_lossy().into_owned()))
    }

    /// The hook's view of the model; the model moves into it until [`Sim::finish_context`].
    fn hook_context(&mut self, unit: &str, hook: &Hook, places: &UnitPlaces, action_run: &mut ActionRun) -> SimContext {
        let members = self.hook_members(unit, hook);
        let known = self.known_relations(unit, hook);
        let model = std::mem::take(&mut self.model);
        let action = hook.is_action().then(|| std::mem::take(action_run));
        SimContext::new(model, unit, hook.clone(), &places.charm_dir_host, members, known, action)
    }

    /// Takes the model back from a finished hook's context and traces its tool calls and logs.
    fn finish_context(
        &mut self,
        unit: &str,
        hook: &Hook,
        ctx: SimContext,
        buffers: &mut Buffers,
        action_run: &mut ActionRun,
        calls: Vec<(String, Vec<String>, Response)>,
    ) {
        let finished = ctx.finish();
        self.model = finished.model;
        *buffers = finished.buffers;
        if let Some(run) = finished.action {
            *action_run = run;
        }
        for (tool, args, response) in calls {
            let event = trace::Tool {
                step: self.step_no,
                unit: unit.to_string(),
                tool: tool.clone(),
                args: args.iter().map(|a| self.scrub(a)).collect(),
                code: response.code,
                stdout: self.scrub(&String::from_utf8_lossy(&response.stdout)),
                stderr: self.scrub(&String::from_utf8_lossy(&response.stderr)),
            };
            self.emit(Event::Tool(event));
            let stderr = String::from_utf8_lossy(&response.stderr);
            if let Some(refusal) = crate::misuse::classify(&tool, &args, response.code, &stderr) {
                let call = crate::misuse::RefusedCall { unit: unit.to_string(), hook: hook.name(), refusal };
                self.emit(Event::Refused(trace::Refused {
                    step: self.step_no,
                    unit: unit.to_string(),
                    hook: call.hook.clone(),
                    kind: call.refusal.kind.name().to_string(),
                    what: call.refusal.what.clone(),
                }));
                self.refused.push(call);
            }
        }
        for line in finished.logs {
            let event = trace::Log { step: self.step_no, unit: unit.to_string(), line: self.scrub(&line) };
            self.emit(Event::Log(event));
        }
    }

    /// Relation members as the hook sees them: the agent's members, with a joining unit
    /// already in and a departing unit already out.
    fn hook_members(&self, unit: &str, hook: &Hook) -> BTreeMap<i64, Vec<String>> {
        let mut out = BTreeMap::new();
        let Some(agent) = self.agents.get(unit) else {
            return out;
        };
        for (id, rel) in &agent.relations {
            let mut members: Vec<String> = rel.members.keys().cloned().collect();
            if hook.relation == Some(*id) {
                if let Some(remote) = &hook.remote_unit {
                    match hook.kind {
                        HookKind::RelationJoined if !members.contains(remote) => members.push(remote.clone()),
                        HookKind::RelationDeparted => members.retain(|m| m != remote),
                        _ => {}
                    }
                }
            }
            members.sort();
            out.insert(*id, members);
        }
        // A relation the agent does not know yet (its relation-created): only the joining unit.
        if let Some(id) = hook.relation {
            out.entry(id).or_insert_with(|| {
                hook.remote_unit.iter().filter(|_| hook.kind == HookKind::RelationJoined).cloned().collect()
            });
        }
        out
    }

    fn known_relations(&self, unit: &str, hook: &Hook) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .agents
            .get(unit)
            .map(|a| a.relations.iter().filter(|(_, r)| r.created && !r.broken).map(|(id, _)| *id).collect())
            .unwrap_or_default();
        if let Some(id) = hook.relation {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.retain(|id| self.model.relations.contains_key(id));
        ids.sort();
        ids
    }

    fn emit_stub_calls(&mut self, unit: &str, places: &UnitPlaces, step: u64) {
        let log = places.dir.join("stub-calls.log");
        let Ok(text) = std::fs::read_to_string(&log) else {
            return;
        };
        let _ = std::fs::remove_file(&log);
        for line in text.lines() {
            let mut parts = line.split('\u{1f}');
            let command = parts.next().unwrap_or("").to_string();
            let args: Vec<String> = parts.map(|a| self.scrub(a)).collect();
            self.emit(Event::Stub(trace::Stub { step, unit: unit.to_string(), command, args }));
        }
    }

    /// The workload status `juju status` shows for `unit`: `error` with the failed hook while
    /// the agent is in error (the formula's own status comes back once resolved).
    pub fn shown_status(&self, unit: &str) -> Option<StatusInfo> {
        let u = self.model.units.get(unit)?;
        match self.agents.get(unit).and_then(|a| a.error.as_ref()) {
            Some(error) => {
                Some(StatusInfo { status: "error".into(), message: error.message.clone(), data: BTreeMap::new() })
            }
            None => Some(u.status.clone()),
        }
    }

    /// Records an event of the run in the trace (its steps, expectations, result).
    pub fn trace(&mut self, event: Event) {
        self.emit(event);
    }

    /// Ends the run: stops processes and removes what the backend made.
    pub fn shutdown(&mut self) {
        let draws = self.choices.draws();
        // Draws after the last hook (a fault with no hook after it): a replay needs them too.
        let choices = draws[self.draws_seen.min(draws.len())..].iter().map(Into::into).collect();
        self.emit(Event::End(trace::End { hooks: self.hook_count, choices }));
        self.sink.flush();
        self.backend.cleanup();
    }
}

/// What a hook's run came to.
enum Outcome {
    Exit(i32),
    Missing,
    NotExecutable(PathBuf),
    SpawnFailed(String),
    Timeout(Duration),
    Injected,
    /// A WebAssembly hook used up its fuel budget.
    OutOfFuel(u64),
    /// A WebAssembly hook trapped.
    Trap(String),
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Exit(0) => "ok".into(),
            Outcome::Exit(code) if *code > 128 => {
                format!("failed (killed by signal {})", code - 128)
            }
            Outcome::Exit(code) => format!("failed (exit {code})"),
            Outcome::Missing => "missing (skipped)".into(),
            Outcome::NotExecutable(path) => format!("failed (not executable: {})", path.display()),
            Outcome::SpawnFailed(e) => format!("failed (cannot start: {e})"),
            Outcome::Timeout(d) => format!("failed (timed out after {}s, killed)", d.as_secs()),
            Outcome::Injected => "failed (injected)".into(),
            Outcome::OutOfFuel(budget) => format!("failed (out of fuel after {budget} units)"),
            Outcome::Trap(message) => format!("failed (trap: {message})"),
        }
    }
}

enum Program {
    Run(PathBuf),
    Missing,
    NotExecutable(PathBuf),
}

/// The program Juju would run for `hook`: an executable `dispatch`, else `hooks/<name>` or
/// `actions/<name>` (a missing hook is skipped; a present, non-executable one fails).
fn resolve_program(places: &UnitPlaces, hook: &Hook) -> Program {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let dispatch = places.charm_dir_host.join("dispatch");
    if executable(&dispatch) {
        return Program::Run(places.charm_dir.join("dispatch"));
    }
    let relative = hook.dispatch_path();
    let host = places.charm_dir_host.join(&relative);
    if std::fs::metadata(&host).is_err() {
        return Program::Missing;
    }
    if !executable(&host) {
        return Program::NotExecutable(PathBuf::from(relative));
    }
    Program::Run(places.charm_dir.join(relative))
}

/// The shell that `--debug-hooks` opens instead of `program`, and the words that say so.
fn debug_shell(
    unit: &str,
    hook: &str,
    program: &Path,
    mut env: BTreeMap<String, String>,
    places: &UnitPlaces,
) -> ProcessSpec {
    use std::io::IsTerminal;
    let relative = program.strip_prefix(&places.charm_dir).unwrap_or(program);
    if hook == "juju-exec" {
        eprintln!(
            "shell: {unit}, in its charm directory, with the hook tools as `juju exec` gives them; \
             what it writes commits when the shell exits 0."
        );
        env.insert("JUJU_HOOK_NAME".into(), String::new());
        env.insert("JUJU_DISPATCH_PATH".into(), String::new());
        env.insert("PS1".into(), format!("[{unit}] \\w$ "));
    } else {
        eprintln!(
            "debug-hooks: {unit} is about to run `{hook}`; a shell opens in its charm directory with the hook's \
             environment and tools. Run ./{} to run the hook; `exit 0` ends the hook well (its writes commit), \
             `exit 1` fails it.",
            relative.display()
        );
        env.insert("PS1".into(), format!("[{unit} {hook}] \\w$ "));
    }
    let interactive = std::io::stdin().is_terminal();
    ProcessSpec {
        program: PathBuf::from("/bin/bash"),
        args: if interactive { vec!["--norc".into(), "-i".into()] } else { vec!["--norc".into(), "-s".into()] },
        env,
        cwd: places.charm_dir.clone(),
        stdout: Capture::terminal(),
        stderr: Capture::terminal(),
    }
}

/// The WebAssembly module Juju's `dispatch` would correspond to: `dispatch.wasm`, else
/// `hooks/<name>.wasm` (or `actions/<name>.wasm`).
fn resolve_wasm(places: &UnitPlaces, hook: &Hook) -> Option<PathBuf> {
    let dispatch = places.charm_dir_host.join("dispatch.wasm");
    if dispatch.is_file() {
        return Some(dispatch);
    }
    let own = places.charm_dir_host.join(format!("{}.wasm", hook.dispatch_path()));
    own.is_file().then_some(own)
}

/// The seed of a WebAssembly hook's clock and random source: from its context id, which
/// holds a token drawn from the run's seed. FNV-1a, written here, so that no toolchain
/// upgrade changes what a seed gives.
fn wasm_seed(context_id: &str) -> u64 {
    context_id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// The `exit` event of a hook; `fuel` only for WebAssembly hooks.
fn exit_event(step: u64, unit: &str, hook: &str, result: &str, stdout: &str, stderr: &str, fuel: Option<u64>) -> Event {
    Event::Exit(trace::Exit {
        step,
        unit: unit.to_string(),
        hook: hook.to_string(),
        result: result.to_string(),
        stdout: Some(stdout.to_string()),
        stderr: Some(stderr.to_string()),
        fuel,
    })
}

/// Loads a formula and refuses it when Juju would.
fn load_deployable(dir: &Path) -> Result<Formula, SimError> {
    if !dir.join("metadata.yaml").is_file() {
        return err(format!("`{}` is not a formula directory (no metadata.yaml)", dir.display()));
    }
    let formula = Formula::load(dir);
    let selection = formula_sdk::lint::Selection { select: vec!["correctness".into()], ..Default::default() };
    let errors: Vec<String> = formula_sdk::lint::lint_formula(&formula, &selection)
        .into_iter()
        .filter(|d| {
            d.severity == formula_sdk::Severity::Error && d.code != "F503" && d.code != "F505" && d.code != "F506"
        })
        .map(|d| {
            let place = d.span.map(|s| format!(":{}:{}", s.start.line, s.start.column)).unwrap_or_default();
            format!("{}{place}: {} [{}]", d.path.display(), d.message, d.code)
        })
        .collect();
    if !errors.is_empty() {
        return err(format!("Juju would refuse the formula in `{}`:\n  {}", dir.display(), errors.join("\n  ")));
    }
    Ok(formula)
}

/// Checks a config value against the formula's option, as `juju config` does.
fn check_option(formula: &Formula, key: &str, value: Value) -> Result<Value, SimError> {
    let Some(option) = formula.config.option(key) else {
        let known: Vec<&String> = formula.config.options.iter().map(|o| &o.name.value).collect();
        return err(format!("unknown option `{key}` for formula `{}`; its options: {}", formula.name(), join(&known)));
    };
    use formula_sdk::format::OptionType;
    let kind = option.kind.unwrap_or(OptionType::String);
    let bad = |v: &Value| SimError(format!("option `{key}` expected {}, got {v:?}", kind.as_str()));
    Ok(match (kind, value) {
        (_, Value::Null) => Value::Null,
        (OptionType::String | OptionType::Secret, Value::Str(s)) => Value::Str(s),
        (OptionType::String | OptionType::Secret, v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
            Value::Str(plain(&v))
        }
        (OptionType::Int, Value::Int(i)) => Value::Int(i),
        (OptionType::Int, Value::Str(s)) => Value::Int(s.trim().parse().map_err(|_| bad(&Value::Str(s.clone())))?),
        (OptionType::Float, Value::Float(x)) => Value::Float(x),
        (OptionType::Float, Value::Int(i)) => Value::Float(i as f64),
        (OptionType::Float, Value::Str(s)) => Value::Float(s.trim().parse().map_err(|_| bad(&Value::Str(s.clone())))?),
        (OptionType::Boolean, Value::Bool(b)) => Value::Bool(b),
        (OptionType::Boolean, Value::Str(s)) => {
            Value::Bool(formula_sdk::go::parse_bool(&s).ok_or_else(|| bad(&Value::Str(s.clone())))?)
        }
        (_, v) => return Err(bad(&v)),
    })
}

fn plain(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(x) => formula_sdk::yaml::format_float(*x),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
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

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
