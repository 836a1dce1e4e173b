//! The engine's handle: one thread, one hook at a time, every choice from the seed.
//!
//! [`Sim`] holds the model, one [`Agent`] per unit, the [`Scheduler`], the [`Runner`] whose
//! units run the hooks and the trace's [`Recorder`], and reads like Juju: its verbs are the
//! commands of `juju` ([`Sim::deploy`], [`Sim::relate`], [`Sim::config`], …), which the model
//! carries out ([`crate::model`]), with the unit agents' reaction to them ([`crate::uniter`]).
//! Each [`Sim::step`] lets the scheduler pick a unit that has work and the hook its resolver
//! derives, runs it (a real process in the unit, or its WebAssembly module, with hook tools
//! that answer from the model), then commits the hook's buffered writes if it exited 0, or
//! discards them and puts the unit in error (`sim/hook.rs`). Serial hooks with commit at exit are
//! equivalent to Juju's concurrent agents, because no hook can see another's uncommitted
//! writes.

mod config;
mod hook;
mod timers;

pub use crate::error::SimError;
pub use config::{Config, DebugHooks, ExecOutput, HookCallback, HookRecord, OutputCallback, DEFAULT_HOOK_FUEL};
pub use timers::MAX_SETTLE_RETRIES;

use crate::backend::{Backend, UnitPlaces};
use crate::choice::Choices;
use crate::error::err;
use crate::fault::Faults;
use crate::hook::{Hook, HookKind};
use crate::model::{Model, Placement, StatusInfo, Value};
use crate::runner::Runner;
use crate::scenario::EndpointRef;
use crate::scheduler::Scheduler;
use crate::trace::{self, Event, Recorder, TraceSink};
use crate::uniter::{self, Agent, Snapshot};
use std::collections::BTreeMap;
use std::path::Path;

/// The error that stops an exhaustive run whose every next hook is asleep ([`Sim::is_redundant`]).
const REDUNDANT: &str = "every hook that could run next repeats a schedule already run";

/// A simulation.
pub struct Sim {
    cfg: Config,
    /// The model.
    pub model: Model,
    /// The unit agents.
    pub agents: BTreeMap<String, Agent>,
    scheduler: Scheduler,
    runner: Runner,
    recorder: Recorder,
    /// Hook names run per unit, in order.
    pub hooks_run: BTreeMap<String, Vec<String>>,
    /// Hooks run in all.
    pub hook_count: u64,
    /// Tool calls Juju refused, in order.
    pub refused: Vec<crate::misuse::RefusedCall>,
    /// What hooks sent on the agent's socket that was not a tool call, in order, in words
    /// (`wiki/0 install: frame of … bytes is too large`).
    pub malformed: Vec<String>,
    /// The last hooks run, in words, for the message of a model that does not settle.
    recent: Vec<String>,
    /// Called with each hook that ran.
    pub on_hook: Option<HookCallback>,
    /// Called with each line of a hook's output as it is written (it changes nothing the
    /// trace holds).
    pub on_output: Option<OutputCallback>,
    /// Each unit agent's cache of its relation members' settings (for the `stale` fault).
    caches: BTreeMap<String, crate::uniter::cache::SettingsCache>,
    /// What the last `juju exec` command left, for [`Sim::exec`] to return.
    exec_output: Option<ExecOutput>,
}

