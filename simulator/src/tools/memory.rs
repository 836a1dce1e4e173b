//! [`MemoryContext`]: a [`HookContext`] held in memory, for tests of the
//! tools and of anything that drives them.
//!
//! Build the world a hook sees with the builder methods, run tools against
//! it, then look at what they did: buffered writes (relation data, ports,
//! state) stay in the `pending_*` fields as a real context would hold them
//! until the hook ends; immediate effects (logs, statuses, leader settings,
//! action results) are applied at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::action::merge_result;
use super::context::{
    ApplicationStatus, BagScope, BagTarget, GoalState, HookContext, LogLevel, NetworkInfo, RelationInfo, ToolError,
};
use super::relation::app_of;
use crate::model::{OpenedPort, PortRange, Secrets, Settings, SettingsChanges, StatusInfo, Value};
use formula_sdk::format::names;

/// One relation as the memory context models it.
#[derive(Debug, Clone, Default)]
struct Relation {
    endpoint: String,
    remote_app: String,
    members: Vec<String>,
    unit_bags: BTreeMap<String, Settings>,
    app_bags: BTreeMap<String, Settings>,
    dead: bool,
    broken: bool,
}

/// A requested port change, kept until the hook ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortChange {
    /// `true` for `open-port`, `false` for `close-port`.
    pub open: bool,
    /// The endpoint, `None` for all.
    pub endpoint: Option<String>,
    /// The range.
    pub range: PortRange,
}

/// An in-memory hook context with builder-style setup.
#[derive(Debug, Clone)]
pub struct MemoryContext {
    unit: String,
    cwd: PathBuf,
    leader: Result<bool, String>,
    hook_relation: Option<i64>,
    remote_unit: Option<String>,
    remote_app: Option<String>,
    relations: BTreeMap<i64, Relation>,
    config: BTreeMap<String, Value>,
    private_address: Option<String>,
    public_address: Option<String>,
    network: BTreeMap<String, NetworkInfo>,
    opened: Vec<OpenedPort>,
    action_params: Option<BTreeMap<String, Value>>,
    state: Settings,
    /// Remote bags as first read in this hook (reads are frozen).
    read_cache: BTreeMap<(i64, String), Settings>,

    /// Buffered `relation-set` changes per relation and bag.
    pub pending_relation: BTreeMap<(i64, BagScope), SettingsChanges>,
    /// Buffered `open-port`/`close-port` requests, in order.
    pub pending_ports: Vec<PortChange>,
    /// Buffered `state-set`/`state-delete` changes.
    pub pending_state: SettingsChanges,
    /// `juju-log` lines, in order.
    pub logs: Vec<(LogLevel, String)>,
    /// The unit's workload status.
    pub unit_status: StatusInfo,
    /// The application's status and its units'.
    pub application_status: ApplicationStatus,
    /// Every `status-set` call, in order: (application?, status, message).
    pub status_history: Vec<(bool, String, String)>,
    /// The leader settings (written through at once).
    pub leader_settings: Settings,
    /// Results set with `action-set`.
    pub action_results: BTreeMap<String, Value>,
    /// What `goal-state` answers.
    pub goal: GoalState,
    /// The `action-fail` message, if the action was marked failed.
    pub action_failed: Option<String>,
    /// `action-log` messages, in order.
    pub action_logs: Vec<String>,
    /// The last `application-version-set` version.
    pub workload_version: Option<String>,
    /// A requested reboot: `Some(now)`.
    pub reboot: Option<bool>,
    /// The model's secrets, changed in place by the secret tools.
    pub secrets: Secrets,
    /// The storage instances attached to the unit, by id.
    pub storage: BTreeMap<String, super::context::StorageInfo>,
    /// The storage instance of the hook (a storage hook).
    pub hook_storage: Option<String>,
    /// `storage-add` requests, in order.
    pub pending_storage: Vec<(String, u32)>,
    /// Whether the application is trusted (`credential-get`).
    pub trusted: bool,
    /// Resource paths by name (`resource-get`).
    pub resources: BTreeMap<String, String>,
}

