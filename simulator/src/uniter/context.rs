//! What a hook's context knows of relations, from its agent's state (Juju's
//! `runner/context/contextfactory.go`): `relation-list` and `relation-ids` answer from it.

use super::Agent;
use crate::hook::{Hook, HookKind};
use crate::model::Model;
use std::collections::BTreeMap;

/// Relation members as `hook` sees them: the agent's members, with a joining unit already in
/// and a departing unit already out, sorted by name.
pub fn members(agent: Option<&Agent>, hook: &Hook) -> BTreeMap<i64, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(agent) = agent else {
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

/// The relations `hook` knows, sorted: those its agent created and has not broken, and the
/// hook's own, as long as the model still has them.
pub fn known_relations(agent: Option<&Agent>, model: &Model, hook: &Hook) -> Vec<i64> {
    let mut ids: Vec<i64> = agent
        .map(|a| a.relations.iter().filter(|(_, r)| r.created && !r.broken).map(|(id, _)| *id).collect())
        .unwrap_or_default();
    if let Some(id) = hook.relation {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.retain(|id| model.relations.contains_key(id));
    ids.sort();
    ids
}