impl Sim {
    /// A new, empty model with `backend` for units and `sink` for the trace.
    pub fn new(cfg: Config, backend: Box<dyn Backend>, sink: Box<dyn TraceSink>) -> Result<Sim, SimError> {
        let runner = Runner::new(&cfg.root, &cfg.tool_binary, backend)?;
        let choices = match (&cfg.choices, &cfg.avoid) {
            (Some(list), _) if cfg.continue_after_choices => Choices::continued(list.clone(), cfg.seed),
            (Some(list), _) => Choices::recorded(list.clone()),
            (None, Some(avoid)) => Choices::seeded_avoiding(cfg.seed, avoid.clone()),
            (None, None) => Choices::seeded(cfg.seed),
        };
        // What a replay needs besides the choices, written only when set (older traces stay valid).
        let run = trace::Run {
            seed: cfg.seed,
            backend: runner.backend_name().to_string(),
            model: cfg.model_name.clone(),
            base: runner.backend_base(),
            scenario: cfg.scenario.clone(),
            faults: (!cfg.faults.is_off()).then(|| cfg.faults.spec()),
            replay: cfg.choices.is_some() && !cfg.continue_after_choices,
            avoiding: cfg.choices.is_none() && cfg.avoid.is_some(),
        };
        let mut recorder = Recorder::new(sink, &cfg.root);
        let mut scheduler = Scheduler::new(choices, cfg.faults, cfg.stale_percent);
        if cfg.joint_picks {
            scheduler = scheduler.joint();
            let branch = cfg.choices.as_ref().and_then(|list| list.len().checked_sub(1));
            if let (Some(set), Some(branch)) = (&cfg.sleep_set, branch) {
                scheduler = scheduler.with_sleep_set(crate::exhaustive::SleepWatch::new(branch, set.clone()));
                // The sleep set follows what each hook touched, read from the run's own events.
                recorder.keep();
            }
        }
        recorder.emit(Event::Run(run));
        let mut model = Model::new(&cfg.model_name);
        // Secret ids come from the seed, as every other choice of the run does.
        model.secrets.salt = format!("{}/{}", cfg.seed, model.uuid);
        Ok(Sim {
            model,
            agents: BTreeMap::new(),
            scheduler,
            runner,
            recorder,
            hooks_run: BTreeMap::new(),
            hook_count: 0,
            refused: Vec::new(),
            malformed: Vec::new(),
            recent: Vec::new(),
            caches: BTreeMap::new(),
            exec_output: None,
            on_hook: None,
            on_output: None,
            cfg,
        })
    }

