//! Relation scope: when a unit becomes visible to the other side of a relation and when it
//! stops being so, and when what is dying is gone.
//!
//! A unit enters a relation's scope once its `install` has committed (Juju's uniter
//! synchronises scopes after install, before `-relation-created`, `config-changed` or
//! `start`: spec §6.2), with `private-address`, `ingress-address` and `egress-subnets`
//! already in its bag. It leaves after its `-relation-broken` (or, for a peer relation, which
//! has no broken hook, once it departed from every member). A dying relation goes when no
//! unit is in its scope any more; a dying application when it has no units and relations.

use super::Agent;
use crate::model::{Life, Model};
use crate::trace::{ApplicationNamed, Event, RelationNamed, UnitNamed};
use std::collections::BTreeMap;

/// `unit` enters the scope of relation `id`; its bag gets the addresses the controller
/// writes on entry (spec §6.2, `EnterScope`).
pub fn enter(model: &mut Model, id: i64, unit: &str) {
    let Some(address) = model.units.get(unit).map(|u| u.address.clone()) else {
        return;
    };
    // A subordinate joins a container-scoped relation only beside its own principal (spec §6.6).
    if !model.relations.get(&id).is_some_and(|r| model.may_join(r, unit)) {
        return;
    }
    let Some(relation) = model.relations.get_mut(&id) else {
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

/// The alive, installed units of both applications of a new relation `id` enter its scope at
/// once (their agents would on their next look at the model).
pub fn enter_new_relation(model: &mut Model, agents: &BTreeMap<String, Agent>, id: i64) {
    let Some(relation) = model.relations.get(&id) else {
        return;
    };
    let installed: Vec<String> = model
        .units
        .values()
        .filter(|u| relation.involves(&u.app) && u.life == Life::Alive)
        .filter(|u| agents.get(&u.name).is_some_and(|a| a.installed))
        .map(|u| u.name.clone())
        .collect();
    for unit in installed {
        enter(model, id, &unit);
    }
}

/// Once `install` has committed, an alive unit enters the scope of every alive relation of its
/// application.
pub fn enter_after_install(model: &mut Model, unit: &str) {
    let Some(u) = model.units.get(unit).filter(|u| u.life == Life::Alive) else {
        return;
    };
    let ids: Vec<i64> = model.relations_of(&u.app).filter(|r| r.life == Life::Alive).map(|r| r.id).collect();
    for id in ids {
        enter(model, id, unit);
    }
}

/// `unit` leaves the scope of relation `id`; the relation goes if it was dying and this was
/// the last unit in it.
pub fn leave(model: &mut Model, id: i64, unit: &str, events: &mut Vec<Event>) {
    if let Some(relation) = model.relations.get_mut(&id) {
        relation.scope.remove(unit);
    }
    reap_relations(model, events);
}

/// Drops dying relations that no unit is in scope of any more.
pub fn reap_relations(model: &mut Model, events: &mut Vec<Event>) {
    let gone: Vec<i64> =
        model.relations.values().filter(|r| r.life == Life::Dying && r.scope.is_empty()).map(|r| r.id).collect();
    for id in gone {
        // A unit that knew the relation but never entered scope just forgets it.
        model.relations.remove(&id);
        // Grants made in a relation end with it.
        model.secrets.drop_relation_grants(id);
        events.push(Event::RelationRemoved(RelationNamed { relation: id }));
    }
}

/// Drops dying applications that have no units and no relations left.
pub fn reap_applications(model: &mut Model, events: &mut Vec<Event>) {
    let gone: Vec<String> = model
        .apps
        .values()
        .filter(|a| a.life == Life::Dying && !model.units.values().any(|u| u.app == a.name))
        .map(|a| a.name.clone())
        .collect();
    for app in gone {
        if model.relations.values().any(|r| r.involves(&app)) {
            continue;
        }
        model.apps.remove(&app);
        events.push(Event::ApplicationRemoved(ApplicationNamed { application: app }));
    }
}

/// Once `remove` has committed, the unit is gone from the model: out of every scope, its agent
/// stopped, its leadership passed on; what was waiting for it to go goes too.
pub fn remove_unit(model: &mut Model, agents: &mut BTreeMap<String, Agent>, unit: &str, events: &mut Vec<Event>) {
    for relation in model.relations.values_mut() {
        relation.scope.remove(unit);
    }
    model.units.remove(unit);
    // Its storage goes with it (the simulator keeps no detached storage).
    model.storage.instances.retain(|_, s| s.unit != unit);
    agents.remove(unit);
    super::leadership::pass_on(model, unit);
    events.push(Event::UnitRemoved(UnitNamed { unit: unit.to_string() }));
    reap_relations(model, events);
    reap_applications(model, events);
}
