//! A unit agent: what Juju's uniter persists, and how it derives its next hook.
//!
//! The agent compares a [`Snapshot`] of the model with what it has already seen
//! ([`Agent`]) and picks exactly one next hook by the resolver chain of spec §6.1: relation
//! hooks that must follow a join, relation-created, leadership, actions, queued hooks,
//! teardown when dying, install, upgrade-charm, config-changed, relation hooks, update-status.
//! Hooks come from differences, not from an event log, so several commits by a remote unit
//! between two snapshots give one relation-changed with the latest data.

use super::snapshot::{RelationView, Snapshot};
use crate::hook::{Hook, HookKind};
use crate::model::Life;
use std::collections::BTreeMap;

/// What the agent remembers of one relation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalRelation {
    /// The endpoint.
    pub endpoint: String,
    /// The other application.
    pub remote_app: String,
    /// Peer relation.
    pub peer: bool,
    /// relation-created has run.
    pub created: bool,
    /// Joined members and the version last seen.
    pub members: BTreeMap<String, u64>,
    /// Remote application bag versions last seen.
    pub app_seen: BTreeMap<String, u64>,
    /// A member whose changed must run right after its joined.
    pub changed_pending: Option<String>,
    /// relation-broken has run (or, for peers, the relation ended).
    pub broken: bool,
}

/// Why a unit is stuck.
#[derive(Clone, Debug, PartialEq)]
pub struct HookError {
    /// The hook that failed.
    pub hook: Hook,
    /// The message (`hook failed: "install"`).
    pub message: String,
}

/// What a unit agent persists.
#[derive(Clone, Debug, Default)]
pub struct Agent {
    /// The unit.
    pub unit: String,
    /// install has run.
    pub installed: bool,
    /// start has run.
    pub started: bool,
    /// stop has run.
    pub stopped: bool,
    /// remove has run: the agent is done.
    pub removed: bool,
    /// The agent believes it is the leader.
    pub leader: bool,
    /// Config version of the last config-changed.
    pub config_seen: Option<u64>,
    /// Charm version deployed.
    pub charm_seen: u64,
    /// Leader settings version last seen.
    pub leader_settings_seen: Option<u64>,
    /// update-status tick last run.
    pub tick_seen: u64,
    /// A hook queued by the last commit (start after the first config-changed,
    /// config-changed after upgrade-charm).
    pub queued: Option<HookKind>,
    /// Relations by id.
    pub relations: BTreeMap<i64, LocalRelation>,
    /// The failed hook, while in error.
    pub error: Option<HookError>,
    /// The hook to run again after `resolve --retry`.
    pub retry: Option<Hook>,
    /// The last snapshot taken.
    pub snapshot: Option<Snapshot>,
    /// When the failed hook is retried automatically (model time), while in error with
    /// `automatically-retry-hooks` on (spec §6.5).
    pub retry_due: Option<crate::clock::Millis>,
    /// Automatic retries of the failed hook so far: the backoff grows with them.
    pub retry_attempts: u32,
    /// The machine rebooted after start: start runs again once no hook is queued (spec §6.5).
    pub reboot_start: bool,
    /// By secret id, the revision its last `secret-changed` told of.
    pub secrets_seen: BTreeMap<String, u32>,
    /// Storage instances whose `-storage-attached` has run.
    pub storage_attached: std::collections::BTreeSet<String>,
    /// Storage instances whose `-storage-detaching` has run.
    pub storage_detached: std::collections::BTreeSet<String>,
}

impl Agent {
    /// A new agent for `unit`, whose application has `charm_version`.
    pub fn new(unit: &str, charm_version: u64) -> Agent {
        Agent { unit: unit.to_string(), charm_seen: charm_version, ..Agent::default() }
    }