impl MemoryContext {
    /// A context for `unit` (e.g. `wordpress/0`), not the leader, outside
    /// any relation, action or configuration, in the current directory.
    pub fn new(unit: &str) -> MemoryContext {
        MemoryContext {
            unit: unit.to_string(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            leader: Ok(false),
            hook_relation: None,
            remote_unit: None,
            remote_app: None,
            relations: BTreeMap::new(),
            config: BTreeMap::new(),
            private_address: None,
            public_address: None,
            network: BTreeMap::new(),
            opened: Vec::new(),
            action_params: None,
            state: Settings::new(),
            read_cache: BTreeMap::new(),
            pending_relation: BTreeMap::new(),
            pending_ports: Vec::new(),
            pending_state: SettingsChanges::new(),
            logs: Vec::new(),
            unit_status: StatusInfo { status: "unknown".to_string(), ..StatusInfo::default() },
            application_status: ApplicationStatus::default(),
            status_history: Vec::new(),
            leader_settings: Settings::new(),
            action_results: BTreeMap::new(),
            goal: GoalState::default(),
            action_failed: None,
            action_logs: Vec::new(),
            workload_version: None,
            reboot: None,
            secrets: Secrets { salt: "memory".to_string(), ..Secrets::default() },
            storage: BTreeMap::new(),
            hook_storage: None,
            pending_storage: Vec::new(),
            trusted: false,
            resources: BTreeMap::new(),
        }
    }

    fn own_app(&self) -> &str {
        app_of(&self.unit)
    }

    /// Sets the directory tools resolve `-o` and `--file` paths against.
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = dir.to_path_buf();
        self
    }

    /// Makes this unit the leader (or not).
    pub fn leader(mut self, leader: bool) -> Self {
        self.leader = Ok(leader);
        self
    }

    /// Makes leadership checks fail with `message`.
    pub fn leader_error(mut self, message: &str) -> Self {
        self.leader = Err(message.to_string());
        self
    }

    /// Adds relation `id` on this unit's `endpoint` with `remote_app` (this
    /// unit's own application makes it a peer relation).
    pub fn relation(mut self, id: i64, endpoint: &str, remote_app: &str) -> Self {
        self.relations.insert(
            id,
            Relation { endpoint: endpoint.to_string(), remote_app: remote_app.to_string(), ..Relation::default() },
        );
        self
    }

    /// Attaches storage instance `id` (`data/0`) of `kind` at `location`.
    pub fn storage_instance(mut self, id: &str, kind: &str, location: &str) -> Self {
        let info = super::context::StorageInfo { kind: kind.to_string(), location: location.to_string() };
        self.storage.insert(id.to_string(), info);
        self
    }

    /// Makes the hook a storage hook of instance `id`.
    pub fn storage_hook(mut self, id: &str) -> Self {
        self.hook_storage = Some(id.to_string());
        self
    }

    /// Marks relation `id` dead (hidden from `relation-ids`).
    pub fn dead_relation(mut self, id: i64) -> Self {
        if let Some(r) = self.relations.get_mut(&id) {
            r.dead = true;
        }
        self
    }

    /// Marks relation `id` broken in this context (not a peer relation, dying, no members
    /// left): reachable by id, hidden from `relation-ids` (spec §4.3).
    pub fn broken_relation(mut self, id: i64) -> Self {
        if let Some(r) = self.relations.get_mut(&id) {
            r.broken = true;
        }
        self
    }

    /// Adds `unit` to relation `id`'s members in scope, with its bag.
    pub fn unit(mut self, id: i64, unit: &str, settings: &[(&str, &str)]) -> Self {
        if let Some(r) = self.relations.get_mut(&id) {
            if !r.members.iter().any(|m| m == unit) {
                r.members.push(unit.to_string());
                r.members.sort();
            }
        }
        self.unit_settings(id, unit, settings)
    }

    /// Sets a unit's bag in relation `id` without making it a member (this
    /// unit's own bag, or a departed unit's).
    pub fn unit_settings(mut self, id: i64, unit: &str, settings: &[(&str, &str)]) -> Self {
        if let Some(r) = self.relations.get_mut(&id) {
            r.unit_bags.insert(unit.to_string(), to_settings(settings));
        }
        self
    }

    /// Sets an application's bag in relation `id`.
    pub fn app_settings(mut self, id: i64, app: &str, settings: &[(&str, &str)]) -> Self {
        if let Some(r) = self.relations.get_mut(&id) {
            r.app_bags.insert(app.to_string(), to_settings(settings));
        }
        self
    }

