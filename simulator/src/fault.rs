//! Faults: the things Juju allows to happen between and during hooks, injected at a rate.
//!
//! Each is opt-in (a rate in percent, 0 by default) and each decision is a draw through
//! [`Choices`], so it is recorded in the trace and replays. They only produce orderings Juju
//! allows (spec §6.3 and §6.4):
//!
//! - **leader**: leadership moves to another alive unit of the application between two
//!   hooks. The old leader runs no hook (Juju has no leader-deposed); the new one runs
//!   leader-elected when it next acts.
//! - **fail**: a hook fails once, the unit goes into error, and the hook is retried, as
//!   Juju's automatic retry or an operator's `juju resolve` does: the same hook, with the same
//!   relation and remote unit. The seed draws where it fails ([`FailAt`]): before it starts,
//!   killed in its Nth tool call, or after it ran; its relation, port and state writes are
//!   discarded as for any failed hook, but the files it wrote stay, so a hook that cannot run
//!   twice fails its retry.
//! - **restart**: the unit agent restarts while a hook runs: the hook ran (its immediate
//!   effects such as `status-set` stay) but is interrupted before its commit, so its buffered
//!   writes are discarded and the same hook runs again.
//! - **tick**: the update-status timer fires, and every started unit runs update-status.
//! - **stale**: a hook reads other members' relation settings from its unit's cache, as
//!   Juju's `context/cache.go` `RelationCache` serves them, instead of the latest commit: what
//!   the unit last read of a member since that member was last the remote unit of one of its
//!   hooks (spec §4.3, relation-get). Drawn only for a hook whose unit holds such a value that
//!   is older than the latest commit ([`crate::uniter::cache`]).
//!
//! A budget bounds how many faults one run gets, so that a model can still settle.

use crate::choice::Choices;
use crate::hook::{Hook, HookKind};
use crate::model::{Life, Model};

/// Fault rates (percent per step or per hook) and the budget of one run. Its schema is that
/// of a scenario's `faults:` (`formula schema scenario`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Faults {
    /// Leadership moves before a step (percent).
    #[serde(default)]
    #[schemars(range(max = 100))]
    pub leader: u32,
    /// A hook fails once and is retried (percent).
    #[serde(default)]
    #[schemars(range(max = 100))]
    pub fail: u32,
    /// The unit agent restarts during a hook, which runs again (percent).
    #[serde(default)]
    #[schemars(range(max = 100))]
    pub restart: u32,
    /// The update-status timer fires before a step (percent).
    #[serde(default)]
    #[schemars(range(max = 100))]
    pub tick: u32,
    /// A hook reads other members' settings from its unit's cache, not the latest commit (percent).
    #[serde(default)]
    #[schemars(range(max = 100))]
    pub stale: u32,
    /// The most faults one run gets (0: the default, 10).
    #[serde(default)]
    #[schemars(range(max = 10000))]
    pub budget: u32,
}

/// The most faults a run gets when no budget is given.
pub const DEFAULT_BUDGET: u32 = 10;

/// The names `--faults` and the scenario's `faults:` accept.
pub const NAMES: &[&str] = &["leader", "fail", "restart", "tick", "stale", "budget"];

impl Faults {
    /// Whether no fault can happen.
    pub fn is_off(&self) -> bool {
        self.leader == 0 && self.fail == 0 && self.restart == 0 && self.tick == 0 && self.stale == 0
    }

    /// The budget in force.
    pub fn budget(&self) -> u32 {
        if self.budget == 0 {
            DEFAULT_BUDGET
        } else {
            self.budget
        }
    }

