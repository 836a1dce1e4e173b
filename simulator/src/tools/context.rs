//! The seam between hook tools and the simulated model.
//!
//! A hook tool (`relation-get`, `open-port`, …) parses its arguments, asks a
//! [`HookContext`] what it needs and prints the answer. The context is the
//! one-hook view of the model that Juju's uniter gives a hook: remote
//! relation data frozen when first read, the unit's own writes buffered until
//! the hook succeeds, logs and statuses recorded at once (spec §4.3,
//! "Transactional vs immediate"). The engine implements it over its model;
//! [`crate::tools::memory::MemoryContext`] implements it in memory for tests.
//!
//! Checks that Juju makes inside a command (leadership for `--app` writes,
//! the `not running an action` guard) are made by the tools, so an
//! implementation only has to answer questions and record changes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{OpenedPort, PortRange, Secrets, Settings, SettingsChanges, StatusInfo, Value};

/// Why a context could not answer; each tool turns it into Juju's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// Something does not exist; the message is `<what> not found`
    /// (Juju's `errors.NotFoundf`), e.g. `relation not found`.
    NotFound(String),
    /// The controller refused the read or write: `permission denied`.
    PermissionDenied,
    /// The unit is not the leader (the calling tool words the message).
    NotLeader,
    /// An action tool was called outside an action: `not running an action`.
    NotInAction,
    /// Any other failure, printed verbatim.
    Other(String),
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolError::NotFound(what) => write!(f, "{what} not found"),
            ToolError::PermissionDenied => f.write_str("permission denied"),
            ToolError::NotLeader => f.write_str("not the leader"),
            ToolError::NotInAction => f.write_str("not running an action"),
            ToolError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ToolError {}

/// A relation as this unit's hook sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationInfo {
    /// The model-unique relation id (the `3` in `db:3`).
    pub id: i64,
    /// This unit's endpoint name in the relation (the `db` in `db:3`).
    pub endpoint: String,
    /// The application at the other end (this application for a peer relation).
    pub remote_app: String,
}

impl RelationInfo {
    /// Juju's `FakeId`: `<endpoint>:<id>`, as shown in `JUJU_RELATION_ID`.
    pub fn fake_id(&self) -> String {
        format!("{}:{}", self.endpoint, self.id)
    }
}

/// What `goal-state` reports: status words by unit, and by endpoint the related applications
/// and units with theirs, at model time `since_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoalState {
    /// This application's units: their workload status, or `dying`.
    pub units: BTreeMap<String, String>,
    /// By endpoint: each related application (`joined`, or `dying`) and its units.
    pub relations: BTreeMap<String, BTreeMap<String, String>>,
    /// The model time the statuses are read at, in milliseconds.
    pub since_ms: u64,
}

/// Which of this unit's relation bags a write goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BagScope {
    /// The unit's own bag.
    Unit,
    /// The application bag (leader only; the tool checks leadership).
    App,
}

/// Whose bag a remote read targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BagTarget {
    /// A unit's bag, e.g. `mysql/0`.
    Unit(String),
    /// An application's bag, e.g. `mysql`.
    App(String),
}

/// A Juju log level (loggo), as `juju-log -l` accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// TRACE.
    Trace,
    /// DEBUG.
    Debug,
    /// INFO (the default).
    Info,
    /// WARNING.
    Warning,
    /// ERROR.
    Error,
    /// CRITICAL.
    Critical,
}

impl LogLevel {
    /// Parses a level as loggo does: case-insensitive, `WARN` allowed.
    pub fn parse(text: &str) -> Option<LogLevel> {
        match text.to_ascii_uppercase().as_str() {
            "TRACE" => Some(LogLevel::Trace),
            "DEBUG" => Some(LogLevel::Debug),
            "INFO" => Some(LogLevel::Info),
            "WARN" | "WARNING" => Some(LogLevel::Warning),
            "ERROR" => Some(LogLevel::Error),
            "CRITICAL" => Some(LogLevel::Critical),
            _ => None,
        }
    }

    /// The uppercase name loggo prints.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

/// The application status with its units' statuses (`status-get --application`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApplicationStatus {
    /// The application's own status.
    pub application: StatusInfo,
    /// Each unit's status, keyed by unit name.
    pub units: BTreeMap<String, StatusInfo>,
}

/// One address of a network interface (`network-get`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InterfaceAddress {
    /// The host name the address was resolved from, if any.
    pub hostname: String,
    /// The address itself.
    pub value: String,
    /// The subnet in CIDR notation.
    pub cidr: String,
}