    /// The hooks this agent could run next from `snap`, by Juju's resolver chain (spec §6.1):
    /// the first resolver with work decides. Where that resolver iterates a Go map (the
    /// relations for relation-created, relation hooks and teardown), every relation with work
    /// is listed, as Juju's order among them is not promised; the engine picks one by the
    /// seed. Anything else yields one hook.
    pub fn next_hooks(&self, snap: &Snapshot) -> Vec<Hook> {
        if self.removed {
            return Vec::new();
        }
        if self.error.is_some() {
            // Only actions run while a hook is in error (a failed changed-after-joined too:
            // it is not run again until resolved).
            return self.action(snap).into_iter().collect();
        }
        if let Some(hook) = &self.retry {
            return vec![hook.clone()];
        }
        // After a reboot, start runs first, once no hook is queued (Juju's reboot resolver).
        if self.reboot_start && self.queued.is_none() {
            return vec![Hook::unit(HookKind::Start)];
        }
        // A queued hook runs before relation-created, leadership and actions, which all need
        // an idle agent (spec §6.1): start right after the first config-changed, config-changed
        // right after upgrade-charm.
        if let Some(kind) = &self.queued {
            return vec![Hook::unit(kind.clone())];
        }
        let dying = snap.life == Life::Dying;
        // Storage the unit was deployed with is attached before install (spec §6.1).
        let unattached = snap.storage.iter().find(|id| !self.storage_attached.contains(*id));
        if !self.installed && !dying {
            if let Some(id) = unattached {
                return vec![Hook::storage(HookKind::StorageAttached, id)];
            }
        }
        if !self.installed {
            // A unit that dies before install ends without hooks: remove needs install.
            return if dying { Vec::new() } else { vec![Hook::unit(HookKind::Install)] };
        }
        if !dying {
            let created: Vec<Hook> = snap
                .relations
                .iter()
                .filter(|(id, view)| view.life == Life::Alive && !self.relations.get(id).is_some_and(|r| r.created))
                .map(|(id, view)| {
                    Hook::relation(HookKind::RelationCreated, *id, &view.endpoint, &view.remote_app, None)
                })
                .collect();
            if !created.is_empty() {
                return created;
            }
            if snap.leader && !self.leader {
                return vec![Hook::unit(HookKind::LeaderElected)];
            }
        }
        // Juju 3.x runs leader-settings-changed on any non-leader that has not stopped, dying
        // or not (worker/uniter/leadership/resolver.go).
        if !snap.leader && !self.stopped && self.leader_settings_seen != Some(snap.leader_settings_version) {
            return vec![Hook::unit(HookKind::LeaderSettingsChanged)];
        }
        if let Some(action) = self.action(snap) {
            return vec![action];
        }
        // Storage added later (storage-add) is attached after actions (Juju's storage
        // resolver follows the actions resolver).
        if let Some(id) = unattached.filter(|_| !dying) {
            return vec![Hook::storage(HookKind::StorageAttached, id)];
        }
        if dying {
            return self.teardown(snap);
        }
        if self.charm_seen != snap.charm_version {
            return vec![Hook::unit(HookKind::UpgradeCharm)];
        }
        if self.config_seen != Some(snap.config_version) {
            return vec![Hook::unit(HookKind::ConfigChanged)];
        }
        // A secret this unit reads has a revision it was not told of (Juju's secrets resolver
        // runs after config-changed, before relation hooks).
        for (id, (latest, label)) in &snap.secrets_changed {
            if self.secrets_seen.get(id) != Some(latest) {
                return vec![Hook::secret_changed(&format!("secret:{id}"), label.clone(), *latest)];
            }
        }
        let relation_hooks: Vec<Hook> =
            snap.relations.iter().filter_map(|(id, view)| self.relation_hook(*id, view, snap.leader)).collect();
        if !relation_hooks.is_empty() {
            return relation_hooks;
        }
        // Relations that vanished from the model while this unit still knew them.
        for (id, rel) in &self.relations {
            if !snap.relations.contains_key(id) && !rel.broken {
                return vec![self.vanished_relation_hook(*id, rel)];
            }
        }
        if self.started && self.tick_seen != snap.update_tick {
            return vec![Hook::unit(HookKind::UpdateStatus)];
        }
        Vec::new()
    }

    fn action(&self, snap: &Snapshot) -> Option<Hook> {
        if !self.installed {
            return None;
        }
        snap.actions
            .first()
            .map(|(id, name)| Hook { action: Some((*id, name.clone())), ..Hook::unit(HookKind::Action) })
    }

