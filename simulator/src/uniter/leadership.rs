//! Leadership as the unit agents see it.
//!
//! The controller grants leadership to one alive unit of an application; a unit learns that
//! it leads from its snapshot and runs `leader-elected` (spec §6.1). There is no
//! `leader-deposed` in Juju: a unit that lost leadership simply stops believing it leads
//! (spec §6.3). A unit's previous snapshot may be stale, but never its leadership, which Juju
//! checks again before running `leader-elected` ([`super::Agent::stale_snapshot`]).

use super::{Agent, Snapshot};
use crate::model::{unit_app, Life, Model};

/// A unit whose snapshot says it no longer leads forgets that it did, with no hook.
pub fn notice_loss(agent: &mut Agent, snap: &Snapshot) {
    if agent.leader && !snap.leader {
        agent.leader = false;
    }
}

/// When the leader `unit` is gone, leadership passes to the first alive unit of its
/// application (by number), or to none.
pub fn pass_on(model: &mut Model, unit: &str) {
    let app = unit_app(unit).to_string();
    let next = model.units_of(&app).iter().find(|u| u.life == Life::Alive).map(|u| u.name.clone());
    if let Some(a) = model.apps.get_mut(&app) {
        if a.leader.as_deref() == Some(unit) {
            a.leader = next;
        }
    }
}
