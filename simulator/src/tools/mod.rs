//! The classic hook tools (`relation-get`, `open-port`, `juju-log`, …) as
//! pure functions of their arguments and a [`HookContext`].
//!
//! [`run`] is what the hook-tool server calls for each request: it parses
//! the arguments exactly as Juju 3.x's `jujuc` commands do (gnuflag syntax,
//! the same messages, exit code 2 for usage errors and 1 for failures),
//! queries or changes the model through the context and returns the bytes
//! Juju would have printed. Spec: `juju-contract.md` §4, §2.4.
//!
//! ```
//! use simulator::tools::{memory::MemoryContext, run};
//!
//! let mut ctx = MemoryContext::new("wordpress/0")
//!     .relation(3, "db", "mysql")
//!     .unit_settings(3, "mysql/0", &[("host", "10.0.0.2"), ("port", "3306")])
//!     .hook_relation(3, Some("mysql/0"));
//! let out = run("relation-get", &["port".to_string()], b"", &mut ctx);
//! assert_eq!((out.code, out.stdout), (0, b"3306\n".to_vec()));
//! ```

mod action;
mod cloud;
mod command;
mod config;
pub mod context;
mod flags;
pub mod format;
mod goal_state;
mod json;
mod keyvalues;
mod leader;
mod log;
pub mod memory;
mod ports;
mod reboot;
mod relation;
mod secret;
mod state;
mod status;
mod storage;
mod unit;
mod version;
mod yaml_emit;

#[cfg(test)]
mod tests;

pub use action::merge_result;
pub use context::{HookContext, StorageInfo, ToolError};
pub use ports::parse_port_range;

use command::{write_error, Command, Env};

/// What a tool call returns to the hook: exit code and output bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolOutput {
    /// 0 success, 1 failure, 2 usage error.
    pub code: i32,
    /// Bytes for the hook's stdout.
    pub stdout: Vec<u8>,
    /// Bytes for the hook's stderr.
    pub stderr: Vec<u8>,
}

/// A tool needed the hook's stdin (`--file -`) but the request had none;
/// Juju's client then sends the request again with stdin
/// (`hook tool requires stdin, none supplied`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsStdin;

impl std::fmt::Display for NeedsStdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(command::NO_STDIN)
    }
}

/// The tools of the 2011 Ensemble agent, sorted: what formulas of that time could call
/// (docs/juju-contract.md §1.5). `ensemble-log` became `juju-log` with the rename; the
/// tools for leadership, status, actions, relation ids and networks came later.
pub const ENSEMBLE_TOOL_NAMES: &[&str] = &[
    "close-port",
    "config-get",
    "credential-get",
    "ensemble-log",
    "open-port",
    "relation-get",
    "relation-list",
    "relation-set",
    "unit-get",
];

/// The tools of a Juju 3 agent: every tool [`run`] knows but `ensemble-log`, which no Go
/// Juju has (docs/juju-contract.md §1.5).
pub fn juju_tool_names() -> impl Iterator<Item = &'static str> {
    TOOL_NAMES.iter().copied().filter(|name| *name != "ensemble-log")
}

/// Every tool name [`run`] knows, sorted.
pub const TOOL_NAMES: &[&str] = &[
    "action-fail",
    "action-get",
    "action-log",
    "action-set",
    "application-version-set",
    "close-port",
    "config-get",
    "credential-get",
    "ensemble-log",
    "goal-state",
    "is-leader",
    "juju-log",
    "juju-reboot",
    "leader-get",
    "leader-set",
    "network-get",
    "open-port",
    "opened-ports",
    "relation-get",
    "relation-ids",
    "relation-list",
    "relation-set",
    "resource-get",
    "secret-add",
    "secret-get",
    "secret-grant",
    "secret-ids",
    "secret-info-get",
    "secret-remove",
    "secret-revoke",
    "secret-set",
    "state-delete",
    "state-get",
    "state-set",
    "status-get",
    "status-set",
    "storage-add",
    "storage-get",
    "storage-list",
    "unit-get",
];

