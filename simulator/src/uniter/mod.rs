//! The unit agent (Juju's "uniter"): every rule by which a unit decides what to run and what
//! follows from it, in the order of the contract (spec §6).
//!
//! - **The remote state** (§6.1): a unit acts on a [`Snapshot`] of the model (versions, not
//!   data) and compares it with what its [`Agent`] has seen, so hooks come from differences,
//!   not from an event log ([`snapshot`]).
//! - **The resolver chain** (§6.1): [`Agent::next_hooks`], ordered early returns, one per
//!   resolver of Juju's `NextOp` ([`agent`]).
//! - **Commit rules** (§6.1): what the agent records when a hook commits, and the hooks it
//!   queues (start after the first config-changed, config-changed after upgrade-charm):
//!   [`Agent::commit`]. What the commit causes in the model: [`operation::after_commit`].
//! - **Statuses Juju sets** (§6.1, §6.4): "waiting for machine", "installing charm
//!   software" as install starts, `unknown` after start, "stopping charm software" as stop
//!   starts and `maintenance` after it, "cleaning up prior to charm deletion" as remove starts
//!   and `terminated` after it, and `error` shown while in error ([`status`]).
//! - **Entering and leaving scope** (§6.2): after install, before relation-created; out after
//!   relation-broken; dying relations and applications go when nothing holds them ([`scope`]).
//! - **Leadership** (§6.2, §6.3): leader-elected when a unit learns it leads, no
//!   leader-deposed, leadership never stale ([`leadership`], [`Agent::stale_snapshot`]).
//! - **What changes without a hook** (§6.3): [`silent_transitions`].
//! - **Failure semantics** (§6.4): a hook that fails puts the unit in error with its writes
//!   discarded; actions still run, and their result never puts the unit in error; `juju
//!   resolved` retries or skips the hook; an agent restarted mid-hook runs it again
//!   ([`operation`], with [`Agent::hook_failed`] and [`Agent::hook_interrupted`]).
//! - **What a hook's context knows** (§4, §6.2): the relation members and relations
//!   `relation-list` and `relation-ids` answer with ([`context`]).
//!
//! The engine asks, in this order each step: [`silent_transitions`], then which units have
//! work ([`Agent::next_hooks`] on a fresh snapshot, or a stale one: [`Agent::stale_snapshot`]),
//! then runs one hook between [`operation::prepare`] and its [`operation::Ending`]
//! ([`crate::scheduler`], [`crate::sim`]).

pub mod agent;
pub mod cache;
pub mod context;
pub mod leadership;
pub mod operation;
pub mod scope;
pub mod snapshot;
pub mod status;

pub use agent::{Agent, HookError, LocalRelation};
pub use snapshot::{RelationView, Snapshot};

use crate::model::Model;
use crate::trace::Event;
use std::collections::BTreeMap;

/// Moves what changes without a hook: a unit that lost leadership stops believing it leads
/// (there is no leader-deposed in Juju), even in error; for a unit not in error, the peer
/// relations of a dying unit or relation end (there is no relation-broken for peers), the unit
/// leaves their scope, and a dying relation left with no unit in scope goes.
pub fn silent_transitions(model: &mut Model, agents: &mut BTreeMap<String, Agent>, events: &mut Vec<Event>) {
    // Subordinates whose principal or container relation is going go too (spec §6.6).
    for (unit, reason) in model.subordinates_to_destroy() {
        if let Some(u) = model.units.get_mut(&unit) {
            u.life = crate::model::Life::Dying;
        }
        let principal = model.units.get(&unit).and_then(|u| u.principal.clone()).unwrap_or_default();
        events.push(Event::SubordinateDying(crate::trace::SubordinateDying {
            unit,
            principal,
            reason: reason.to_string(),
        }));
    }
    let names: Vec<String> = agents.keys().cloned().collect();
    for name in names {
        let Some(snap) = Snapshot::take(model, &name) else {
            continue;
        };
        let Some(agent) = agents.get_mut(&name) else {
            continue;
        };
        leadership::notice_loss(agent, &snap);
        if agent.error.is_some() {
            continue;
        }
        let ended = agent.end_silent_relations(&snap);
        for id in ended {
            scope::leave(model, id, &name, events);
        }
    }
}

/// The units whose agent ends without another hook: dying before install ran, with nothing
/// queued or failed. Juju's resolver runs `remove` only after install (spec §6.1), so such a
/// unit goes straight away; the engine removes it from the model and its machine.
pub fn dead_without_hooks(model: &Model, agents: &BTreeMap<String, Agent>) -> Vec<String> {
    agents
        .iter()
        .filter(|(name, agent)| {
            !agent.installed
                && !agent.removed
                && agent.error.is_none()
                && agent.retry.is_none()
                && agent.queued.is_none()
                && model.units.get(name.as_str()).is_some_and(|u| u.life == crate::model::Life::Dying)
        })
        .map(|(name, _)| name.clone())
        .collect()
}