    /// Sets one fault by name; an error names the known ones or the allowed values.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), String> {
        let limit = if name == "budget" { 10_000 } else { 100 };
        if value > limit {
            return Err(format!("fault `{name}` must be from 0 to {limit}, not {value}"));
        }
        let value = value as u32;
        match name {
            "leader" => self.leader = value,
            "fail" => self.fail = value,
            "restart" => self.restart = value,
            "tick" => self.tick = value,
            "stale" => self.stale = value,
            "budget" => self.budget = value,
            _ => return Err(format!("unknown fault `{name}`; faults: {}", NAMES.join(", "))),
        }
        Ok(())
    }

    /// Reads `leader=5,fail=3,restart=2,tick=5,stale=5` (each rate in percent; `budget=N` optional).
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(format!("`{part}` is not NAME=PERCENT (faults: {})", NAMES.join(", ")));
            };
            let value: u64 =
                value.trim().parse().map_err(|_| format!("fault `{name}` needs a whole number, not `{value}`"))?;
            faults.set(name.trim(), value)?;
        }
        Ok(faults)
    }

    /// The `--faults` text that gives these faults (empty when off).
    pub fn spec(&self) -> String {
        if self.is_off() {
            return String::new();
        }
        let mut parts = vec![
            format!("leader={}", self.leader),
            format!("fail={}", self.fail),
            format!("restart={}", self.restart),
            format!("tick={}", self.tick),
        ];
        // Only when on, so that the traces of runs without it keep their header.
        if self.stale != 0 {
            parts.push(format!("stale={}", self.stale));
        }
        if self.budget != 0 {
            parts.push(format!("budget={}", self.budget));
        }
        parts.join(",")
    }
}

/// What happens before a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepFault {
    /// Leadership of the unit's application moves to it.
    Elect(String),
    /// The update-status timer fires.
    Tick,
}

/// Where an injected failure strikes a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailAt {
    /// Before it starts: it does nothing.
    Start,
    /// Its process is killed in its Nth tool call, before the answer: what came before the
    /// call ran, nothing after it did (a hook that makes fewer calls, or a WebAssembly hook,
    /// runs to its end and fails then).
    AfterCalls(u32),
    /// After it ran to its end, whatever its exit.
    End,
}

/// What happens to a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookFault {
    /// It fails (where: [`FailAt`]); the unit goes into error and the hook is retried.
    Fail(FailAt),
    /// It runs, but the agent restarts before its commit; the hook runs again.
    Restart,
}

/// The faults of one run so far.
#[derive(Clone, Debug, Default)]
pub struct FaultState {
    used: u32,
}

impl FaultState {
    fn spend(&mut self, faults: &Faults) -> bool {
        if self.used >= faults.budget() {
            return false;
        }
        self.used += 1;
        true
    }

    fn left(&self, faults: &Faults) -> bool {
        self.used < faults.budget()
    }

    /// Draws the faults that happen before a step, in a fixed order (tick, then leader).
    pub fn before_step(&mut self, faults: &Faults, choices: &mut Choices, model: &Model) -> Vec<StepFault> {
        let mut out = Vec::new();
        if !self.left(faults) {
            return out;
        }
        if choices.chance("fault-tick", faults.tick) && self.spend(faults) {
            out.push(StepFault::Tick);
        }
        if faults.leader > 0 && self.left(faults) {
            // Applications where leadership can move: two alive units or more.
            let movable: Vec<(&String, Vec<&String>)> = model
                .apps
                .values()
                .filter(|a| a.life == Life::Alive)
                .map(|a| {
                    let others: Vec<&String> = model
                        .units
                        .values()
                        .filter(|u| u.app == a.name && u.life == Life::Alive && a.leader.as_ref() != Some(&u.name))
                        .map(|u| &u.name)
                        .collect();
                    (&a.name, others)
                })
                .filter(|(_, others)| !others.is_empty())
                .collect();
            if !movable.is_empty() && choices.chance("fault-leader", faults.leader) && self.spend(faults) {
                let (_, others) = &movable[choices.pick("fault-leader-app", movable.len())];
                let unit = others[choices.pick("fault-leader-unit", others.len())];
                out.push(StepFault::Elect(unit.clone()));
            }
        }
        out
    }

    /// Draws the fault of a hook about to run; `retry` when it is a hook run again after a
    /// fault (a hook fails or is interrupted once, not forever).
    pub fn for_hook(&mut self, faults: &Faults, choices: &mut Choices, hook: &Hook, retry: bool) -> Option<HookFault> {
        if retry || hook.kind == HookKind::Action || !self.left(faults) {
            return None;
        }
        if choices.chance("fault-fail", faults.fail) && self.spend(faults) {
            let at = match choices.pick("fault-fail-at", 3) {
                0 => FailAt::Start,
                1 => FailAt::AfterCalls(1 + choices.pick("fault-fail-calls", 3) as u32),
                _ => FailAt::End,
            };
            return Some(HookFault::Fail(at));
        }
        if choices.chance("fault-restart", faults.restart) && self.spend(faults) {
            return Some(HookFault::Restart);
        }
        None
    }

