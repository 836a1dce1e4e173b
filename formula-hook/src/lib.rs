//! The hook API of Formula Kit: Juju's hook tools for formulas written in Rust, as native
//! hooks or as WebAssembly.
//!
//! A formula is one program whose hooks are functions. [`Dispatcher`] reads the hook's name
//! as Juju's `dispatch` does (`JUJU_DISPATCH_PATH`, e.g. `hooks/install`, else the name the
//! program was called by) and calls the function registered for it; [`Hook`] is that
//! function's typed access to the hook tools, whose failures are typed [`Error`]s.
//!
//! The same source builds for two targets:
//! - natively, the tools are the executables on `PATH` (`relation-get`, …), run with
//!   `--format json` exactly as a hook on a Juju unit runs them;
//! - for `wasm32-wasip1`, they are functions the host imports from the module `formula`
//!   (the simulator runs such a module in-process, with the same tool implementations).
//!
//! This crate is for formula authors, and so kept apart from the toolkit (formula-sdk): it
//! needs serde and serde_json alone, and builds for both targets. It is not on crates.io:
//! `formula new --template rust` writes it whole into the new formula, as `formula-hook/`
//! beside `src/`, from the copy the `formula` binary embedded when it was built.
//!
//! ```no_run
//! use formula_hook::{Bag, Dispatcher, Hook, Status};
//!
//! fn install(hook: &mut Hook) -> Result<(), formula_hook::Error> {
//!     hook.status_set(Status::Maintenance, "installing")?;
//!     hook.open_port("80/tcp")
//! }
//!
//! fn db_changed(hook: &mut Hook) -> Result<(), formula_hook::Error> {
//!     let Some(host) = hook.relation_get_key(None, Bag::Remote, "host")? else {
//!         return hook.status_set(Status::Waiting, "waiting for the database");
//!     };
//!     hook.log_info(&format!("database at {host}"))?;
//!     hook.status_set(Status::Active, "")
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     Dispatcher::new().on("install", install).on("db-relation-changed", db_changed).run()
//! }
//! ```
#![deny(missing_docs)]

mod dispatch;
mod error;
mod tools;
pub mod transport;

pub use dispatch::{hook_name, Dispatcher, HookFn, HOOKS_FLAG};
pub use error::{Error, ErrorKind};
pub use tools::{Bag, LogLevel, Status, StatusInfo};
pub use transport::{Output, Transport};

/// The hook being run: its name, the unit's environment and the way to the hook tools.
pub struct Hook {
    name: String,
    env: std::collections::BTreeMap<String, String>,
    transport: Box<dyn Transport>,
}

impl Hook {
    /// The hook `name` with the process's environment and the target's transport.
    pub fn from_env(name: &str) -> Hook {
        Hook::new(name, std::env::vars().collect(), transport::default_transport())
    }

    /// The hook `name` with the environment `env` and tools from `transport` (for tests of a
    /// formula's logic, or another host).
    pub fn new(name: &str, env: std::collections::BTreeMap<String, String>, transport: Box<dyn Transport>) -> Hook {
        Hook { name: name.to_string(), env, transport }
    }

    /// The hook's name (`install`, `db-relation-changed`), or the action's for an action.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// An environment variable of the hook (`JUJU_UNIT_NAME`, …).
    pub fn env(&self, key: &str) -> Option<&str> {
        self.env.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// This unit (`wiki/0`).
    pub fn unit_name(&self) -> &str {
        self.env("JUJU_UNIT_NAME").unwrap_or("")
    }

    /// This application (`wiki`).
    pub fn app_name(&self) -> &str {
        let unit = self.unit_name();
        unit.split_once('/').map_or(unit, |(app, _)| app)
    }

    /// The relation of a relation hook (`db:3`).
    pub fn relation_id(&self) -> Option<&str> {
        self.env("JUJU_RELATION_ID")
    }

    /// The remote unit of a relation hook.
    pub fn remote_unit(&self) -> Option<&str> {
        self.env("JUJU_REMOTE_UNIT")
    }

    /// The remote application of a relation hook.
    pub fn remote_app(&self) -> Option<&str> {
        self.env("JUJU_REMOTE_APP")
    }

    /// Runs any hook tool with `args`; returns its stdout, or its failure as an [`Error`].
    pub fn call(&mut self, tool: &str, args: &[&str]) -> Result<String, Error> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        transport::checked(self.transport.as_mut(), tool, &args)
    }
}
