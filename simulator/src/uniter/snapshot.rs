//! What a unit agent sees of the model at one moment (Juju's remote state).
//!
//! Juju's uniter does not follow an event log: it takes a snapshot of the remote state
//! (relations and their members' settings versions, config and charm versions, leadership,
//! life, actions, the update-status tick) and compares it with what it has seen (spec §6.1).
//! A snapshot holds versions, not data, because versions are what the uniter compares.

use crate::model::{Life, Model};
use std::collections::BTreeMap;

/// What a unit sees of one relation in a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationView {
    /// This unit's endpoint.
    pub endpoint: String,
    /// The other application (own application for peers).
    pub remote_app: String,
    /// Peer relation.
    pub peer: bool,
    /// Alive or dying.
    pub life: Life,
    /// Remote units in scope and their bag versions.
    pub members: BTreeMap<String, u64>,
    /// Remote application bag versions (0: never written).
    pub app_versions: BTreeMap<String, u64>,
}

/// A unit's view of the model at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The unit's life.
    pub life: Life,
    /// Whether it is the leader.
    pub leader: bool,
    /// The application's config version.
    pub config_version: u64,
    /// The application's charm version.
    pub charm_version: u64,
    /// The leader settings version.
    pub leader_settings_version: u64,
    /// The update-status tick.
    pub update_tick: u64,
    /// Relations of the unit's application, by id.
    pub relations: BTreeMap<i64, RelationView>,
    /// Pending actions: (id, name).
    pub actions: Vec<(u64, String)>,
    /// The unit's subordinate units still in the model (a principal goes after them).
    pub subordinates: Vec<String>,
    /// Secrets it reads whose latest revision is newer than the one it tracks: id, latest
    /// revision and its label for them.
    pub secrets_changed: BTreeMap<String, (u32, Option<String>)>,
    /// The storage instances attached to it, by name then number.
    pub storage: Vec<String>,
}

impl Snapshot {
    /// Takes `unit`'s snapshot of `model`; `None` when the unit is gone.
    pub fn take(model: &Model, unit: &str) -> Option<Snapshot> {
        let u = model.units.get(unit)?;
        let app = model.apps.get(&u.app)?;
        let mut relations = BTreeMap::new();
        for relation in model.relations_of(&u.app) {
            let Some(end) = relation.end_of(&u.app) else {
                continue;
            };
            // A subordinate does not see a container-scoped relation of another principal.
            if !model.may_join(relation, unit) {
                continue;
            }
            let remote_app = relation.remote_app(&u.app);
            let mut members = BTreeMap::new();
            let mut app_versions = BTreeMap::new();
            // Only a unit in scope sees the others; it enters scope once installed.
            if relation.scope.contains(unit) {
                for member in &relation.scope {
                    let member_app = crate::model::unit_app(member);
                    if member == unit || (!relation.is_peer() && member_app == u.app) {
                        continue;
                    }
                    // In a container-scoped relation, only units in the same container.
                    if !model.sees(relation, unit, member) {
                        continue;
                    }
                    let version = relation.unit_bags.get(member).map_or(0, |b| b.version);
                    members.insert(member.clone(), version);
                }
                let version = relation.app_bags.get(&remote_app).map_or(0, |b| b.version);
                app_versions.insert(remote_app.clone(), version);
            }
            relations.insert(
                relation.id,
                RelationView {
                    endpoint: end.endpoint.clone(),
                    remote_app,
                    peer: relation.is_peer(),
                    life: relation.life,
                    members,
                    app_versions,
                },
            );
        }
        Some(Snapshot {
            life: u.life,
            leader: app.leader.as_deref() == Some(unit),
            config_version: app.config_version,
            charm_version: app.charm_version,
            leader_settings_version: app.leader_settings_version,
            update_tick: model.update_status_tick,
            relations,
            actions: u.actions.iter().map(|a| (a.id, a.name.clone())).collect(),
            subordinates: model.subordinates_of(unit),
            secrets_changed: model.secrets.changed_for(unit),
            storage: model.storage_of(unit).into_iter().map(|s| s.id.clone()).collect(),
        })
    }
}