    /// The next hook of one relation, in the resolver's order (spec §6.2).
    fn relation_hook(&self, id: i64, view: &RelationView, leader: bool) -> Option<Hook> {
        let empty = LocalRelation::default();
        let local = self.relations.get(&id).unwrap_or(&empty);
        if local.broken || (view.life == Life::Dying && !self.relations.contains_key(&id)) {
            // A relation first seen dying is never joined: no hooks at all.
            return None;
        }
        let hook = |kind, remote: Option<&str>| Hook::relation(kind, id, &view.endpoint, &view.remote_app, remote);
        // The changed that follows a joined comes before any other hook of its relation, even
        // one that is breaking, but not before other relations' hooks (ChangedPending, spec §6.2).
        if let Some(member) = &local.changed_pending {
            return Some(hook(HookKind::RelationChanged, Some(member)));
        }
        let dying = view.life == Life::Dying;
        // Departed for members that left (for a dying relation: every member).
        for member in local.members.keys() {
            if dying || !view.members.contains_key(member) {
                let mut h = hook(HookKind::RelationDeparted, Some(member));
                h.departing_unit = Some(member.clone());
                return Some(h);
            }
        }
        if dying {
            if view.peer {
                return None; // Juju runs no relation-broken for peer relations; the engine ends it
            }
            return Some(hook(HookKind::RelationBroken, None));
        }
        for (app, version) in &view.app_versions {
            let own_app_on_leader = view.peer && leader;
            if *version != 0 && local.app_seen.get(app).copied().unwrap_or(0) != *version && !own_app_on_leader {
                return Some(hook(HookKind::RelationChanged, None));
            }
        }
        for member in view.members.keys() {
            if !local.members.contains_key(member) {
                return Some(hook(HookKind::RelationJoined, Some(member)));
            }
        }
        for (member, version) in &view.members {
            if local.members.get(member) != Some(version) {
                return Some(hook(HookKind::RelationChanged, Some(member)));
            }
        }
        None
    }

    fn vanished_relation_hook(&self, id: i64, rel: &LocalRelation) -> Hook {
        let hook = |kind, remote: Option<&str>| Hook::relation(kind, id, &rel.endpoint, &rel.remote_app, remote);
        if let Some(member) = rel.members.keys().next() {
            let mut h = hook(HookKind::RelationDeparted, Some(member));
            h.departing_unit = Some(member.clone());
            return h;
        }
        hook(HookKind::RelationBroken, None)
    }

    /// Teardown of a dying unit: departed for each member (this unit departing), broken per
    /// relation, then stop and remove.
    fn teardown(&self, snap: &Snapshot) -> Vec<Hook> {
        let mut hooks = Vec::new();
        for (id, rel) in &self.relations {
            if rel.broken {
                continue;
            }
            let remote_app = snap.relations.get(id).map_or(rel.remote_app.as_str(), |v| v.remote_app.as_str());
            let hook = |kind, remote: Option<&str>| Hook::relation(kind, *id, &rel.endpoint, remote_app, remote);
            if let Some(member) = &rel.changed_pending {
                hooks.push(hook(HookKind::RelationChanged, Some(member)));
            } else if let Some(member) = rel.members.keys().next() {
                let mut h = hook(HookKind::RelationDeparted, Some(member));
                h.departing_unit = Some(self.unit.clone());
                hooks.push(h);
            } else if !rel.peer {
                hooks.push(hook(HookKind::RelationBroken, None));
            }
        }
        if !hooks.is_empty() {
            return hooks;
        }
        // Attached storage detaches before stop.
        let detaching =
            snap.storage.iter().find(|id| self.storage_attached.contains(*id) && !self.storage_detached.contains(*id));
        if let Some(id) = detaching {
            return vec![Hook::storage(HookKind::StorageDetaching, id)];
        }
        if self.started && !self.stopped {
            return vec![Hook::unit(HookKind::Stop)];
        }
        // The machine goes with the principal, so a principal goes after its subordinates.
        if !snap.subordinates.is_empty() {
            return Vec::new();
        }
        vec![Hook::unit(HookKind::Remove)]
    }

    /// Ends peer relations of a dying unit or a dying relation, which have no broken hook:
    /// returns the relation ids ended, so the engine can take the unit out of their scope.
    pub fn end_silent_relations(&mut self, snap: &Snapshot) -> Vec<i64> {
        let dying_unit = snap.life == Life::Dying;
        // Relations first seen dying end without hooks.
        let mut ended: Vec<i64> = snap
            .relations
            .iter()
            .filter(|(id, v)| v.life == Life::Dying && !self.relations.contains_key(id))
            .map(|(id, _)| *id)
            .collect();
        for (id, rel) in self.relations.iter_mut() {
            if rel.broken || !rel.peer || !rel.members.is_empty() || rel.changed_pending.is_some() {
                continue;
            }
            let relation_dying = snap.relations.get(id).is_none_or(|v| v.life == Life::Dying);
            if dying_unit || relation_dying {
                rel.broken = true;
                ended.push(*id);
            }
        }
        ended
    }