    /// Runs the hook as a relation hook of `id`, about `remote_unit` (`None`
    /// for `-created`, `-broken` and application-level `-changed`).
    pub fn hook_relation(mut self, id: i64, remote_unit: Option<&str>) -> Self {
        self.hook_relation = Some(id);
        self.remote_unit = remote_unit.map(str::to_string);
        self.remote_app = self.relations.get(&id).map(|r| r.remote_app.clone());
        self
    }

    /// Sets a configuration option's value (`Value::Null`: no value).
    pub fn config(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.config.insert(key.to_string(), value.into());
        self
    }

    /// Declares a configuration option without a value.
    pub fn config_unset(mut self, key: &str) -> Self {
        self.config.insert(key.to_string(), Value::Null);
        self
    }

    /// Sets the legacy private address.
    pub fn private_address(mut self, address: &str) -> Self {
        self.private_address = Some(address.to_string());
        self
    }

    /// Sets the public address.
    pub fn public_address(mut self, address: &str) -> Self {
        self.public_address = Some(address.to_string());
        self
    }

    /// Sets the network details of `binding` (`""` for the default binding).
    pub fn network(mut self, binding: &str, info: NetworkInfo) -> Self {
        self.network.insert(binding.to_string(), info);
        self
    }

    /// Adds a committed open port range.
    pub fn opened_port(mut self, endpoint: Option<&str>, range: PortRange) -> Self {
        self.opened.push(OpenedPort { endpoint: endpoint.map(str::to_string), range });
        self
    }

    /// Sets the unit's current workload status.
    pub fn status(mut self, status: &str, message: &str) -> Self {
        self.unit_status =
            StatusInfo { status: status.to_string(), message: message.to_string(), ..StatusInfo::default() };
        self
    }

    /// Sets the leader settings.
    pub fn leader_settings(mut self, settings: &[(&str, &str)]) -> Self {
        self.leader_settings = to_settings(settings);
        self
    }

    /// Runs the hook as an action with these parameters.
    pub fn action(mut self, params: BTreeMap<String, Value>) -> Self {
        self.action_params = Some(params);
        self
    }

    /// Sets the committed server-side state.
    pub fn state(mut self, state: &[(&str, &str)]) -> Self {
        self.state = to_settings(state);
        self
    }

    /// Changes a unit's bag as another unit's committed hook would, after
    /// this hook may already have read (and frozen) it.
    pub fn controller_set_unit_settings(&mut self, id: i64, unit: &str, settings: &[(&str, &str)]) {
        if let Some(r) = self.relations.get_mut(&id) {
            r.unit_bags.insert(unit.to_string(), to_settings(settings));
        }
    }

    fn relation_ref(&self, id: i64) -> Result<&Relation, ToolError> {
        self.relations.get(&id).ok_or_else(|| ToolError::NotFound("relation".to_string()))
    }

    fn info(&self, id: i64, r: &Relation) -> RelationInfo {
        RelationInfo { id, endpoint: r.endpoint.clone(), remote_app: r.remote_app.clone() }
    }
}