/// One network interface bound to a space (`network-get`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InterfaceInfo {
    /// The MAC address.
    pub mac_address: String,
    /// The interface name, e.g. `eth0`.
    pub interface_name: String,
    /// Its addresses, the first being the bind address.
    pub addresses: Vec<InterfaceAddress>,
}

/// What `network-get <binding>` reports for one binding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkInfo {
    /// The interfaces in the binding's space.
    pub bind_addresses: Vec<InterfaceInfo>,
    /// Subnets traffic will originate from.
    pub egress_subnets: Vec<String>,
    /// Addresses to advertise for incoming connections.
    pub ingress_addresses: Vec<String>,
}

/// A storage instance as `storage-get` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageInfo {
    /// `filesystem` or `block`.
    pub kind: String,
    /// Where the hook finds it.
    pub location: String,
}

/// The one-hook view of the model that hook tools query and change.
///
/// Reads of other units' data are frozen for the hook: the first read of a
/// remote bag is what every later read in the same hook returns. Writes that
/// Juju buffers (`relation-set`, ports, `state-set`) must only reach the
/// model when the hook exits 0; writes Juju makes at once (logs, statuses,
/// leader settings, action results, the workload version) are immediate.
pub trait HookContext {
    /// This unit's name, e.g. `wordpress/0`.
    fn unit_name(&self) -> &str;

    /// The directory the hook runs in (the charm directory); relative paths
    /// given to `-o` and `--file` are resolved against it.
    fn cwd(&self) -> &Path;

    /// Whether this unit holds the leadership lease. Implementations should
    /// cache a `false` answer for the rest of the hook, as Juju does.
    fn is_leader(&mut self) -> Result<bool, ToolError>;

    /// The relation the current hook is about, if it is a relation hook.
    fn hook_relation(&self) -> Option<RelationInfo>;

    /// `JUJU_REMOTE_UNIT`: the remote unit of a relation hook, if any.
    fn remote_unit(&self) -> Option<String>;

    /// `JUJU_REMOTE_APP`: the remote application of a relation hook, if any.
    fn remote_app(&self) -> Option<String>;

    /// The relation with this id, if this unit takes part in it.
    fn relation(&self, id: i64) -> Result<RelationInfo, ToolError>;

    /// Every relation this unit takes part in that is neither dead nor
    /// already broken in this hook, in any order.
    fn relations(&self) -> Vec<RelationInfo>;

    /// The remote units in scope in relation `id` as this hook sees them,
    /// sorted by name (peers: the other peers).
    fn relation_members(&self, id: i64) -> Result<Vec<String>, ToolError>;

    /// This unit's own bag (`Unit`) or its application's bag (`App`) in
    /// relation `id`, including writes buffered by this hook.
    fn local_settings(&mut self, id: i64, scope: BagScope) -> Result<Settings, ToolError>;

    /// Another unit's or application's bag as the controller serves it,
    /// read once per hook and then frozen. A non-leader reading its own
    /// application's bag in a non-peer relation gets `PermissionDenied`.
    fn remote_settings(&mut self, id: i64, target: &BagTarget) -> Result<Settings, ToolError>;

    /// Buffers changes to this unit's (or, for the leader, its
    /// application's) bag in relation `id`.
    fn set_local_settings(&mut self, id: i64, scope: BagScope, changes: &SettingsChanges) -> Result<(), ToolError>;

    /// The application configuration: every option, `Value::Null` for
    /// options without a value (spec §2.3).
    fn config(&mut self) -> Result<BTreeMap<String, Value>, ToolError>;

    /// The unit's legacy private address (`unit-get` falls back to it when
    /// the default binding has no address).
    fn private_address(&mut self) -> Result<String, ToolError>;

    /// The unit's public address; `NotFound("public address")` if none.
    fn public_address(&mut self) -> Result<String, ToolError>;

    /// Network details of `binding` (`""` is the default binding), as seen
    /// from relation `relation_id` if given. `Ok(None)` if the binding has
    /// no network config.
    fn network_info(&mut self, binding: &str, relation_id: Option<i64>) -> Result<Option<NetworkInfo>, ToolError>;

    /// Buffers opening `range` for `endpoint` (`None`: every endpoint).
    fn open_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError>;

    /// Buffers closing `range` for `endpoint` (`None`: every endpoint).
    fn close_port(&mut self, endpoint: Option<&str>, range: PortRange) -> Result<(), ToolError>;

    /// The ranges this unit had open when the hook started (pending changes
    /// from this hook are not included).
    fn opened_ports(&mut self) -> Result<Vec<OpenedPort>, ToolError>;

    /// Records a `juju-log` line (already prefixed with the relation id in
    /// relation hooks) under `unit.<unit>.juju-log`. Immediate.
    fn log(&mut self, level: LogLevel, message: &str);

