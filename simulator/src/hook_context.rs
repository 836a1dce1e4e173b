//! The engine's side of the hook tools: one hook's view of the model.
//!
//! Remote bags are read once per hook and then frozen; the unit's own writes to relation
//! bags, ports and state are buffered here and reach the model only when the hook exits 0
//! ([`Buffers::commit`]); logs, statuses, leader settings and action results are immediate.

use crate::hook::Hook;
use crate::model::{
    Model, OpenedPort, PendingAction, PortRange, Secrets, Settings, SettingsChanges, StatusInfo, Value,
};
use crate::tools::context::{
    ApplicationStatus, BagScope, BagTarget, GoalState, HookContext, InterfaceAddress, InterfaceInfo, LogLevel,
    NetworkInfo, RelationInfo, StorageInfo, ToolError,
};
use crate::trace::{BagChange, BagKind, Changes, PortChange};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Writes a hook made that wait for its successful exit.
#[derive(Clone, Debug, Default)]
pub struct Buffers {
    /// Relation bag changes by (relation, unit or application bag).
    pub relation: BTreeMap<(i64, BagScope), SettingsChanges>,
    /// Port changes in order: (open?, endpoint, range).
    pub ports: Vec<(bool, Option<String>, PortRange)>,
    /// Charm state changes.
    pub state: BTreeMap<String, Option<String>>,
    /// A reboot was asked for.
    pub reboot: bool,
    /// The reboot was asked for with `--now`: the hook is killed and runs again after it.
    pub reboot_now: bool,
    /// The model's secrets with this hook's changes, once a secret tool ran: they replace the
    /// model's when the hook commits (Juju flushes secret changes with the hook).
    pub secrets: Option<Secrets>,
    /// `storage-add` requests: storage name and count.
    pub storage_add: Vec<(String, u32)>,
}

impl Buffers {
    /// Applies the buffered writes of `unit` to the model; returns what changed, for the trace.
    pub fn commit(&self, model: &mut Model, unit: &str) -> Changes {
        let app = crate::model::unit_app(unit).to_string();
        let mut relations = Vec::new();
        for ((id, scope), changes) in &self.relation {
            let Some(relation) = model.relations.get_mut(id) else {
                continue;
            };
            let bag = match scope {
                BagScope::Unit => relation.unit_bags.entry(unit.to_string()).or_default(),
                BagScope::App => relation.app_bags.entry(app.clone()).or_default(),
            };
            let changed = bag.apply(changes);
            let bag = match scope {
                BagScope::App => BagKind::App,
                BagScope::Unit => BagKind::Unit,
            };
            relations.push(BagChange { relation: *id, bag, changes: changes.clone(), changed });
        }
        let mut ports = Vec::new();
        if let Some(u) = model.units.get_mut(unit) {
            for (open, endpoint, range) in &self.ports {
                let port = OpenedPort { endpoint: endpoint.clone(), range: *range };
                if *open {
                    u.ports.insert(port);
                } else {
                    u.ports.remove(&port);
                }
                ports.push(PortChange { open: *open, range: range.to_string() });
            }
            crate::model::apply_changes(&mut u.state, &self.state);
        }
        if let Some(secrets) = &self.secrets {
            model.secrets = secrets.clone();
        }
        for (name, count) in &self.storage_add {
            // Checked when the tool ran; a count beyond the maximum is refused here as Juju's
            // controller refuses it.
            let _ = model.add_storage(unit, name, *count);
        }
        Changes { relations, ports, state: self.state.clone() }
    }

    /// Whether nothing was buffered.
    pub fn is_empty(&self) -> bool {
        self.relation.is_empty()
            && self.ports.is_empty()
            && self.state.is_empty()
            && !self.reboot
            && self.secrets.is_none()
            && self.storage_add.is_empty()
    }
}