    /// Draws whether a hook that could read stale settings ([`crate::uniter::cache`]) does.
    /// No draw when the rate is 0, so that runs without the fault keep their seeds.
    pub fn for_stale(&mut self, faults: &Faults, choices: &mut Choices) -> bool {
        if faults.stale == 0 || !self.left(faults) {
            return false;
        }
        choices.chance("fault-stale", faults.stale) && self.spend(faults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_spec_round_trip() {
        let f = Faults::parse("leader=5, fail=3,restart=2,tick=5").unwrap_or_default();
        assert_eq!(f, Faults { leader: 5, fail: 3, restart: 2, tick: 5, stale: 0, budget: 0 });
        assert_eq!(f.spec(), "leader=5,fail=3,restart=2,tick=5", "no stale=0 in the header");
        let stale = Faults::parse("stale=40").unwrap_or_default();
        assert_eq!((stale.stale, stale.spec().as_str()), (40, "leader=0,fail=0,restart=0,tick=0,stale=40"));
        assert_eq!(Faults::parse(&stale.spec()), Ok(stale));
        assert_eq!(Faults::parse(&f.spec()), Ok(f));
        assert_eq!(Faults::parse(""), Ok(Faults::default()));
        assert!(Faults::default().is_off());
    }

    #[test]
    fn parse_names_the_problem() {
        assert_eq!(
            Faults::parse("lead=5"),
            Err("unknown fault `lead`; faults: leader, fail, restart, tick, stale, budget".into())
        );
        assert_eq!(Faults::parse("fail=101"), Err("fault `fail` must be from 0 to 100, not 101".into()));
        assert_eq!(
            Faults::parse("tick"),
            Err("`tick` is not NAME=PERCENT (faults: leader, fail, restart, tick, stale, budget)".into())
        );
        assert_eq!(Faults::parse("tick=x"), Err("fault `tick` needs a whole number, not `x`".into()));
    }

    #[test]
    fn no_rate_no_draw_and_the_budget_bounds_faults() {
        let hook = Hook::unit(HookKind::Install);
        let mut choices = Choices::seeded(1);
        let mut state = FaultState::default();
        assert_eq!(state.for_hook(&Faults::default(), &mut choices, &hook, false), None);
        assert!(choices.draws().is_empty(), "faults off must not change what a seed means");
        let always = Faults { fail: 100, budget: 3, ..Faults::default() };
        let got: Vec<_> = (0..10).filter_map(|_| state.for_hook(&always, &mut choices, &hook, false)).collect();
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|f| matches!(f, HookFault::Fail(_))), "{got:?}");
        assert_eq!(state.for_hook(&always, &mut Choices::seeded(2), &hook, true), None, "a retry is not failed again");
        let mut fresh = Choices::seeded(3);
        assert!(!FaultState::default().for_stale(&Faults::default(), &mut fresh));
        assert!(fresh.draws().is_empty(), "stale off must not draw");
        let stale = Faults { stale: 100, budget: 1, ..Faults::default() };
        let mut state = FaultState::default();
        assert!(state.for_stale(&stale, &mut fresh));
        assert!(!state.for_stale(&stale, &mut fresh), "the budget bounds it too");
    }

    #[test]
    fn a_failure_strikes_before_during_or_after_the_hook() {
        let hook = Hook::unit(HookKind::Install);
        let always = Faults { fail: 100, budget: 10_000, ..Faults::default() };
        let mut state = FaultState::default();
        let mut choices = Choices::seeded(7);
        let mut seen = Vec::new();
        for _ in 0..200 {
            match state.for_hook(&always, &mut choices, &hook, false) {
                Some(HookFault::Fail(FailAt::AfterCalls(n))) => {
                    assert!((1..=3).contains(&n), "{n}");
                    seen.push("calls");
                }
                Some(HookFault::Fail(FailAt::Start)) => seen.push("start"),
                Some(HookFault::Fail(FailAt::End)) => seen.push("end"),
                other => panic!("{other:?}"),
            }
        }
        for place in ["start", "calls", "end"] {
            assert!(seen.contains(&place), "{place} never drawn");
        }
    }
}
