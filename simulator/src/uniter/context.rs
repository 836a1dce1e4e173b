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

/// The relations of `known` that are *broken* in a hook's context, as Juju 3.x's
/// `contextfactory.go` `getContextRelations` decides: not a peer relation, no longer alive,
/// and no members left in the agent's state. `relation-ids` leaves them out (`context.go`
/// `RelationIds`); they stay reachable by id, so a relation's own -broken hook still reads it
/// (spec §4.3).
pub fn broken_relations(agent: Option<&Agent>, model: &Model, known: &[i64]) -> Vec<i64> {
    known
        .iter()
        .copied()
        .filter(|id| {
            let Some(relation) = model.relations.get(id) else {
                return false;
            };
            let members = agent.and_then(|a| a.relations.get(id)).map_or(0, |r| r.members.len());
            !relation.is_peer() && relation.life != crate::model::Life::Alive && members == 0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Life, Relation, RelationEnd};
    use formula_sdk::format::{Role, Scope};

    fn end(app: &str, role: Role) -> RelationEnd {
        RelationEnd { app: app.into(), endpoint: "db".into(), role, interface: "sql".into(), scope: Scope::Global }
    }

    #[test]
    fn a_dying_relation_without_members_is_broken_but_a_peer_relation_never_is() {
        let mut model = Model::new("m");
        let relation = |id, ends, life| Relation {
            id,
            ends,
            life,
            scope: Default::default(),
            unit_bags: Default::default(),
            app_bags: Default::default(),
        };
        model
            .relations
            .insert(1, relation(1, vec![end("wiki", Role::Requirer), end("db", Role::Provider)], Life::Dying));
        model
            .relations
            .insert(2, relation(2, vec![end("wiki", Role::Requirer), end("db", Role::Provider)], Life::Dying));
        model
            .relations
            .insert(3, relation(3, vec![end("wiki", Role::Requirer), end("db", Role::Provider)], Life::Alive));
        model.relations.insert(4, relation(4, vec![end("wiki", Role::Peer)], Life::Dying));
        let mut agent = Agent::new("wiki/0", 1);
        for id in [1, 2, 3, 4] {
            agent.relations.insert(id, crate::uniter::LocalRelation { created: true, ..Default::default() });
        }
        if let Some(r) = agent.relations.get_mut(&2) {
            r.members.insert("db/0".into(), 1);
        }
        // 1: dying, no members: broken. 2: dying, a member left. 3: alive. 4: a peer relation.
        assert_eq!(broken_relations(Some(&agent), &model, &[1, 2, 3, 4]), vec![1]);
    }
}