/// A running action's record.
#[derive(Clone, Debug, Default)]
pub struct ActionRun {
    /// The action.
    pub action: Option<PendingAction>,
    /// Results set so far (nested maps).
    pub results: BTreeMap<String, Value>,
    /// Set by action-fail.
    pub failed: Option<String>,
    /// action-log messages.
    pub log: Vec<String>,
}

/// One hook's context over the model. It owns the model while the hook runs (the engine
/// takes it back with [`SimContext::finish`]), so that a WebAssembly store can hold it.
pub struct SimContext {
    /// The model.
    pub model: Model,
    /// The unit running the hook.
    pub unit: String,
    /// The hook.
    pub hook: Hook,
    /// The charm directory on this machine (the hook's working directory).
    pub cwd: PathBuf,
    /// Buffered writes.
    pub buffers: Buffers,
    /// Members of each relation as this hook sees them.
    pub members: BTreeMap<i64, Vec<String>>,
    /// Relations this unit knows (created and not broken), plus the hook's own.
    pub known_relations: Vec<i64>,
    /// Those of them that are broken in this context (Juju's `ContextRelation.broken`):
    /// reachable by id, left out of `relation-ids`.
    pub broken: Vec<i64>,
    /// The action being run, for actions.
    pub action: Option<ActionRun>,
    /// Where juju-log lines go (and the trace).
    pub logs: Vec<String>,
    /// Where this machine sees the unit's root (`/proc/<pid>/root` for a unit in a namespace),
    /// for absolute paths the hook gives its tools (`secret-add key#file=/tmp/…`).
    pub unit_root: Option<PathBuf>,
    frozen: BTreeMap<(i64, String), Settings>,
    leader_cache: Option<bool>,
    leader_settings_cache: Option<Settings>,
}

/// What a finished hook leaves: the model back, its buffered writes, its action record and
/// its `juju-log` lines.
pub struct Finished {
    /// The model.
    pub model: Model,
    /// Buffered writes, committed or discarded by the engine.
    pub buffers: Buffers,
    /// The action's record, for actions.
    pub action: Option<ActionRun>,
    /// `juju-log` lines.
    pub logs: Vec<String>,
    /// Other units' settings as the hook read them, by relation and unit.
    pub reads: BTreeMap<(i64, String), Settings>,
}

impl SimContext {
    /// A context for `hook` on `unit`, owning `model` until [`SimContext::finish`].
    pub fn new(
        model: Model,
        unit: &str,
        hook: Hook,
        cwd: &Path,
        members: BTreeMap<i64, Vec<String>>,
        known_relations: Vec<i64>,
        action: Option<ActionRun>,
    ) -> SimContext {
        SimContext {
            model,
            unit: unit.to_string(),
            hook,
            cwd: cwd.to_path_buf(),
            buffers: Buffers::default(),
            members,
            known_relations,
            broken: Vec::new(),
            action,
            logs: Vec::new(),
            unit_root: None,
            frozen: BTreeMap::new(),
            leader_cache: None,
            leader_settings_cache: None,
        }
    }

    /// Serves these members' settings, as the unit's cache holds them, in place of the latest
    /// commit (the `stale` fault; [`crate::uniter::cache`]).
    pub fn serve_cached(&mut self, cached: BTreeMap<(i64, String), Settings>) {
        self.frozen.extend(cached);
    }

    /// Whether the hook asked for `juju-reboot --now`: its process is to be killed.
    pub fn reboot_now(&self) -> bool {
        self.buffers.reboot_now
    }

    /// Ends the hook: gives back the model and what the hook left.
    pub fn finish(self) -> Finished {
        // Other units' settings as this hook read them (the application bags are keyed `app:`).
        let reads = self.frozen.into_iter().filter(|((_, key), _)| !key.starts_with("app:")).collect();
        Finished { model: self.model, buffers: self.buffers, action: self.action, logs: self.logs, reads }
    }

    fn app(&self) -> String {
        crate::model::unit_app(&self.unit).to_string()
    }