    /// The snapshot this agent acts on when it does not look again: the one it last took,
    /// when that differs from `fresh` and still gives it work (so several remote commits
    /// coalesce into one hook, spec §6.3). Never while in error. Leadership is never stale:
    /// Juju checks it again before leader-elected runs and skips the hook when leadership has
    /// moved on (spec §6.2).
    pub fn stale_snapshot(&self, fresh: &Snapshot) -> Option<Snapshot> {
        self.snapshot
            .clone()
            .map(|mut old| {
                old.leader = fresh.leader;
                old
            })
            .filter(|old| old != fresh && !self.next_hooks(old).is_empty() && self.error.is_none())
    }

    /// `hook` exited 0: the agent records it as Juju's commit does, and no retry is due.
    pub fn hook_committed(&mut self, hook: &Hook, snap: &Snapshot) {
        self.retry = None;
        self.stop_retry_timer();
        self.commit(hook, snap);
    }

    /// The agent restarted while `hook` ran, before its commit: the same hook runs again.
    pub fn hook_interrupted(&mut self, hook: &Hook) {
        self.retry = Some(hook.clone());
    }

    /// `hook` failed: the unit is in error, with Juju's message, until resolved (spec §6.4).
    pub fn hook_failed(&mut self, hook: &Hook) {
        self.retry = None;
        self.error = Some(HookError { hook: hook.clone(), message: format!("hook failed: \"{}\"", hook.name()) });
    }

    /// Starts the retry timer of the hook in error at model time `now`: it falls due after
    /// Juju's backoff for the retries made so far. Returns the retry's number (from 1) and
    /// when it is due.
    pub fn start_retry_timer(&mut self, now: crate::clock::Millis) -> (u32, crate::clock::Millis) {
        let due = now + crate::clock::retry_delay(self.retry_attempts);
        self.retry_attempts += 1;
        self.retry_due = Some(due);
        (self.retry_attempts, due)
    }

    /// No retry is due any more, and the backoff starts again from its least (Juju resets it
    /// when the hook succeeds or is resolved).
    pub fn stop_retry_timer(&mut self) {
        self.retry_due = None;
        self.retry_attempts = 0;
    }

    /// The retry timer fired: the failed hook runs again (the unit leaves error for it).
    /// Returns that hook; `None` when the unit was not in error.
    pub fn retry_fired(&mut self) -> Option<Hook> {
        self.retry_due = None;
        let error = self.error.take()?;
        self.retry = Some(error.hook.clone());
        Some(error.hook)
    }

    /// Records that `hook` ran to success (or was skipped by `resolve`), as Juju's commit does.
    pub fn commit(&mut self, hook: &Hook, snap: &Snapshot) {
        match hook.kind {
            HookKind::Install => self.installed = true,
            HookKind::LeaderElected => self.leader = true,
            HookKind::LeaderSettingsChanged => self.leader_settings_seen = Some(snap.leader_settings_version),
            HookKind::ConfigChanged => {
                self.config_seen = Some(snap.config_version);
                if self.queued == Some(HookKind::ConfigChanged) {
                    self.queued = None;
                }
                if !self.started {
                    self.queued = Some(HookKind::Start);
                }
            }
            HookKind::Start => {
                self.started = true;
                self.queued = None;
                self.reboot_start = false;
            }
            HookKind::UpgradeCharm => {
                self.charm_seen = snap.charm_version;
                self.queued = Some(HookKind::ConfigChanged);
            }
            HookKind::UpdateStatus => self.tick_seen = snap.update_tick,
            HookKind::Stop => self.stopped = true,
            HookKind::Remove => self.removed = true,
            HookKind::Action | HookKind::Exec => {}
            HookKind::SecretChanged => {
                if let Some(secret) = &hook.secret {
                    let id = secret.uri.trim_start_matches("secret:").to_string();
                    self.secrets_seen.insert(id, secret.revision);
                }
            }
            HookKind::StorageAttached => {
                self.storage_attached.extend(hook.storage.clone());
            }
            HookKind::StorageDetaching => {
                self.storage_detached.extend(hook.storage.clone());
            }
            HookKind::RelationCreated
            | HookKind::RelationJoined
            | HookKind::RelationChanged
            | HookKind::RelationDeparted
            | HookKind::RelationBroken => self.commit_relation(hook, snap),
        }
    }

