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

/// Sets `unit`'s status whatever the formula had set, as Juju's `beforeHook`/`afterHook` do
/// around stop and remove.
fn overwrite(model: &mut Model, unit: &str, current: &str, message: &str) {
    if let Some(u) = model.units.get_mut(unit) {
        u.status = status(current, message);
    }
}

/// As `stop` starts: `maintenance`, "stopping charm software", whatever the formula had set
/// (spec §6.1; Juju's `operation/runhook.go` `beforeHook` sets it unconditionally).
pub fn stopping(model: &mut Model, unit: &str) {
    overwrite(model, unit, "maintenance", "stopping charm software");
}

/// Once `stop` has succeeded: `maintenance` with no message (`afterHook`), whatever the hook set.
pub fn stopped(model: &mut Model, unit: &str) {
    overwrite(model, unit, "maintenance", "");
}

/// As `remove` starts: `maintenance`, "cleaning up prior to charm deletion" (`beforeHook`).
pub fn removing(model: &mut Model, unit: &str) {
    overwrite(model, unit, "maintenance", "cleaning up prior to charm deletion");
}

/// Once `remove` has succeeded: `terminated` with no message (`afterHook`). The unit then
/// leaves the model, so no status table shows it for long (on Juju, neither).
pub fn terminated(model: &mut Model, unit: &str) {
    overwrite(model, unit, "terminated", "");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewUnit, StatusInfo};

    fn model_with(unit: &str) -> Model {
        let mut model = Model::new("m");
        let new = NewUnit {
            name: unit.into(),
            app: "wiki".into(),
            charm_version: 1,
            formula_dir: Default::default(),
            host_network: false,
            release: Default::default(),
            principal: None,
        };
        model.place_unit(&new, "10.0.0.1", waiting_for_machine(), &mut Vec::new());
        model
    }

    fn shown_in(model: &Model, agents: &BTreeMap<String, Agent>) -> StatusInfo {
        shown(model, agents, "wiki/0").unwrap_or_default()
    }

    #[test]
    fn juju_sets_statuses_where_the_formula_has_not() {
        let mut model = model_with("wiki/0");
        let agents = BTreeMap::new();
        assert_eq!(shown_in(&model, &agents).message, "waiting for machine");
        installing(&mut model, "wiki/0");
        assert_eq!(shown_in(&model, &agents).message, "installing charm software");
        started(&mut model, "wiki/0");
        assert_eq!(shown_in(&model, &agents).status, "unknown");
        stopping(&mut model, "wiki/0");
        assert_eq!(shown_in(&model, &agents).message, "stopping charm software");
        stopped(&mut model, "wiki/0");
        let after_stop = shown_in(&model, &agents);
        assert_eq!((after_stop.status.as_str(), after_stop.message.as_str()), ("maintenance", ""));
        removing(&mut model, "wiki/0");
        assert_eq!(shown_in(&model, &agents).message, "cleaning up prior to charm deletion");
        terminated(&mut model, "wiki/0");
        let gone = shown_in(&model, &agents);
        assert_eq!((gone.status.as_str(), gone.message.as_str()), ("terminated", ""));
    }

    #[test]
    fn a_formula_status_stays_but_error_shows_while_in_error() {
        let mut model = model_with("wiki/0");
        if let Some(u) = model.units.get_mut("wiki/0") {
            u.status = status("active", "ready");
            u.status_set = true;
        }
        installing(&mut model, "wiki/0");
        started(&mut model, "wiki/0");
        assert_eq!(shown_in(&model, &BTreeMap::new()).message, "ready");
        let mut agent = Agent::new("wiki/0", 1);
        agent.hook_failed(&crate::hook::Hook::unit(crate::hook::HookKind::ConfigChanged));
        let agents: BTreeMap<String, Agent> = [("wiki/0".to_string(), agent)].into();
        let shown = shown_in(&model, &agents);
        assert_eq!((shown.status.as_str(), shown.message.as_str()), ("error", "hook failed: \"config-changed\""));
        stopping(&mut model, "wiki/0");
        assert_eq!(
            shown_in(&model, &BTreeMap::new()).message,
            "stopping charm software",
            "Juju sets it before stop over the formula's own status"
        );
    }
}