fn to_settings(pairs: &[(&str, &str)]) -> Settings {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn apply(base: &mut Settings, changes: &SettingsChanges) {
    for (key, value) in changes {
        match value {
            Some(value) => base.insert(key.clone(), value.clone()),
            None => base.remove(key),
        };
    }
}

impl HookContext for MemoryContext {
    fn unit_name(&self) -> &str {
        &self.unit
    }

    fn cwd(&self) -> &Path {
        &self.cwd
    }

    fn is_leader(&mut self) -> Result<bool, ToolError> {
        self.leader.clone().map_err(ToolError::Other)
    }

    fn hook_relation(&self) -> Option<RelationInfo> {
        let id = self.hook_relation?;
        self.relations.get(&id).map(|r| self.info(id, r))
    }

    fn remote_unit(&self) -> Option<String> {
        self.remote_unit.clone()
    }

    fn remote_app(&self) -> Option<String> {
        self.remote_app.clone()
    }

    fn relation(&self, id: i64) -> Result<RelationInfo, ToolError> {
        let r = self.relation_ref(id)?;
        Ok(self.info(id, r))
    }

    fn relations(&self) -> Vec<RelationInfo> {
        self.relations.iter().filter(|(_, r)| !r.dead && !r.broken).map(|(id, r)| self.info(*id, r)).collect()
    }

    fn relation_members(&self, id: i64) -> Result<Vec<String>, ToolError> {
        Ok(self.relation_ref(id)?.members.clone())
    }

    fn local_settings(&mut self, id: i64, scope: BagScope) -> Result<Settings, ToolError> {
        let r = self.relation_ref(id)?;
        let mut settings = match scope {
            BagScope::Unit => r.unit_bags.get(&self.unit),
            BagScope::App => r.app_bags.get(self.own_app()),
        }
        .cloned()
        .unwrap_or_default();
        if let Some(changes) = self.pending_relation.get(&(id, scope)) {
            apply(&mut settings, changes);
        }
        Ok(settings)
    }

    fn remote_settings(&mut self, id: i64, target: &BagTarget) -> Result<Settings, ToolError> {
        let r = self.relation_ref(id)?;
        let own_app = self.own_app().to_string();
        let peer = r.remote_app == own_app;
        let (cache_key, settings) = match target {
            BagTarget::App(app) => {
                if *app == own_app && !peer && self.leader != Ok(true) {
                    return Err(ToolError::PermissionDenied);
                }
                if *app != own_app && *app != r.remote_app {
                    return Err(ToolError::PermissionDenied);
                }
                (format!("app:{app}"), r.app_bags.get(app).cloned().unwrap_or_default())
            }
            BagTarget::Unit(unit) => {
                let app = names::unit_application(unit).ok_or(ToolError::PermissionDenied)?;
                if app != r.remote_app && app != own_app {
                    return Err(ToolError::PermissionDenied);
                }
                // A unit that never entered scope has no settings (spec §4.3, relation-get).
                let settings = r.unit_bags.get(unit).cloned().ok_or_else(|| {
                    let quoted = formula_sdk::go::strconv::quote(unit);
                    let mut key = vec![format!("{own_app}:{}", r.endpoint)];
                    if !peer {
                        key.push(format!("{}:{}", r.remote_app, r.endpoint));
                    }
                    key.sort();
                    ToolError::Other(format!(
                        "cannot read settings for unit {quoted} in relation \"{}\": unit {quoted}: settings not found",
                        key.join(" ")
                    ))
                })?;
                (format!("unit:{unit}"), settings)
            }
        };
        Ok(self.read_cache.entry((id, cache_key)).or_insert(settings).clone())
    }

    fn set_local_settings(&mut self, id: i64, scope: BagScope, changes: &SettingsChanges) -> Result<(), ToolError> {
        self.relation_ref(id)?;
        let pending = self.pending_relation.entry((id, scope)).or_default();
        pending.extend(changes.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(())
    }

    fn config(&mut self) -> Result<BTreeMap<String, Value>, ToolError> {
        Ok(self.config.clone())
    }

    fn private_address(&mut self) -> Result<String, ToolError> {
        self.private_address.clone().ok_or_else(|| ToolError::NotFound("private address".to_string()))
    }

    fn public_address(&mut self) -> Result<String, ToolError> {
        self.public_address.clone().ok_or_else(|| ToolError::NotFound("public address".to_string()))
    }

    fn network_info(&mut self, binding: &str, relation_id: Option<i64>) -> Result<Option<NetworkInfo>, ToolError> {
        if let Some(id) = relation_id {
            self.relation_ref(id)?;
        }
        Ok(self.network.get(binding).cloned())
    }

    fn open_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError> {
        self.pending_ports.push(PortChange { open: true, endpoint: endpoint.map(str::to_string), range });
        Ok(())
    }

    fn close_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError> {
        self.pending_ports.push(PortChange { open: false, endpoint: endpoint.map(str::to_string), range });
        Ok(())
    }

    fn opened_ports(&mut self) -> Result<Vec<OpenedPort>, ToolError> {
        Ok(self.opened.clone())
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        self.logs.push((level, message.to_string()));
    }

    fn unit_status(&mut self) -> Result<StatusInfo, ToolError> {
        Ok(self.unit_status.clone())
    }

    fn set_unit_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        self.unit_status =
            StatusInfo { status: status.to_string(), message: message.to_string(), ..StatusInfo::default() };
        self.application_status.units.insert(self.unit.clone(), self.unit_status.clone());
        self.status_history.push((false, status.to_string(), message.to_string()));
        Ok(())
    }

    fn application_status(&mut self) -> Result<ApplicationStatus, ToolError> {
        let mut status = self.application_status.clone();
        status.units.entry(self.unit.clone()).or_insert_with(|| self.unit_status.clone());
        Ok(status)
    }

    fn set_application_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        self.application_status.application =
            StatusInfo { status: status.to_string(), message: message.to_string(), ..StatusInfo::default() };
        self.status_history.push((true, status.to_string(), message.to_string()));
        Ok(())
    }

    fn leader_settings(&mut self) -> Result<Settings, ToolError> {
        Ok(self.leader_settings.clone())
    }

    fn set_leader_settings(&mut self, changes: &SettingsChanges) -> Result<(), ToolError> {
        apply(&mut self.leader_settings, changes);
        Ok(())
    }

    fn action_params(&mut self) -> Result<BTreeMap<String, Value>, ToolError> {
        self.action_params.clone().ok_or(ToolError::NotInAction)
    }

    fn set_action_result(&mut self, keys: &[String], value: &str) -> Result<(), ToolError> {
        if self.action_params.is_none() {
            return Err(ToolError::NotInAction);
        }
        merge_result(&mut self.action_results, keys, value);
        Ok(())
    }

    fn fail_action(&mut self, message: &str) -> Result<(), ToolError> {
        if self.action_params.is_none() {
            return Err(ToolError::NotInAction);
        }
        self.action_failed = Some(message.to_string());
        Ok(())
    }

    fn log_action_message(&mut self, message: &str) -> Result<(), ToolError> {
        if self.action_params.is_none() {
            return Err(ToolError::NotInAction);
        }
        self.action_logs.push(message.to_string());
        Ok(())
    }

    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        self.workload_version = Some(version.to_string());
        Ok(())
    }

    fn charm_state(&mut self) -> Result<Settings, ToolError> {
        let mut state = self.state.clone();
        apply(&mut state, &self.pending_state);
        Ok(state)
    }

    fn set_charm_state(&mut self, key: &str, value: &str) -> Result<(), ToolError> {
        self.pending_state.insert(key.to_string(), Some(value.to_string()));
        Ok(())
    }

    fn delete_charm_state(&mut self, key: &str) -> Result<(), ToolError> {
        self.pending_state.insert(key.to_string(), None);
        Ok(())
    }

    fn request_reboot(&mut self, now: bool) -> Result<(), ToolError> {
        self.reboot = Some(now);
        Ok(())
    }

    fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        Ok(self.goal.clone())
    }

    fn secrets(&mut self) -> Result<&mut Secrets, ToolError> {
        Ok(&mut self.secrets)
    }

    fn hook_storage(&self) -> Option<String> {
        self.hook_storage.clone()
    }

    fn trusted(&mut self) -> Result<bool, ToolError> {
        Ok(self.trusted)
    }

    fn resource_path(&mut self, name: &str) -> Result<String, ToolError> {
        self.resources.get(name).cloned().ok_or_else(|| ToolError::NotFound(format!("resource {name:?}")))
    }

    fn storage_ids(&mut self) -> Result<Vec<String>, ToolError> {
        let mut ids: Vec<String> = self.storage.keys().cloned().collect();
        ids.sort_by_key(|id| (id.split('/').next().unwrap_or("").to_string(), crate::model::unit_number(id)));
        Ok(ids)
    }

    fn storage(&mut self, id: &str) -> Result<super::context::StorageInfo, ToolError> {
        self.storage
            .get(id)
            .cloned()
            .ok_or_else(|| ToolError::NotFound(format!("storage attachment {id:?} on {:?}", self.unit)))
    }

    fn add_storage(&mut self, name: &str, count: u32) -> Result<(), ToolError> {
        if !self.storage.keys().any(|id| id.split('/').next() == Some(name)) {
            return Err(ToolError::NotFound(format!("charm storage {name:?}")));
        }
        self.pending_storage.push((name.to_string(), count));
        Ok(())
    }
}