    fn commit_relation(&mut self, hook: &Hook, snap: &Snapshot) {
        let Some(id) = hook.relation else { return };
        let view = snap.relations.get(&id);
        let local = self.relations.entry(id).or_insert_with(|| LocalRelation {
            endpoint: hook.endpoint.clone().unwrap_or_default(),
            remote_app: hook.remote_app.clone().unwrap_or_default(),
            peer: view.is_some_and(|v| v.peer),
            ..LocalRelation::default()
        });
        match hook.kind {
            HookKind::RelationCreated => local.created = true,
            HookKind::RelationJoined => {
                if let Some(member) = &hook.remote_unit {
                    let version = view.and_then(|v| v.members.get(member)).copied().unwrap_or(0);
                    local.members.insert(member.clone(), version);
                    local.changed_pending = Some(member.clone());
                }
            }
            HookKind::RelationChanged => match &hook.remote_unit {
                Some(member) => {
                    if let Some(version) = view.and_then(|v| v.members.get(member)) {
                        local.members.insert(member.clone(), *version);
                    }
                    if local.changed_pending.as_ref() == Some(member) {
                        local.changed_pending = None;
                    }
                }
                None => {
                    if let Some(view) = view {
                        for (app, version) in &view.app_versions {
                            local.app_seen.insert(app.clone(), *version);
                        }
                    }
                }
            },
            HookKind::RelationDeparted => {
                if let Some(member) = &hook.remote_unit {
                    local.members.remove(member);
                    if local.changed_pending.as_ref() == Some(member) {
                        local.changed_pending = None;
                    }
                }
            }
            HookKind::RelationBroken => local.broken = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(members: &[(&str, u64)]) -> Snapshot {
        let mut relations = BTreeMap::new();
        relations.insert(
            7,
            RelationView {
                endpoint: "db".into(),
                remote_app: "mysql".into(),
                peer: false,
                life: Life::Alive,
                members: members.iter().map(|(u, v)| (u.to_string(), *v)).collect(),
                app_versions: [("mysql".to_string(), 0)].into_iter().collect(),
            },
        );
        Snapshot {
            life: Life::Alive,
            leader: true,
            config_version: 1,
            charm_version: 1,
            leader_settings_version: 0,
            update_tick: 0,
            relations,
            actions: Vec::new(),
            subordinates: Vec::new(),
            secrets_changed: BTreeMap::new(),
            storage: Vec::new(),
        }
    }

    /// Runs the agent until it has nothing to do on `snap`, committing every hook.
    fn drain(agent: &mut Agent, snap: &Snapshot) -> Vec<String> {
        let mut names = Vec::new();
        for _ in 0..100 {
            let Some(hook) = agent.next_hooks(snap).into_iter().next() else { break };
            let remote = hook.remote_unit.clone().map(|r| format!("({r})")).unwrap_or_default();
            names.push(format!("{}{remote}", hook.name()));
            agent.commit(&hook, snap);
        }
        names
    }

    #[test]
    fn storage_attaches_before_install_and_detaches_before_stop_and_secrets_change_once_per_revision() {
        let mut agent = Agent::new("u/0", 1);
        let mut snap = snap(&[]);
        snap.storage = vec!["data/0".into(), "logs/1".into()];
        let hooks = drain(&mut agent, &snap);
        assert_eq!(&hooks[..3], ["data-storage-attached", "logs-storage-attached", "install"]);
        // Storage added later attaches after pending actions.
        snap.storage.push("data/2".into());
        snap.actions = vec![(1, "backup".into())];
        let next: Vec<String> = agent.next_hooks(&snap).iter().map(Hook::name).collect();
        assert_eq!(next, ["backup"]);
        snap.actions.clear();
        assert_eq!(drain(&mut agent, &snap), ["data-storage-attached"]);
        // A consumed secret's new revision: one secret-changed, then nothing until the next.
        snap.secrets_changed.insert("abc".into(), (2, Some("token".into())));
        let hooks = agent.next_hooks(&snap);
        assert_eq!(hooks[0].name(), "secret-changed");
        assert_eq!(hooks[0].secret.as_ref().map(|s| (s.uri.as_str(), s.revision)), Some(("secret:abc", 2)));
        assert_eq!(drain(&mut agent, &snap), ["secret-changed"]);
        snap.secrets_changed.insert("abc".into(), (3, Some("token".into())));
        assert_eq!(drain(&mut agent, &snap), ["secret-changed"]);
        // Dying: relations go first, then storage detaches, then stop and remove.
        snap.life = Life::Dying;
        let hooks = drain(&mut agent, &snap);
        let detaching = hooks.iter().position(|h| h == "data-storage-detaching").expect("detaching runs");
        let stop = hooks.iter().position(|h| h == "stop").expect("stop runs");
        assert!(detaching < stop, "{hooks:?}");
        assert_eq!(hooks.iter().filter(|h| h.ends_with("-storage-detaching")).count(), 3, "{hooks:?}");
    }

    #[test]
    fn setup_order_is_install_created_leader_config_start() {
        let mut agent = Agent::new("wiki/0", 1);
        let names = drain(&mut agent, &snap(&[]));
        assert_eq!(names, ["install", "db-relation-created", "leader-elected", "config-changed", "start"]);
    }

    #[test]
    fn joined_is_followed_by_changed_and_members_join_in_name_order() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        let names = drain(&mut agent, &snap(&[("mysql/1", 1), ("mysql/0", 1)]));
        assert_eq!(
            names,
            [
                "db-relation-joined(mysql/0)",
                "db-relation-changed(mysql/0)",
                "db-relation-joined(mysql/1)",
                "db-relation-changed(mysql/1)"
            ]
        );
    }

    /// Names of the hooks offered, with their remote unit.
    fn offered(agent: &Agent, snap: &Snapshot) -> Vec<String> {
        agent
            .next_hooks(snap)
            .iter()
            .map(|h| format!("{}{}", h.name(), h.remote_unit.as_ref().map(|r| format!("({r})")).unwrap_or_default()))
            .collect()
    }

    /// A second relation, `cache` with `memcached`, holding `members`.
    fn with_cache(mut s: Snapshot, members: &[(&str, u64)]) -> Snapshot {
        s.relations.insert(
            9,
            RelationView {
                endpoint: "cache".into(),
                remote_app: "memcached".into(),
                peer: false,
                life: Life::Alive,
                members: members.iter().map(|(u, v)| (u.to_string(), *v)).collect(),
                app_versions: BTreeMap::new(),
            },
        );
        s
    }

    /// Joins mysql/0 on `agent`, set up on `snap(&[])`: its changed is now pending.
    fn half_joined() -> (Agent, Snapshot) {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &with_cache(snap(&[]), &[]));
        let s = with_cache(snap(&[("mysql/0", 1)]), &[]);
        let joined = agent.next_hooks(&s).remove(0);
        assert_eq!(joined.kind, HookKind::RelationJoined);
        agent.commit(&joined, &s);
        (agent, s)
    }