    fn info(&self, id: i64) -> Option<RelationInfo> {
        let relation = self.model.relations.get(&id)?;
        let app = self.app();
        let end = relation.end_of(&app)?;
        Some(RelationInfo { id, endpoint: end.endpoint.clone(), remote_app: relation.remote_app(&app) })
    }

    fn address(&self) -> Result<String, ToolError> {
        self.model.units.get(&self.unit).map(|u| u.address.clone()).ok_or_else(|| ToolError::NotFound("unit".into()))
    }

    /// A path a tool was given, on this machine: relative to the charm directory, or an
    /// absolute path of the unit's under its root.
    fn on_this_machine(&self, path: &str) -> PathBuf {
        match &self.unit_root {
            Some(root) if Path::new(path).is_absolute() => root.join(path.trim_start_matches('/')),
            _ => self.resolve_path(path),
        }
    }

    fn leader_now(&self) -> bool {
        self.model.apps.get(&self.app()).and_then(|a| a.leader.as_deref()) == Some(self.unit.as_str())
    }
}

impl HookContext for SimContext {
    fn unit_name(&self) -> &str {
        &self.unit
    }

    fn cwd(&self) -> &Path {
        &self.cwd
    }

    fn is_leader(&mut self) -> Result<bool, ToolError> {
        if self.leader_cache == Some(false) {
            return Ok(false);
        }
        let leader = self.leader_now();
        self.leader_cache = Some(leader);
        Ok(leader)
    }

    fn hook_relation(&self) -> Option<RelationInfo> {
        self.hook.relation.and_then(|id| self.info(id))
    }

    fn remote_unit(&self) -> Option<String> {
        self.hook.remote_unit.clone()
    }

    fn remote_app(&self) -> Option<String> {
        self.hook.remote_app.clone()
    }

    fn relation(&self, id: i64) -> Result<RelationInfo, ToolError> {
        if !self.known_relations.contains(&id) {
            return Err(ToolError::NotFound("relation".into()));
        }
        self.info(id).ok_or_else(|| ToolError::NotFound("relation".into()))
    }

    fn relations(&self) -> Vec<RelationInfo> {
        // A broken relation stays reachable by id (its own -broken hook has it) but is not
        // listed (spec §4.3, relation-ids).
        self.known_relations.iter().filter(|id| !self.broken.contains(id)).filter_map(|id| self.info(*id)).collect()
    }

    fn relation_members(&self, id: i64) -> Result<Vec<String>, ToolError> {
        self.relation(id)?;
        Ok(self.members.get(&id).cloned().unwrap_or_default())
    }

    fn local_settings(&mut self, id: i64, scope: BagScope) -> Result<Settings, ToolError> {
        self.relation(id)?;
        let app = self.app();
        let relation = self.model.relations.get(&id).ok_or_else(|| ToolError::NotFound("relation".into()))?;
        let mut data = match scope {
            BagScope::Unit => relation.unit_bags.get(&self.unit).map(|b| b.data.clone()).unwrap_or_default(),
            BagScope::App => relation.app_bags.get(&app).map(|b| b.data.clone()).unwrap_or_default(),
        };
        if let Some(changes) = self.buffers.relation.get(&(id, scope)) {
            crate::model::apply_changes(&mut data, changes);
        }
        Ok(data)
    }