    /// This unit's workload status.
    fn unit_status(&mut self) -> Result<StatusInfo, ToolError>;

    /// Sets this unit's workload status. Immediate.
    fn set_unit_status(&mut self, status: &str, message: &str) -> Result<(), ToolError>;

    /// The application status and its units' statuses (the tool has
    /// checked leadership).
    fn application_status(&mut self) -> Result<ApplicationStatus, ToolError>;

    /// Sets the application status (the tool has checked leadership). Immediate.
    fn set_application_status(&mut self, status: &str, message: &str) -> Result<(), ToolError>;

    /// The application's leader settings, read once per hook.
    fn leader_settings(&mut self) -> Result<Settings, ToolError>;

    /// Merges changes into the leader settings (the tool has checked
    /// leadership). Immediate, not transactional.
    fn set_leader_settings(&mut self, changes: &SettingsChanges) -> Result<(), ToolError>;

    /// The parameters of the running action; `NotInAction` outside one.
    fn action_params(&mut self) -> Result<BTreeMap<String, Value>, ToolError>;

    /// Sets the result at the nested key path `keys` to `value` (see
    /// [`crate::tools::action::merge_result`]); `NotInAction` outside one.
    fn set_action_result(&mut self, keys: &[String], value: &str) -> Result<(), ToolError>;

    /// Marks the running action failed with `message`; the hook goes on.
    fn fail_action(&mut self, message: &str) -> Result<(), ToolError>;

    /// Records an `action-log` progress message. Immediate.
    fn log_action_message(&mut self, message: &str) -> Result<(), ToolError>;

    /// Sets the application's workload version. Immediate.
    fn set_workload_version(&mut self, version: &str) -> Result<(), ToolError>;

    /// The unit's server-side state including this hook's buffered changes.
    fn charm_state(&mut self) -> Result<Settings, ToolError>;

    /// Buffers setting a state key (the tool has checked the size limits).
    fn set_charm_state(&mut self, key: &str, value: &str) -> Result<(), ToolError>;

    /// Buffers deleting a state key.
    fn delete_charm_state(&mut self, key: &str) -> Result<(), ToolError>;

    /// Asks for a reboot: after the hook succeeds, or at once when `now`
    /// (the engine then kills and re-queues the hook).
    fn request_reboot(&mut self, now: bool) -> Result<(), ToolError>;

    /// `goal-state`: this application's units and, by endpoint, what is related on it.
    fn goal_state(&mut self) -> Result<GoalState, ToolError>;

    /// The model's secrets as this hook sees them, its own changes included. The secret tools
    /// change them here; the changes reach the model only when the hook succeeds.
    fn secrets(&mut self) -> Result<&mut Secrets, ToolError>;

    /// The storage instance a storage hook is about (`data/0`), if any.
    fn hook_storage(&self) -> Option<String>;

    /// The ids of the storage instances attached to this unit, by name then number.
    fn storage_ids(&mut self) -> Result<Vec<String>, ToolError>;

    /// The storage instance `id` attached to this unit.
    fn storage(&mut self, id: &str) -> Result<StorageInfo, ToolError>;

    /// Buffers attaching `count` more instances of the formula's storage `name`.
    fn add_storage(&mut self, name: &str, count: u32) -> Result<(), ToolError>;

    /// Whether this unit's application is trusted with the cloud credential.
    fn trusted(&mut self) -> Result<bool, ToolError>;

    /// Where the hook finds resource `name` (`resource-get`); `NotFound` when the application
    /// has no such resource attached.
    fn resource_path(&mut self, name: &str) -> Result<String, ToolError>;

    /// The key of relation `id` (`wordpress:db mysql:server`), which scopes secret grants.
    fn relation_key(&self, id: i64) -> Option<String> {
        let info = self.relation(id).ok()?;
        let app = super::relation::app_of(self.unit_name());
        Some(format!("{app}:{} {}", info.endpoint, info.remote_app))
    }

    /// Reads a file named by a tool argument (`--file`); relative paths are
    /// relative to [`HookContext::cwd`]. Backends whose hooks run elsewhere
    /// (a container) override it.
    fn read_file(&self, path: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.resolve_path(path))
    }

    /// Writes a tool's output file (`-o`), replacing it.
    fn write_file(&self, path: &str, contents: &[u8]) -> std::io::Result<()> {
        std::fs::write(self.resolve_path(path), contents)
    }

    /// The absolute path a tool argument names, as Juju's `Context.AbsPath`.
    fn resolve_path(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd().join(path)
        }
    }
}