    #[test]
    fn between_joined_and_its_changed_the_resolvers_ahead_of_relations_run() {
        // ChangedPending orders hooks within the relation only (spec §6.2).
        let (agent, s) = half_joined();
        assert_eq!(offered(&agent, &s), ["db-relation-changed(mysql/0)"]);
        let mut config = s.clone();
        config.config_version = 2;
        assert_eq!(offered(&agent, &config), ["config-changed"]);
        let mut upgraded = s.clone();
        upgraded.charm_version = 2;
        assert_eq!(offered(&agent, &upgraded), ["upgrade-charm"]);
        let mut settings = s.clone();
        settings.leader = false;
        settings.leader_settings_version = 4;
        let mut deposed = agent.clone();
        deposed.leader = false;
        assert_eq!(offered(&deposed, &settings), ["leader-settings-changed"]);
        let mut elected = agent.clone();
        elected.leader = false;
        assert_eq!(offered(&elected, &s), ["leader-elected"]);
        let mut with_action = s.clone();
        with_action.actions.push((1, "backup".into()));
        assert_eq!(offered(&agent, &with_action), ["backup"]);
    }

    #[test]
    fn between_joined_and_its_changed_another_relation_may_go_first() {
        let (agent, _) = half_joined();
        let both = with_cache(snap(&[("mysql/0", 1)]), &[("memcached/0", 1)]);
        assert_eq!(offered(&agent, &both), ["db-relation-changed(mysql/0)", "cache-relation-joined(memcached/0)"]);
        // The other relation's hooks run; the pending changed still comes before any other
        // hook of its own relation.
        let mut agent = agent;
        let joined = agent.next_hooks(&both).remove(1);
        agent.commit(&joined, &both);
        let mut more = both.clone();
        if let Some(view) = more.relations.get_mut(&7) {
            view.members.insert("mysql/1".into(), 1);
        }
        assert_eq!(
            offered(&agent, &more),
            ["db-relation-changed(mysql/0)", "cache-relation-changed(memcached/0)"],
            "mysql/1 joins only after mysql/0's changed"
        );
    }

