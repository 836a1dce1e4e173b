//! What model time does to the engine (spec §6.5): the update-status timer, automatic hook
//! retries, `wait`, and the reboots `juju-reboot` asks for.
//!
//! Time moves only here: `wait` moves it by a duration, and `settle` moves it to the next
//! hook retry when nothing else is left to do. Whatever falls due on the way runs in time
//! order (update-status before retries at the same instant, retries by unit name), each
//! followed by the hooks it causes, so a run is the same for the same seed.

use super::{Sim, SimError};
use crate::clock::{Millis, Shown};
use crate::error::err;
use crate::trace::{self, Event, HookCount};

/// The most times one `settle` moves the clock on to a hook retry; past it the units still
/// in error are left there and the trace says so (`retry-limit`). Ten retries take 25m15s
/// of model time with Juju's backoff (5s, 10s, … 5m).
pub const MAX_SETTLE_RETRIES: u32 = 10;

/// Something on the clock.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// The update-status timer.
    UpdateStatus,
    /// The retry of a unit's failed hook.
    Retry(String),
}

impl Sim {
    /// Model time now.
    pub fn now(&self) -> Millis {
        self.model.clock.now
    }

    /// Runs steps until no unit has work, at most `max_hooks` of them, without moving the
    /// clock; returns how many ran.
    pub(super) fn run_until_idle(&mut self) -> Result<u64, SimError> {
        let mut ran = 0;
        while self.step()?.is_some() {
            ran += 1;
            if ran >= self.cfg.max_hooks {
                let tail = self.recent.iter().rev().take(12).rev().cloned().collect::<Vec<_>>().join("\n  ");
                self.recorder.emit(Event::SettleFailed(HookCount { hooks: ran }));
                return err(format!("the model did not settle after {ran} hooks; the last hooks were:\n  {tail}"));
            }
        }
        Ok(ran)
    }

    /// Runs steps until no unit has work; a hook retry due later then moves the clock on to
    /// it (at most [`MAX_SETTLE_RETRIES`] times), so that a hook that fails once is retried
    /// and the model settles, as it would on Juju a few seconds later.
    pub fn settle(&mut self) -> Result<u64, SimError> {
        let mut ran = self.run_until_idle()?;
        let mut retries = 0;
        while let Some(due) = self.next_retry() {
            if retries == MAX_SETTLE_RETRIES {
                let units = self
                    .agents
                    .iter()
                    .filter_map(|(unit, a)| a.error.as_ref().map(|e| format!("{unit} {}", e.hook.name())))
                    .collect();
                self.recorder.emit(Event::RetryLimit(trace::RetryLimit { retries, units }));
                break;
            }
            retries += 1;
            self.advance_to(due);
            ran += self.run_until_idle()?;
        }
        self.recorder.emit(Event::Settled(HookCount { hooks: ran }));
        Ok(ran)
    }

    /// Moves model time on by `duration`: what falls due on the way (update-status, hook
    /// retries) runs in time order, each followed by the hooks it causes, as Juju's agents
    /// would act meanwhile. Returns how many hooks ran.
    pub fn wait(&mut self, duration: Millis) -> Result<u64, SimError> {
        let from = self.now();
        let until = from.saturating_add(duration);
        self.recorder.emit(Event::Wait(trace::Wait {
            duration: Shown(duration).to_string(),
            from: Shown(from).to_string(),
            until: Shown(until).to_string(),
        }));
        let mut ran = self.run_until_idle()?;
        while let Some(due) = self.next_due().filter(|(at, _)| *at <= until).map(|(at, _)| at) {
            self.advance_to(due);
            ran += self.run_until_idle()?;
        }
        self.set_now(until);
        Ok(ran)
    }

    /// When the next thing on the clock (update-status, a hook retry) falls due: what a
    /// caller that moves the clock itself (the controller, in real time) waits for.
    pub fn next_due_at(&self) -> Option<Millis> {
        self.next_due().map(|(at, _)| at)
    }

    /// Moves model time on to `until` (never back), firing what falls due on the way in time
    /// order, without running the hooks they cause: the next [`Sim::step`]s run them. The
    /// controller moves its models' clocks so, with the wall clock.
    pub fn advance_clock(&mut self, until: Millis) {
        if until > self.now() {
            self.advance_to(until);
        }
    }

    /// The earliest hook retry due, if any.
    fn next_retry(&self) -> Option<Millis> {
        self.agents.values().filter_map(|a| a.retry_due).min()
    }

    /// The next thing on the clock and when it falls due; the update-status timer goes first
    /// at the same instant, retries by unit name.
    fn next_due(&self) -> Option<(Millis, Due)> {
        let interval = self.model.model_config.update_status_hook_interval;
        let update = (self.model.clock.update_status_due(interval), Due::UpdateStatus);
        let retries = self.agents.iter().filter_map(|(unit, a)| a.retry_due.map(|at| (at, Due::Retry(unit.clone()))));
        std::iter::once(update).chain(retries).min()
    }

    /// Moves the clock to `until`, firing everything due up to it in order.
    fn advance_to(&mut self, until: Millis) {
        while let Some((at, due)) = self.next_due().filter(|(at, _)| *at <= until) {
            self.set_now(at);
            match due {
                Due::UpdateStatus => {
                    let interval = self.model.model_config.update_status_hook_interval;
                    self.model.clock.next_update_status = at + interval;
                    self.update_status();
                }
                Due::Retry(unit) => {
                    let retry = self.agents.get(&unit).map_or(0, |a| a.retry_attempts);
                    if let Some(hook) = self.agents.get_mut(&unit).and_then(|a| a.retry_fired()) {
                        self.recorder.emit(Event::Retry(trace::Retry { unit, hook: hook.name(), retry }));
                    }
                }
            }
        }
        self.set_now(until);
    }

    /// Sets model time (never back), tracing the move.
    fn set_now(&mut self, at: Millis) {
        if at > self.model.clock.now {
            self.model.clock.now = at;
            self.recorder.emit(Event::Clock(trace::Clock { now: Shown(at).to_string() }));
        }
    }

    /// Starts the retry timer of `unit`, whose hook just failed (Juju's backoff: spec §6.5).
    pub(super) fn start_retry_timer(&mut self, unit: &str) {
        let now = self.now();
        let Some(agent) = self.agents.get_mut(unit) else {
            return;
        };
        let Some(hook) = agent.error.as_ref().map(|e| e.hook.name()) else {
            return;
        };
        let (retry, due) = agent.start_retry_timer(now);
        self.recorder.emit(Event::RetryScheduled(trace::RetryScheduled {
            unit: unit.to_string(),
            hook,
            retry,
            after: Shown(due - now).to_string(),
            due: Shown(due).to_string(),
        }));
    }

    /// `unit`'s machine reboots (`juju-reboot`; `now`: with `--now`, its hook killed): the
    /// processes its hooks left running end, its files stay, and a started unit runs start
    /// again once its queued hook (the killed one) has run, as Juju's reboot resolver has it.
    pub(super) fn reboot(&mut self, unit: &str, now: bool) {
        let stopped = self.runner.backend().reboot_unit(unit);
        self.recorder.emit(Event::Reboot(trace::Reboot { unit: unit.to_string(), now, stopped }));
        if let Some(agent) = self.agents.get_mut(unit) {
            agent.reboot_start = agent.started;
        }
        // The agent starts afresh, with no cached relation settings.
        self.caches.remove(unit);
    }
}