    /// The name of the backend units live in (`host`, `ns`, …).
    pub fn backend_name(&self) -> &'static str {
        self.runner.backend_name()
    }

    /// What units' roots are made from (the unit base), if not this machine's files.
    pub fn base(&self) -> Option<crate::base::BaseId> {
        self.runner.backend_base()
    }

    /// Whether the run stopped because every hook that could run next was asleep: an
    /// exhaustive run that would only repeat schedules already run (not a failure).
    pub fn is_redundant(&self) -> bool {
        self.scheduler.redundant().is_some()
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.cfg.seed
    }

    /// The faults the run injects.
    pub fn faults(&self) -> Faults {
        self.scheduler.faults()
    }

    /// The recorded choices so far.
    pub fn choices(&self) -> &Choices {
        self.scheduler.choices()
    }

    /// The units' places.
    pub fn places(&self, unit: &str) -> Option<&UnitPlaces> {
        self.runner.places(unit)
    }

    /// The backend.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.runner.backend()
    }

    /// Commands replaced in an application's units (`*`: all).
    pub fn set_stubs(&mut self, stubs: BTreeMap<String, BTreeMap<String, String>>) {
        self.runner.set_stubs(stubs);
    }

    /// Deploys `formula_dir` as application `name` with `units` units and `config` set.
    pub fn deploy(
        &mut self,
        name: &str,
        formula_dir: &Path,
        units: u32,
        config: BTreeMap<String, Value>,
        placement: Placement,
    ) -> Result<(), SimError> {
        let mut events = Vec::new();
        let peers = self.model.deploy(name, formula_dir, units, config, placement, &mut events)?;
        for id in peers {
            uniter::scope::enter_new_relation(&mut self.model, &self.agents, id);
        }
        self.recorder.emit_all(events);
        for _ in 0..units {
            self.add_unit(name)?;
        }
        Ok(())
    }

    /// Adds a unit to `app`, on a machine the backend makes; returns its name.
    pub fn add_unit(&mut self, app: &str) -> Result<String, SimError> {
        let unit = self.model.new_unit(app)?;
        let address = self.runner.make_unit(&unit)?;
        let mut events = Vec::new();
        self.model.place_unit(&unit, &address, uniter::status::waiting_for_machine(), &mut events);
        self.agents.insert(unit.name.clone(), Agent::new(&unit.name, unit.charm_version));
        self.recorder.emit_all(events);
        Ok(unit.name)
    }

    /// Relates two endpoints; the installed units of both sides enter its scope (and, in a
    /// container-scoped relation, principals get their subordinates).
    pub fn relate(&mut self, a: &EndpointRef, b: &EndpointRef) -> Result<i64, SimError> {
        let mut events = Vec::new();
        let id = self.model.relate(a, b, &mut events)?;
        uniter::scope::enter_new_relation(&mut self.model, &self.agents, id);
        self.recorder.emit_all(events);
        self.add_subordinates()?;
        Ok(id)
    }

    /// Adds the subordinate units that principals in container-scoped relations lack, each on
    /// its principal's machine (spec §6.6).
    fn add_subordinates(&mut self) -> Result<(), SimError> {
        for needed in self.model.subordinates_needed() {
            let unit = self.model.new_subordinate(&needed)?;
            let address = self.runner.make_unit(&unit)?;
            let mut events = Vec::new();
            self.model.place_unit(&unit, &address, uniter::status::waiting_for_machine(), &mut events);
            events.push(Event::Subordinate(trace::Subordinate {
                unit: unit.name.clone(),
                principal: needed.principal.clone(),
                relation: needed.relation,
            }));
            self.agents.insert(unit.name.clone(), Agent::new(&unit.name, unit.charm_version));
            self.recorder.emit_all(events);
        }
        Ok(())
    }

    /// Removes a relation: its units run departed and broken, then it is gone.
    pub fn unrelate(&mut self, a: &EndpointRef, b: &EndpointRef) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.unrelate(a, b, &mut events)?;
        uniter::scope::reap_relations(&mut self.model, &mut events);
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Removes a unit: it tears down its relations, stops and goes.
    pub fn remove_unit(&mut self, unit: &str) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.remove_unit(unit, &mut events)?;
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Removes an application with all its units and relations.
    pub fn remove_application(&mut self, app: &str) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.remove_application(app, &mut events)?;
        uniter::scope::reap_relations(&mut self.model, &mut events);
        uniter::scope::reap_applications(&mut self.model, &mut events);
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Sets config values (`Null` resets to the default).
    pub fn config(&mut self, app: &str, values: BTreeMap<String, Value>) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.config(app, values, &mut events)?;
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Upgrades `app` to the formula in `formula_dir`.
    pub fn upgrade(&mut self, app: &str, formula_dir: &Path) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.upgrade(app, formula_dir, &mut events)?;
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Queues an action on a unit.
    pub fn action(&mut self, unit: &str, name: &str, params: BTreeMap<String, Value>) -> Result<u64, SimError> {
        let mut events = Vec::new();
        let id = self.model.queue_action(unit, name, params, &mut events)?;
        self.recorder.emit_all(events);
        Ok(id)
    }

    /// Makes the next hook of `unit` (named `hook`, if given) fail.
    pub fn fail_next_hook(&mut self, unit: &str, hook: Option<&str>) -> Result<(), SimError> {
        if !self.model.units.contains_key(unit) {
            return err(self.model.unknown_unit(unit));
        }
        self.scheduler.fail_next_hook(unit, hook);
        Ok(())
    }

    /// Resolves a unit in error: retries its failed hook, or marks it done (`retry` false).
    pub fn resolve(&mut self, unit: &str, retry: bool) -> Result<(), SimError> {
        if !self.model.units.contains_key(unit) || !self.agents.contains_key(unit) {
            return err(self.model.unknown_unit(unit));
        }
        let mut events = Vec::new();
        let gone = uniter::operation::resolve(&mut self.model, &mut self.agents, unit, retry, &mut events)
            .map_err(SimError)?;
        if let Some(unit) = gone {
            self.runner.destroy_unit(&unit);
        }
        self.recorder.emit_all(events);
        // An install marked done enters scope as a committed one does.
        self.add_subordinates()
    }

    /// Makes `unit` the leader of its application.
    pub fn elect(&mut self, unit: &str) -> Result<(), SimError> {
        let mut events = Vec::new();
        self.model.elect(unit, &mut events)?;
        self.recorder.emit_all(events);
        Ok(())
    }

    /// Ticks update-status for every unit.
    pub fn update_status(&mut self) {
        let mut events = Vec::new();
        self.model.tick_update_status(&mut events);
        self.recorder.emit_all(events);
    }

    /// Runs one step: one unit acts; `Ok(None)` when no unit has work.
    pub fn step(&mut self) -> Result<Option<HookRecord>, SimError> {
        loop {
            self.end_dead_agents();
            let mut events = Vec::new();
            let pick = self.scheduler.next(&mut self.model, &mut self.agents, &mut events);
            self.recorder.emit_all(events);
            let Some(pick) = pick else {
                if let Some(options) = self.scheduler.redundant() {
                    let options = options.to_vec();
                    self.recorder.emit(Event::Redundant(trace::Redundant { step: self.scheduler.step(), options }));
                    return err(REDUNDANT);
                }
                // Picking may have made units dying (subordinates of a dying principal) that
                // end without a hook; once they are gone, other units may have work.
                if self.end_dead_agents() {
                    continue;
                }
                return Ok(None);
            };
            let record = self.run_hook(&pick.unit, pick.hook, &pick.snapshot)?;
            if self.scheduler.watches_sleep() {
                self.scheduler.after_hook(self.recorder.kept());
            }
            // A principal whose install committed entered its container-scoped relations.
            self.add_subordinates()?;
            return Ok(Some(record));
        }
    }

    /// Removes the units that end without a hook ([`uniter::dead_without_hooks`]) from the
    /// model and their machines; true when any did.
    fn end_dead_agents(&mut self) -> bool {
        let dead = uniter::dead_without_hooks(&self.model, &self.agents);
        let mut events = Vec::new();
        for unit in &dead {
            uniter::scope::remove_unit(&mut self.model, &mut self.agents, unit, &mut events);
            self.runner.destroy_unit(unit);
        }
        self.recorder.emit_all(events);
        !dead.is_empty()
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
            return err(self.model.unknown_unit(unit));
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

    /// Runs `command` with bash in `unit`, in a hook context of no hook, as `juju exec` does:
    /// the charm directory, the hook environment and working hook tools; what it writes
    /// commits when it exits 0, and a failure does not put the unit in error.
    pub fn exec(&mut self, unit: &str, command: &str) -> Result<ExecOutput, SimError> {
        let Some(snap) = Snapshot::take(&self.model, unit) else {
            return err(self.model.unknown_unit(unit));
        };
        let hook = Hook { command: Some(command.to_string()), ..Hook::unit(HookKind::Exec) };
        self.exec_output = None;
        let record = self.run_hook(unit, hook, &snap)?;
        Ok(self.exec_output.take().unwrap_or(ExecOutput {
            code: i32::from(!record.ok),
            stdout: String::new(),
            stderr: record.result,
        }))
    }

    /// The hooks `unit`'s agent would run next on a fresh view of the model, the first being
    /// the one it prefers; empty when it has nothing to do (or is in error).
    pub fn pending_hooks(&self, unit: &str) -> Vec<Hook> {
        match (self.agents.get(unit), Snapshot::take(&self.model, unit)) {
            (Some(agent), Some(snapshot)) => agent.next_hooks(&snapshot),
            _ => Vec::new(),
        }
    }

    /// The workload status `juju status` shows for `unit`: `error` with the failed hook while
    /// the agent is in error (the formula's own status comes back once resolved).
    pub fn shown_status(&self, unit: &str) -> Option<StatusInfo> {
        uniter::status::shown(&self.model, &self.agents, unit)
    }

    /// Records an event of the run in the trace (its steps, expectations, result).
    pub fn trace(&mut self, event: Event) {
        self.recorder.emit(event);
    }

    /// Ends the run: stops processes and removes what the backend made.
    pub fn shutdown(&mut self) {
        // Draws after the last hook (a fault with no hook after it): a replay needs them too.
        let choices = self.recorder.new_draws(self.scheduler.choices());
        self.recorder.emit(Event::End(trace::End { hooks: self.hook_count, choices }));
        self.recorder.flush();
        self.runner.cleanup();
    }
}