    #[test]
    fn a_pending_changed_runs_before_its_relation_breaks() {
        let (agent, s) = half_joined();
        let mut dying_relation = s.clone();
        if let Some(view) = dying_relation.relations.get_mut(&7) {
            view.life = Life::Dying;
        }
        assert_eq!(offered(&agent, &dying_relation), ["db-relation-changed(mysql/0)"]);
        let mut dying_unit = s.clone();
        dying_unit.life = Life::Dying;
        assert_eq!(offered(&agent, &dying_unit), ["db-relation-changed(mysql/0)", "cache-relation-broken"]);
    }

    #[test]
    fn a_queued_hook_runs_before_relation_created_leadership_and_actions() {
        let mut agent = Agent::new("wiki/0", 1);
        let s = snap(&[]);
        for _ in 0..3 {
            let hook = agent.next_hooks(&s).remove(0);
            agent.commit(&hook, &s);
        }
        assert_eq!(agent.queued, None, "install, created, leader-elected");
        let config = agent.next_hooks(&s).remove(0);
        agent.commit(&config, &s);
        // start is queued; a new relation, a new lease and an action all wait for it.
        let mut busy = with_cache(s.clone(), &[]);
        busy.actions.push((1, "backup".into()));
        agent.leader = false;
        assert_eq!(offered(&agent, &busy), ["start"]);
    }

    #[test]
    fn stop_needs_start_and_remove_needs_install() {
        let mut dying = snap(&[]);
        dying.life = Life::Dying;
        let never_installed = Agent::new("wiki/0", 1);
        assert!(never_installed.next_hooks(&dying).is_empty(), "a unit dying before install runs no hook");
        let mut installed = Agent::new("wiki/0", 1);
        let s = snap(&[]);
        for _ in 0..3 {
            let hook = installed.next_hooks(&s).remove(0);
            installed.commit(&hook, &s);
        }
        assert!(!installed.started);
        assert_eq!(drain(&mut installed, &dying), ["db-relation-broken", "remove"], "no stop: start never ran");
    }

    #[test]
    fn a_dying_follower_still_gets_leader_settings_changed_until_it_stops() {
        let mut agent = Agent::new("wiki/1", 1);
        let mut follower = snap(&[]);
        follower.leader = false;
        drain(&mut agent, &follower);
        let mut dying = follower.clone();
        dying.life = Life::Dying;
        dying.leader_settings_version = 2;
        assert_eq!(offered(&agent, &dying), ["leader-settings-changed"]);
        agent.stopped = true;
        assert_eq!(offered(&agent, &dying), ["db-relation-broken"], "not once stopped");
    }

