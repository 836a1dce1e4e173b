//! The scheduler: which unit acts next, on which snapshot, running which of its hooks, and
//! the faults that happen between and in hooks.
//!
//! Juju runs the unit agents concurrently; the simulator runs one hook at a time and lets the
//! seed choose among the orderings Juju allows (spec §6.3): any unit with work may go next;
//! a unit may act on the snapshot it took before instead of a fresh one (so remote commits
//! coalesce); among the hooks of different relations its resolver offers, any may come first.
//! Serial hooks that commit at exit are equivalent to concurrent agents, because no hook can
//! see another's uncommitted writes. Every choice is a draw from [`Choices`], recorded in the
//! trace, so that a run replays from its seed or from its trace.

use crate::choice::Choices;
use crate::exhaustive::SleepWatch;
use crate::fault::{FaultState, Faults, HookFault, StepFault};
use crate::hook::Hook;
use crate::model::Model;
use crate::trace::{self, Event, FaultKind};
use crate::uniter::{self, Agent, Snapshot};
use std::collections::BTreeMap;

/// The next hook to run: the unit, the hook, and the snapshot it was derived from (which the
/// agent commits against).
#[derive(Clone, Debug)]
pub struct Pick {
    /// The unit.
    pub unit: String,
    /// The hook.
    pub hook: Hook,
    /// The snapshot the unit acted on.
    pub snapshot: Snapshot,
}

/// The choices of one run, and the hooks numbered so far.
pub struct Scheduler {
    choices: Choices,
    faults: Faults,
    fault_state: FaultState,
    stale_percent: u32,
    fail_next: BTreeMap<String, Vec<Option<String>>>,
    step: u64,
    /// Pick a unit and its hook in one draw, and keep the options ([`Scheduler::joint`]).
    joint: bool,
    /// The options of the last joint pick, until the hook's event takes them.
    last_candidates: Vec<String>,
    /// An exhaustive run's sleep set: past its prescribed choices, its picks avoid the hooks
    /// other runs already took ([`Scheduler::with_sleep_set`]).
    watch: Option<SleepWatch>,
    /// Set when every option of a pick was asleep: the names, and the run stops.
    redundant: Option<Vec<String>>,
}

impl Scheduler {
    /// A scheduler drawing from `choices`, injecting `faults`, and letting a unit act on its
    /// previous snapshot `stale_percent` of the time it could.
    pub fn new(choices: Choices, faults: Faults, stale_percent: u32) -> Scheduler {
        Scheduler {
            choices,
            faults,
            fault_state: FaultState::default(),
            stale_percent,
            fail_next: BTreeMap::new(),
            step: 0,
            joint: false,
            last_candidates: Vec::new(),
            watch: None,
            redundant: None,
        }
    }

    /// A joint scheduler whose picks past its prescribed choices keep out of `watch`'s sleep
    /// set, and that stops the run when every option is asleep.
    pub fn with_sleep_set(mut self, watch: SleepWatch) -> Scheduler {
        self.watch = Some(watch);
        self
    }

    /// Takes in the hook that just ran, for the sleep set: `events` are the run's so far.
    pub fn after_hook(&mut self, events: &[Event]) {
        if let Some(watch) = &mut self.watch {
            watch.after_hook(events);
        }
    }

    /// Whether the scheduler keeps a sleep set (and so needs the run's events).
    pub fn watches_sleep(&self) -> bool {
        self.watch.is_some()
    }

    /// The options of the pick where every option was asleep, once that happened.
    pub fn redundant(&self) -> Option<&[String]> {
        self.redundant.as_deref()
    }

    /// The scheduler of an exhaustive run: each pick is of a unit and its hook together, among
    /// every unit's offered hooks, and the options are kept for the trace (`candidates`).
    pub fn joint(mut self) -> Scheduler {
        self.joint = true;
        self
    }

    /// Picks the next hook, after moving what changes without one ([`uniter::silent_transitions`])
    /// and the faults that happen between hooks; `None` when no unit has work. The events of
    /// those changes go to `events`.
    pub fn next(
        &mut self,
        model: &mut Model,
        agents: &mut BTreeMap<String, Agent>,
        events: &mut Vec<Event>,
    ) -> Option<Pick> {
        uniter::silent_transitions(model, agents, events);
        let mut candidates = candidates(model, agents);
        if candidates.is_empty() {
            return None;
        }
        if !self.faults.is_off() && self.step_faults(model, events) {
            uniter::silent_transitions(model, agents, events);
            candidates = self::candidates(model, agents);
            if candidates.is_empty() {
                return None;
            }
        }
        if self.joint {
            return self.joint_pick(candidates, agents);
        }
        let index = self.choices.pick("unit", candidates.len());
        let (unit, fresh) = candidates.swap_remove(index);
        let agent = agents.get_mut(&unit)?;
        let snapshot = match agent.stale_snapshot(&fresh) {
            Some(old) if self.choices.chance("stale", self.stale_percent) => old,
            _ => fresh,
        };
        agent.snapshot = Some(snapshot.clone());
        let hooks = agent.next_hooks(&snapshot);
        let pick = self.choices.pick("hook", hooks.len());
        let hook = hooks.into_iter().nth(pick)?;
        Some(Pick { unit, hook, snapshot })
    }

