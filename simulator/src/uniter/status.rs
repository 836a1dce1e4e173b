//! The workload statuses Juju sets around a formula's own, in the order of a unit's life.
//!
//! A formula sets its status with `status-set`; Juju sets one where the formula has not (or,
//! for `stop`, whatever the formula said) and shows `error` over it while the agent is in
//! error. Once a hook has set a status ([`crate::model::Unit::status_set`]), Juju leaves it
//! alone except at `stop`.

use super::Agent;
use crate::model::{Model, StatusInfo};
use std::collections::BTreeMap;

fn status(status: &str, message: &str) -> StatusInfo {
    StatusInfo { status: status.into(), message: message.into(), data: BTreeMap::new() }
}

/// A new unit's status, before its agent runs anything: `waiting`, "waiting for machine".
pub fn waiting_for_machine() -> StatusInfo {
    status("waiting", "waiting for machine")
}

/// As `install` starts: `maintenance`, "installing charm software", unless a hook of the unit
/// set a status already (a retried install keeps what the failed one set).
pub fn installing(model: &mut Model, unit: &str) {
    if let Some(u) = model.units.get_mut(unit).filter(|u| !u.status_set) {
        u.status = status("maintenance", "installing charm software");
    }
}

/// Once `start` has committed: `unknown` with no message, when the formula never set one.
pub fn started(model: &mut Model, unit: &str) {
    if let Some(u) = model.units.get_mut(unit).filter(|u| !u.status_set) {
        u.status = status("unknown", "");
    }
}

/// Once `stop` has committed: `maintenance`, "stopping charm software", unless the formula
/// itself said `error`.
pub fn stopping(model: &mut Model, unit: &str) {
    if let Some(u) = model.units.get_mut(unit).filter(|u| !u.status_set || u.status.status != "error") {
        u.status = status("maintenance", "stopping charm software");
    }
}

/// The workload status `juju status` shows for `unit`: `error` with the failed hook's message
/// while the agent is in error (the formula's own status comes back once resolved), else the
/// unit's. `None` when there is no such unit.
pub fn shown(model: &Model, agents: &BTreeMap<String, Agent>, unit: &str) -> Option<StatusInfo> {
    let u = model.units.get(unit)?;
    match agents.get(unit).and_then(|a| a.error.as_ref()) {
        Some(error) => Some(status("error", &error.message)),
        None => Some(u.status.clone()),
    }
}