    #[test]
    fn several_commits_between_snapshots_coalesce_into_one_changed() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        drain(&mut agent, &snap(&[("mysql/0", 1)]));
        // mysql/0 committed three times (versions 2, 3, 4) before wiki/0 looked again.
        let names = drain(&mut agent, &snap(&[("mysql/0", 4)]));
        assert_eq!(names, ["db-relation-changed(mysql/0)"]);
    }

    #[test]
    fn departed_comes_before_broken_and_no_changed_after_departed() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        drain(&mut agent, &snap(&[("mysql/0", 1)]));
        // mysql/0 changed its data and left in the same interval: departed only.
        let names = drain(&mut agent, &snap(&[]));
        assert_eq!(names, ["db-relation-departed(mysql/0)"]);
        let mut dying = snap(&[]);
        if let Some(view) = dying.relations.get_mut(&7) {
            view.life = Life::Dying;
        }
        assert_eq!(drain(&mut agent, &dying), ["db-relation-broken"]);
    }

    #[test]
    fn a_dying_unit_departs_breaks_stops_and_removes() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        drain(&mut agent, &snap(&[("mysql/0", 1)]));
        let mut dying = snap(&[("mysql/0", 1)]);
        dying.life = Life::Dying;
        let names = drain(&mut agent, &dying);
        assert_eq!(names, ["db-relation-departed(mysql/0)", "db-relation-broken", "stop", "remove"]);
        assert!(agent.removed);
    }

    #[test]
    fn a_dying_principal_removes_itself_only_after_its_subordinates() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        let mut dying = snap(&[]);
        dying.life = Life::Dying;
        dying.subordinates = vec!["monitor/0".into()];
        assert_eq!(drain(&mut agent, &dying), ["db-relation-broken", "stop"], "remove waits for monitor/0");
        dying.subordinates.clear();
        assert_eq!(drain(&mut agent, &dying), ["remove"]);
    }

    #[test]
    fn upgrade_queues_config_changed_and_update_status_waits_for_nothing_else() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        let mut upgraded = snap(&[]);
        upgraded.charm_version = 2;
        upgraded.update_tick = 1;
        assert_eq!(drain(&mut agent, &upgraded), ["upgrade-charm", "config-changed", "update-status"]);
    }

    #[test]
    fn a_non_leader_gets_leader_settings_changed_and_nothing_when_it_loses_leadership() {
        let mut agent = Agent::new("wiki/1", 1);
        let mut follower = snap(&[]);
        follower.leader = false;
        let names = drain(&mut agent, &follower);
        assert_eq!(names, ["install", "db-relation-created", "leader-settings-changed", "config-changed", "start"]);
        follower.leader_settings_version = 3;
        assert_eq!(drain(&mut agent, &follower), ["leader-settings-changed"]);
    }

    #[test]
    fn an_agent_in_error_runs_only_actions() {
        let mut agent = Agent::new("wiki/0", 1);
        let s = snap(&[]);
        let hook = agent.next_hooks(&s).remove(0);
        agent.error = Some(HookError { hook, message: "hook failed: \"install\"".into() });
        assert!(agent.next_hooks(&s).is_empty(), "actions need install first");
        agent.installed = true;
        let mut with_action = s.clone();
        with_action.actions.push((1, "backup".into()));
        let hooks = agent.next_hooks(&with_action);
        assert_eq!(hooks.len(), 1);
        assert!(hooks[0].is_action());
    }

    #[test]
    fn a_failed_changed_after_joined_waits_for_the_resolve() {
        let mut agent = Agent::new("wiki/0", 1);
        drain(&mut agent, &snap(&[]));
        let s = snap(&[("mysql/0", 1)]);
        let joined = agent.next_hooks(&s).remove(0);
        agent.commit(&joined, &s);
        let changed = agent.next_hooks(&s).remove(0);
        assert_eq!(changed.kind, HookKind::RelationChanged);
        agent.error = Some(HookError { hook: changed.clone(), message: "hook failed".into() });
        assert!(agent.next_hooks(&s).is_empty(), "a unit in error runs no hook, not even a pending changed");
        agent.error = None;
        agent.retry = Some(changed.clone());
        assert_eq!(agent.next_hooks(&s), vec![changed]);
    }

    #[test]
    fn retries_back_off_from_5s_and_reset_when_the_hook_succeeds() {
        let mut agent = Agent::new("wiki/0", 1);
        let s = snap(&[]);
        let install = agent.next_hooks(&s).remove(0);
        agent.hook_failed(&install);
        assert_eq!(agent.start_retry_timer(0), (1, 5_000));
        assert_eq!(agent.retry_fired(), Some(install.clone()));
        assert_eq!(agent.next_hooks(&s), vec![install.clone()], "the failed hook runs again");
        agent.hook_failed(&install);
        assert_eq!(agent.start_retry_timer(5_000), (2, 15_000), "10s after the second failure");
        agent.retry_fired();
        agent.hook_committed(&install, &s);
        assert_eq!((agent.retry_due, agent.retry_attempts), (None, 0), "success resets the backoff");
        assert_eq!(agent.retry_fired(), None, "no retry for a unit not in error");
    }

    #[test]
    fn after_a_reboot_start_runs_once_the_queued_hook_has_run() {
        let mut agent = Agent::new("wiki/0", 1);
        let s = snap(&[]);
        drain(&mut agent, &s);
        let config = Hook::unit(HookKind::ConfigChanged);
        // `juju-reboot --now` in config-changed: it runs again first, then start.
        agent.hook_interrupted(&config);
        agent.reboot_start = true;
        assert_eq!(agent.next_hooks(&s), vec![config.clone()]);
        agent.hook_committed(&config, &s);
        assert_eq!(drain(&mut agent, &s), ["start"]);
        assert!(!agent.reboot_start);
    }

    #[test]
    fn a_relation_first_seen_dying_runs_no_hooks() {
        let mut agent = Agent::new("wiki/0", 1);
        let mut s = snap(&[("mysql/0", 1)]);
        agent.installed = true;
        if let Some(view) = s.relations.get_mut(&7) {
            view.life = Life::Dying;
        }
        let hooks = agent.next_hooks(&s);
        assert!(hooks.iter().all(|h| h.relation != Some(7)), "{hooks:?}");
    }
}