    /// The pick of an exhaustive run: a unit and the hook it runs in one draw among every unit's
    /// offered hooks (so that a reordering can name the hook it moves), which are kept for the
    /// trace. A stale snapshot, when drawn, offers its own hooks, picked by a `hook` draw.
    fn joint_pick(
        &mut self,
        candidates: Vec<(String, Snapshot)>,
        agents: &mut BTreeMap<String, Agent>,
    ) -> Option<Pick> {
        let mut options: Vec<(usize, usize)> = Vec::new();
        self.last_candidates.clear();
        for (at, (unit, fresh)) in candidates.iter().enumerate() {
            let hooks = agents.get(unit).map(|a| a.next_hooks(fresh)).unwrap_or_default();
            for (index, hook) in hooks.iter().enumerate() {
                options.push((at, index));
                self.last_candidates.push(transition_name(unit, hook));
            }
        }
        // By default the first option not asleep; none awake: the run repeats others from here.
        let awake = match &mut self.watch {
            Some(watch) => {
                watch.at_pick(&self.last_candidates);
                self.last_candidates.iter().position(|name| !watch.is_asleep(name))
            }
            None => Some(0),
        };
        let Some(default) = awake else {
            self.redundant = Some(self.last_candidates.clone());
            return None;
        };
        let (at, index) = *options.get(self.choices.pick_or("unit", options.len(), default))?;
        let (unit, fresh) = candidates.into_iter().nth(at)?;
        if let Some(watch) = &mut self.watch {
            watch.picked(&self.last_candidates);
        }
        let agent = agents.get_mut(&unit)?;
        let (snapshot, stale) = match agent.stale_snapshot(&fresh) {
            Some(old) if self.choices.chance("stale", self.stale_percent) => (old, true),
            _ => (fresh, false),
        };
        agent.snapshot = Some(snapshot.clone());
        let hooks = agent.next_hooks(&snapshot);
        let index = if stale { self.choices.pick("hook", hooks.len()) } else { index };
        let hook = hooks.into_iter().nth(index)?;
        Some(Pick { unit, hook, snapshot })
    }

    /// Draws and applies the faults that happen between two hooks; true when any did.
    fn step_faults(&mut self, model: &mut Model, events: &mut Vec<Event>) -> bool {
        let happened = self.fault_state.before_step(&self.faults, &mut self.choices, model);
        let step = self.step + 1;
        for fault in &happened {
            match fault {
                StepFault::Tick => {
                    events.push(Event::Fault(trace::Fault { step, fault: FaultKind::Tick, unit: None, hook: None }));
                    model.tick_update_status(events);
                }
                StepFault::Elect(unit) => {
                    let fault = trace::Fault { step, fault: FaultKind::Leader, unit: Some(unit.clone()), hook: None };
                    events.push(Event::Fault(fault));
                    // The fault picked an alive unit: electing it cannot fail.
                    let _ = model.elect(unit, events);
                }
            }
        }
        !happened.is_empty()
    }

    /// The options of the last joint pick (`unit hook [remote]`, units in name order; empty
    /// once taken, without joint picks, and for a hook the scheduler did not pick).
    pub fn take_candidates(&mut self) -> Vec<String> {
        std::mem::take(&mut self.last_candidates)
    }

    /// Starts the next hook: its step number (from 1).
    pub fn begin_step(&mut self) -> u64 {
        self.step += 1;
        self.step
    }

    /// The step of the last hook started (0 before the first).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Draws the fault of `hook`, about to run; `retry` when it runs again after a fault.
    pub fn hook_fault(&mut self, hook: &Hook, retry: bool) -> Option<HookFault> {
        self.fault_state.for_hook(&self.faults, &mut self.choices, hook, retry)
    }

    /// Draws whether a hook that could read stale settings from its unit's cache does.
    pub fn stale_fault(&mut self) -> bool {
        self.fault_state.for_stale(&self.faults, &mut self.choices)
    }

    /// Makes the next hook of `unit` (named `hook`, if given) fail.
    pub fn fail_next_hook(&mut self, unit: &str, hook: Option<&str>) {
        self.fail_next.entry(unit.to_string()).or_default().push(hook.map(str::to_string));
    }

    /// Whether a failure was asked for the hook `name` of `unit` ([`Scheduler::fail_next_hook`]);
    /// takes it.
    pub fn take_injected_failure(&mut self, unit: &str, name: &str) -> bool {
        let Some(list) = self.fail_next.get_mut(unit) else {
            return false;
        };
        let Some(at) = list.iter().position(|h| h.as_deref().is_none_or(|h| h == name)) else {
            return false;
        };
        list.remove(at);
        true
    }

    /// A number for identifiers (context ids), drawn without being recorded as a choice.
    pub fn token(&mut self) -> u64 {
        self.choices.token()
    }

    /// The choices so far.
    pub fn choices(&self) -> &Choices {
        &self.choices
    }

    /// The faults the run injects.
    pub fn faults(&self) -> Faults {
        self.faults
    }
}

/// How a trace names a unit running a hook: `wiki/0 db-relation-joined db/0`.
pub fn transition_name(unit: &str, hook: &Hook) -> String {
    name_transition(unit, &hook.name(), hook.remote_unit.as_deref().or(hook.remote_app.as_deref()))
}

/// The name of `unit` running `hook` for `remote` (a unit or application), as
/// [`transition_name`] gives it and the exhaustive search reads it back.
pub fn name_transition(unit: &str, hook: &str, remote: Option<&str>) -> String {
    match remote {
        Some(remote) => format!("{unit} {hook} {remote}"),
        None => format!("{unit} {hook}"),
    }
}

/// The unit of a transition's name.
pub fn transition_unit(name: &str) -> &str {
    name.split(' ').next().unwrap_or("")
}

/// Units that have work, each with its fresh snapshot, in name order.
fn candidates(model: &Model, agents: &BTreeMap<String, Agent>) -> Vec<(String, Snapshot)> {
    let mut candidates = Vec::new();
    for (name, agent) in agents {
        let Some(fresh) = Snapshot::take(model, name) else {
            continue;
        };
        if !agent.next_hooks(&fresh).is_empty() {
            candidates.push((name.clone(), fresh));
        }
    }
    candidates
}