fn command_for(tool: &str, ctx: &dyn HookContext) -> Option<Box<dyn Command>> {
    Some(match tool {
        "action-fail" => Box::new(action::ActionFail::default()),
        "action-get" => Box::new(action::ActionGet::default()),
        "action-log" => Box::new(action::ActionLog::default()),
        "action-set" => Box::new(action::ActionSet::default()),
        "application-version-set" => Box::new(version::ApplicationVersionSet::default()),
        "close-port" => Box::new(ports::PortCommand::new(false)),
        "config-get" => Box::new(config::ConfigGet::default()),
        "credential-get" => Box::new(cloud::CredentialGet::default()),
        "ensemble-log" | "juju-log" => Box::new(log::JujuLog::new(tool)),
        "goal-state" => Box::new(goal_state::GoalState::default()),
        "is-leader" => Box::new(leader::IsLeader::default()),
        "juju-reboot" => Box::new(reboot::JujuReboot::default()),
        "leader-get" => Box::new(leader::LeaderGet::default()),
        "leader-set" => Box::new(leader::LeaderSet::default()),
        "network-get" => Box::new(unit::NetworkGet::new(ctx)),
        "open-port" => Box::new(ports::PortCommand::new(true)),
        "opened-ports" => Box::new(ports::OpenedPorts::default()),
        "relation-get" => Box::new(relation::RelationGet::new(ctx)),
        "relation-ids" => Box::new(relation::RelationIds::new(ctx)),
        "relation-list" => Box::new(relation::RelationList::new(ctx)),
        "relation-set" => Box::new(relation::RelationSet::new(ctx)),
        "resource-get" => Box::new(cloud::ResourceGet::default()),
        "secret-add" => Box::new(secret::SecretAdd::default()),
        "secret-get" => Box::new(secret::SecretGet::default()),
        "secret-grant" => Box::new(secret::SecretAccess::new(ctx, true)),
        "secret-ids" => Box::new(secret::SecretIds::default()),
        "secret-info-get" => Box::new(secret::SecretInfoGet::default()),
        "secret-remove" => Box::new(secret::SecretRemove::default()),
        "secret-revoke" => Box::new(secret::SecretAccess::new(ctx, false)),
        "secret-set" => Box::new(secret::SecretSet::default()),
        "state-delete" => Box::new(state::StateDelete::default()),
        "state-get" => Box::new(state::StateGet::default()),
        "state-set" => Box::new(state::StateSet::default()),
        "status-get" => Box::new(status::StatusGet::default()),
        "status-set" => Box::new(status::StatusSet::default()),
        "storage-add" => Box::new(storage::StorageAdd::default()),
        "storage-get" => Box::new(storage::StorageGet::new(ctx)),
        "storage-list" => Box::new(storage::StorageList::default()),
        "unit-get" => Box::new(unit::UnitGet::default()),
        _ => return None,
    })
}

/// Runs hook tool `tool` with `args` (without the tool name) and the hook's
/// `stdin`, against `ctx`. An unknown tool answers as Juju's server does:
/// `ERROR bad request: unknown command: <tool>`, exit 1.
pub fn run(tool: &str, args: &[String], stdin: &[u8], ctx: &mut dyn HookContext) -> ToolOutput {
    match run_request(tool, args, Some(stdin), ctx) {
        Ok(output) => output,
        // Unreachable with stdin present; answer as the client would.
        Err(NeedsStdin) => failure(1, command::NO_STDIN),
    }
}

/// Like [`run`], for a request that may not carry stdin: a tool that needs
/// it returns [`NeedsStdin`] before changing anything, and the caller asks
/// the client for stdin and runs the request again (Juju's protocol).
pub fn run_request(
    tool: &str,
    args: &[String],
    stdin: Option<&[u8]>,
    ctx: &mut dyn HookContext,
) -> Result<ToolOutput, NeedsStdin> {
    let Some(mut command) = command_for(tool, ctx) else {
        return Ok(failure(1, &format!("bad request: unknown command: {tool}")));
    };
    let mut env = Env { ctx, stdin, stdout: Vec::new(), stderr: Vec::new(), needs_stdin: false };
    let code = command::main(command.as_mut(), tool, args, &mut env);
    if env.needs_stdin {
        return Err(NeedsStdin);
    }
    Ok(ToolOutput { code, stdout: env.stdout, stderr: env.stderr })
}

fn failure(code: i32, message: &str) -> ToolOutput {
    let mut stderr = Vec::new();
    write_error(&mut stderr, message);
    ToolOutput { code, stdout: Vec::new(), stderr }
}