    fn remote_settings(&mut self, id: i64, target: &BagTarget) -> Result<Settings, ToolError> {
        self.relation(id)?;
        let app = self.app();
        let key = match target {
            BagTarget::Unit(u) => u.clone(),
            BagTarget::App(a) => format!("app:{a}"),
        };
        match target {
            BagTarget::Unit(u) if *u == self.unit => return self.local_settings(id, BagScope::Unit),
            BagTarget::App(a) if *a == app => {
                let peer = self.model.relations.get(&id).is_some_and(|r| r.is_peer());
                if self.leader_now() {
                    return self.local_settings(id, BagScope::App);
                }
                if !peer {
                    return Err(ToolError::PermissionDenied);
                }
            }
            _ => {}
        }
        if let Some(data) = self.frozen.get(&(id, key.clone())) {
            return Ok(data.clone());
        }
        let relation = self.model.relations.get(&id).ok_or_else(|| ToolError::NotFound("relation".into()))?;
        let data = match target {
            BagTarget::Unit(u) => {
                // A unit of an application that is not in the relation: the controller refuses
                // the read (the uniter facade's `checkRemoteUnit`, spec §4.3, relation-get).
                if !relation.involves(crate::model::unit_app(u)) {
                    return Err(ToolError::PermissionDenied);
                }
                // In a container-scoped relation, a unit of another container is not there for it.
                if !self.model.sees(relation, &self.unit, u) {
                    return Err(ToolError::Other(format!(
                        "cannot read settings for unit \"{u}\" in relation \"{}\": unit \"{u}\": settings not found",
                        relation.key()
                    )));
                }
                // A unit that never entered the relation's scope has no settings yet: Juju's
                // `RelationUnit.ReadSettings` fails (spec §4.3, relation-get).
                match relation.unit_bags.get(u) {
                    Some(bag) => bag.data.clone(),
                    None => {
                        return Err(ToolError::Other(format!(
                        "cannot read settings for unit \"{u}\" in relation \"{}\": unit \"{u}\": settings not found",
                        relation.key()
                    )))
                    }
                }
            }
            BagTarget::App(a) => relation.app_bags.get(a).map(|b| b.data.clone()).unwrap_or_default(),
        };
        self.frozen.insert((id, key), data.clone());
        Ok(data)
    }

    fn set_local_settings(&mut self, id: i64, scope: BagScope, changes: &SettingsChanges) -> Result<(), ToolError> {
        self.relation(id)?;
        let buffer = self.buffers.relation.entry((id, scope)).or_default();
        for (k, v) in changes {
            buffer.insert(k.clone(), v.clone());
        }
        Ok(())
    }

    fn config(&mut self) -> Result<BTreeMap<String, Value>, ToolError> {
        let app = self.app();
        self.model.apps.get(&app).map(|a| a.effective_config()).ok_or_else(|| ToolError::NotFound("application".into()))
    }

    fn private_address(&mut self) -> Result<String, ToolError> {
        self.address()
    }

    fn public_address(&mut self) -> Result<String, ToolError> {
        self.address()
    }

    fn network_info(&mut self, binding: &str, _relation_id: Option<i64>) -> Result<Option<NetworkInfo>, ToolError> {
        let app = self.app();
        let known = binding.is_empty()
            || self.model.apps.get(&app).is_some_and(|a| {
                a.formula.metadata.endpoint(binding).is_some()
                    || a.formula.metadata.extra_bindings.iter().any(|b| b == binding)
                    || binding == "juju-info"
            });
        if !known {
            return Ok(None);
        }
        let address = self.address()?;
        let cidr = match address.rsplit_once('.') {
            Some((net, _)) => format!("{net}.0/24"),
            None => address.clone(),
        };
        let index = crate::model::unit_number(&self.unit);
        Ok(Some(NetworkInfo {
            bind_addresses: vec![InterfaceInfo {
                mac_address: format!(
                    "00:16:3e:{:02x}:{:02x}:{:02x}",
                    (index >> 16) & 0xff,
                    (index >> 8) & 0xff,
                    index & 0xff
                ),
                interface_name: "eth0".into(),
                addresses: vec![InterfaceAddress {
                    hostname: String::new(),
                    value: address.clone(),
                    cidr: cidr.clone(),
                }],
            }],
            egress_subnets: vec![format!("{address}/32")],
            ingress_addresses: vec![address],
        }))
    }

    fn open_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError> {
        self.buffers.ports.push((true, endpoint.map(str::to_string), range));
        Ok(())
    }

    fn close_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError> {
        self.buffers.ports.push((false, endpoint.map(str::to_string), range));
        Ok(())
    }

    fn opened_ports(&mut self) -> Result<Vec<OpenedPort>, ToolError> {
        Ok(self.model.units.get(&self.unit).map(|u| u.ports.iter().cloned().collect()).unwrap_or_default())
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let line = format!("{} {message}", level.as_str());
        if let Some(u) = self.model.units.get_mut(&self.unit) {
            u.log.push(line.clone());
        }
        self.logs.push(line);
    }

    fn unit_status(&mut self) -> Result<StatusInfo, ToolError> {
        self.model.units.get(&self.unit).map(|u| u.status.clone()).ok_or_else(|| ToolError::NotFound("unit".into()))
    }

    fn set_unit_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        let u = self.model.units.get_mut(&self.unit).ok_or_else(|| ToolError::NotFound("unit".into()))?;
        u.status = StatusInfo { status: status.to_string(), message: message.to_string(), data: BTreeMap::new() };
        u.status_set = true;
        Ok(())
    }

    fn application_status(&mut self) -> Result<ApplicationStatus, ToolError> {
        let app = self.app();
        let application = self.model.apps.get(&app).map(|a| a.status.clone()).unwrap_or_default();
        let units = self.model.units_of(&app).iter().map(|u| (u.name.clone(), u.status.clone())).collect();
        Ok(ApplicationStatus { application, units })
    }

    fn set_application_status(&mut self, status: &str, message: &str) -> Result<(), ToolError> {
        let app = self.app();
        let a = self.model.apps.get_mut(&app).ok_or_else(|| ToolError::NotFound("application".into()))?;
        a.status = StatusInfo { status: status.to_string(), message: message.to_string(), data: BTreeMap::new() };
        Ok(())
    }

    fn leader_settings(&mut self) -> Result<Settings, ToolError> {
        if let Some(cached) = &self.leader_settings_cache {
            return Ok(cached.clone());
        }
        let app = self.app();
        let data = self.model.apps.get(&app).map(|a| a.leader_settings.clone()).unwrap_or_default();
        self.leader_settings_cache = Some(data.clone());
        Ok(data)
    }

    fn set_leader_settings(&mut self, changes: &SettingsChanges) -> Result<(), ToolError> {
        if !self.leader_now() {
            return Err(ToolError::NotLeader);
        }
        let app = self.app();
        let a = self.model.apps.get_mut(&app).ok_or_else(|| ToolError::NotFound("application".into()))?;
        let before = a.leader_settings.clone();
        crate::model::apply_changes(&mut a.leader_settings, changes);
        if before != a.leader_settings {
            a.leader_settings_version += 1;
        }
        self.leader_settings_cache = Some(a.leader_settings.clone());
        Ok(())
    }

    fn action_params(&mut self) -> Result<BTreeMap<String, Value>, ToolError> {
        match &self.action {
            Some(run) => Ok(run.action.as_ref().map(|a| a.params.clone()).unwrap_or_default()),
            None => Err(ToolError::NotInAction),
        }
    }

    fn set_action_result(&mut self, keys: &[String], value: &str) -> Result<(), ToolError> {
        let Some(run) = self.action.as_mut() else {
            return Err(ToolError::NotInAction);
        };
        crate::tools::merge_result(&mut run.results, keys, value);
        Ok(())
    }

    fn fail_action(&mut self, message: &str) -> Result<(), ToolError> {
        let Some(run) = self.action.as_mut() else {
            return Err(ToolError::NotInAction);
        };
        run.failed = Some(message.to_string());
        Ok(())
    }

    fn log_action_message(&mut self, message: &str) -> Result<(), ToolError> {
        let Some(run) = self.action.as_mut() else {
            return Err(ToolError::NotInAction);
        };
        run.log.push(message.to_string());
        Ok(())
    }

    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError> {
        // Not buffered: Juju sets it at once (spec §4.3).
        self.model.set_workload_version(&self.unit, version);
        Ok(())
    }

    fn charm_state(&mut self) -> Result<Settings, ToolError> {
        let mut data = self.model.units.get(&self.unit).map(|u| u.state.clone()).unwrap_or_default();
        crate::model::apply_changes(&mut data, &self.buffers.state);
        Ok(data)
    }

    fn set_charm_state(&mut self, key: &str, value: &str) -> Result<(), ToolError> {
        self.buffers.state.insert(key.to_string(), Some(value.to_string()));
        Ok(())
    }

    fn delete_charm_state(&mut self, key: &str) -> Result<(), ToolError> {
        self.buffers.state.insert(key.to_string(), None);
        Ok(())
    }

    fn request_reboot(&mut self, now: bool) -> Result<(), ToolError> {
        self.buffers.reboot = true;
        self.buffers.reboot_now |= now;
        Ok(())
    }

    fn goal_state(&mut self) -> Result<GoalState, ToolError> {
        let word = |u: &crate::model::Unit| match u.life {
            crate::model::Life::Dying => "dying".to_string(),
            crate::model::Life::Alive => u.status.status.clone(),
        };
        let app = self.app();
        let units = self.model.units_of(&app).into_iter().map(|u| (u.name.clone(), word(u))).collect();
        let mut relations: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for info in self.relations() {
            let alive = self.model.relations.get(&info.id).is_none_or(|r| r.life == crate::model::Life::Alive);
            let entry = relations.entry(info.endpoint.clone()).or_default();
            if info.remote_app != app {
                entry.insert(info.remote_app.clone(), if alive { "joined" } else { "dying" }.to_string());
            }
            for unit in self.model.units_of(&info.remote_app) {
                if unit.name != self.unit {
                    entry.insert(unit.name.clone(), word(unit));
                }
            }
        }
        Ok(GoalState { units, relations, since_ms: self.model.clock.now })
    }

    fn secrets(&mut self) -> Result<&mut Secrets, ToolError> {
        let model = &self.model;
        Ok(self.buffers.secrets.get_or_insert_with(|| model.secrets.clone()))
    }

    fn hook_storage(&self) -> Option<String> {
        self.hook.storage.clone()
    }

    fn read_file(&self, path: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.on_this_machine(path))
    }

    fn write_file(&self, path: &str, contents: &[u8]) -> std::io::Result<()> {
        std::fs::write(self.on_this_machine(path), contents)
    }

    fn storage_ids(&mut self) -> Result<Vec<String>, ToolError> {
        Ok(self.model.storage_of(&self.unit).into_iter().map(|s| s.id.clone()).collect())
    }

    fn storage(&mut self, id: &str) -> Result<StorageInfo, ToolError> {
        match self.model.storage.instances.get(id) {
            Some(s) if s.unit == self.unit => Ok(StorageInfo { kind: s.kind.clone(), location: s.location.clone() }),
            _ => Err(ToolError::NotFound(format!("storage attachment {id:?} on {:?}", self.unit))),
        }
    }

    fn add_storage(&mut self, name: &str, count: u32) -> Result<(), ToolError> {
        let app = self.app();
        let declared =
            self.model.apps.get(&app).is_some_and(|a| a.formula.metadata.storage.iter().any(|s| s.name == name));
        if !declared {
            return Err(ToolError::NotFound(format!("charm storage {name:?}")));
        }
        self.buffers.storage_add.push((name.to_string(), count));
        Ok(())
    }

    fn trusted(&mut self) -> Result<bool, ToolError> {
        Ok(self.model.apps.get(&self.app()).is_some_and(|a| a.trusted))
    }

    fn resource_path(&mut self, name: &str) -> Result<String, ToolError> {
        let unit = self.model.units.get(&self.unit).ok_or_else(|| ToolError::NotFound("unit".into()))?;
        unit.resources.get(name).cloned().ok_or_else(|| ToolError::NotFound(format!("resource {name:?}")))
    }

    fn relation_key(&self, id: i64) -> Option<String> {
        self.relation(id).ok()?;
        self.model.relations.get(&id).map(|r| r.key())
    }
}
