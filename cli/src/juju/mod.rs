//! `juju`: Juju 3.6's command line against the simulated controller ([`crate::controller`]).
//!
//! `formula` started as `juju` (a link of that name), or `formula juju ARGS…`, is the client
//! ([`main`]): it sends its arguments to the controller, starting one when none runs, and
//! prints what comes back. The controller parses them as Juju does ([`args`]) and runs the
//! command ([`dispatch`]): models ([`models`]), applications, units and relations ([`apps`]),
//! application config ([`config`]), status ([`status`]), the log ([`debug_log`]); output as
//! Juju prints it ([`output`]). A command Juju has that is not simulated says so and exits 1.

pub mod apps;
pub mod args;
pub mod bundle;
pub mod config;
pub mod debug_log;
pub mod models;
pub mod operations;
pub mod output;
pub mod secrets;
pub mod ssh;
pub mod status;
pub mod tasks;

use crate::controller::daemon::{Controller, CONTROLLER_NAME};
use crate::controller::model::Handle;
use crate::controller::wire::{ClientWork, Reply, Request, FORWARDED_ENV};
use crate::controller::{client, resolve_dir, StartArgs};
use args::Parsed;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The commands the controller carries out, as `juju help` would list them.
pub const SIMULATED: &[&str] = &[
    "actions",
    "add-model",
    "add-secret",
    "add-unit",
    "config",
    "debug-log",
    "deploy",
    "destroy-model",
    "exec",
    "grant-secret",
    "integrate",
    "model-config",
    "models",
    "operations",
    "refresh",
    "relate",
    "remove-application",
    "remove-relation",
    "remove-secret",
    "remove-unit",
    "resolve",
    "revoke-secret",
    "run",
    "scp",
    "secrets",
    "show-model",
    "show-operation",
    "show-secret",
    "show-task",
    "show-unit",
    "ssh",
    "status",
    "switch",
    "trust",
    "update-secret",
    "version",
];

/// Commands planned for later steps of the controller: they say so.
const NOT_YET: &[&str] = &[];

/// The client: `juju ARGS…` (`args` without the program), sent to the controller.
pub fn main(args: Vec<OsString>) -> ExitCode {
    match call(args) {
        Ok(reply) => {
            client::print(&reply);
            match reply.then.as_deref() {
                Some(ClientWork::Follow { args, after }) if reply.code == 0 => follow(args.clone(), *after),
                Some(work) if reply.code == 0 => ssh::run_client_work(work),
                _ => ExitCode::from(reply.code),
            }
        }
        Err(e) => {
            eprintln!("ERROR {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Sends `args` to the controller (started if none runs) and returns its reply.
fn call(args: Vec<OsString>) -> anyhow::Result<Reply> {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.into_string().map_err(|a| anyhow::anyhow!("argument {a:?} is not UTF-8")))
        .collect::<anyhow::Result<_>>()?;
    call_strings(args)
}

/// How often a client following the log asks for more.
const FOLLOW_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// `juju debug-log` following the log: asks for the lines after the last printed, again and
/// again, until interrupted (or the controller goes).
fn follow(mut args: Vec<String>, mut after: u64) -> ExitCode {
    use std::io::Write;
    loop {
        let _ = std::io::stdout().flush();
        std::thread::sleep(FOLLOW_POLL);
        let mut asked = args.clone();
        asked.push(format!("--{}={after}", debug_log::AFTER_FLAG));
        let reply = match call_strings(asked) {
            Ok(reply) => reply,
            Err(e) => {
                eprintln!("ERROR {e:#}");
                return ExitCode::from(1);
            }
        };
        client::print(&reply);
        match reply.then.map(|w| *w) {
            Some(ClientWork::Follow { args: next, after: last }) if reply.code == 0 => {
                (args, after) = (next, last);
            }
            _ => return ExitCode::from(reply.code),
        }
    }
}

/// Sends `args` to the controller (started if none runs) and returns its reply.
fn call_strings(args: Vec<String>) -> anyhow::Result<Reply> {
    let dir = resolve_dir(None)?;
    if !client::is_running(&dir) {
        client::start_once(&dir, &StartArgs::defaults(dir.clone()))?;
    }
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let env: BTreeMap<String, String> =
        FORWARDED_ENV.iter().filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v))).collect();
    client::call(&dir, &Request::Juju { args, cwd, env })
}

/// A command line as the controller runs it: where it came from, and the controller.
pub struct Call<'a> {
    /// The controller.
    pub controller: &'a Controller,
    /// The client's working directory.
    pub cwd: &'a Path,
    /// The client's [`FORWARDED_ENV`].
    pub env: &'a BTreeMap<String, String>,
}

impl Call<'_> {
    /// A path as the client meant it (relative to its working directory).
    pub fn path(&self, text: &str) -> PathBuf {
        let path = Path::new(text);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        }
    }

    /// The model a command acts on: `-m`, else `JUJU_MODEL`, else the one in focus.
    pub fn model(&self, parsed: &Parsed) -> Result<Arc<Handle>, Reply> {
        let asked = parsed.value("model").map(str::to_string).or_else(|| self.env.get("JUJU_MODEL").cloned());
        let name = match asked {
            Some(name) => short_model_name(&name).to_string(),
            None => self
                .controller
                .current()
                .ok_or_else(|| Reply::error("no current model, use juju switch to select a model"))?,
        };
        self.controller.model(&name).ok_or_else(|| Reply::error(model_not_found(&name)))
    }
}

/// A model's name without its controller and owner (`formula:admin/dev` → `dev`).
pub fn short_model_name(name: &str) -> &str {
    let name = name.rsplit_once(':').map_or(name, |(_, m)| m);
    name.rsplit_once('/').map_or(name, |(_, m)| m)
}

/// Juju's message for a model that is not there.
pub fn model_not_found(name: &str) -> String {
    format!("model {CONTROLLER_NAME}:admin/{name} not found")
}

/// Runs the `juju` command line `argv` (without the program) from `cwd`.
pub fn dispatch(controller: &Controller, argv: &[String], cwd: &Path, env: &BTreeMap<String, String>) -> Reply {
    let call = Call { controller, cwd, env };
    let Some((command, rest)) = argv.split_first() else {
        return Reply::out(help());
    };
    let result = match command.as_str() {
        "version" | "--version" => models::version(rest),
        "add-model" => models::add_model(&call, rest),
        "destroy-model" => models::destroy_model(&call, rest),
        "models" | "list-models" => models::models(&call, rest),
        "show-model" => models::show_model(&call, rest),
        "switch" => models::switch(&call, rest),
        "model-config" => models::model_config(&call, rest),
        "deploy" => apps::deploy(&call, rest),
        "add-unit" => apps::add_unit(&call, rest),
        "remove-unit" => apps::remove_unit(&call, rest),
        "remove-application" => apps::remove_application(&call, rest),
        "integrate" | "relate" | "add-relation" => apps::integrate(&call, rest),
        "remove-relation" => apps::remove_relation(&call, rest),
        "resolve" | "resolved" => apps::resolve(&call, rest),
        "config" => config::config(&call, rest),
        "trust" => config::trust(&call, rest),
        "add-secret" => secrets::add_secret(&call, rest),
        "update-secret" => secrets::update_secret(&call, rest),
        "remove-secret" => secrets::remove_secret(&call, rest),
        "grant-secret" => secrets::grant_secret(&call, rest, true),
        "revoke-secret" => secrets::grant_secret(&call, rest, false),
        "secrets" | "list-secrets" => secrets::secrets(&call, rest),
        "show-secret" => secrets::show_secret(&call, rest),
        "status" => status::status(&call, rest),
        "show-unit" => status::show_unit(&call, rest),
        "debug-log" => debug_log::debug_log(&call, rest),
        "run" => tasks::run(&call, rest),
        "exec" => tasks::exec(&call, rest),
        "show-task" => tasks::show_task(&call, rest),
        "refresh" | "upgrade-charm" => apps::refresh(&call, rest),
        "ssh" => ssh::ssh(&call, rest),
        "actions" | "list-actions" => operations::actions(&call, rest),
        "operations" | "list-operations" => operations::operations(&call, rest),
        "show-operation" => operations::show_operation(&call, rest),
        "scp" => ssh::scp(&call, rest),
        "help" | "--help" | "-h" => Ok(Reply::out(help())),
        other if NOT_YET.contains(&other) => Err(Reply::error(format!(
            "{other} is not simulated by formula (not simulated yet; docs/juju-cli.md lists what is)"
        ))),
        other => {
            Err(Reply::error(format!("{other} is not simulated by formula (it simulates: {})", SIMULATED.join(", "))))
        }
    };
    result.unwrap_or_else(|reply| reply)
}

/// What `juju help` prints.
fn help() -> String {
    format!(
        "juju (simulated by formula) provides Juju 3.6's command line against a simulated controller.\n\nCommands:\n  {}\n",
        SIMULATED.join("\n  ")
    )
}

/// Parses `argv` for a command taking `flags`; a usage error, or `--help`, becomes the reply.
pub fn parse(name: &str, argv: &[String], flags: &[args::Flag]) -> Result<Parsed, Reply> {
    let parsed = args::parse(argv, flags).map_err(Reply::usage)?;
    if parsed.switch("help") {
        let names: Vec<String> = flags.iter().map(|f| format!("--{}", f.names[0])).collect();
        return Err(Reply::out(format!("Usage: juju {name} [options]\n\nOptions: {}\n", names.join(" "))));
    }
    Ok(parsed)
}

/// Checks that `parsed` has from `min` to `max` positional arguments; `what` names the first
/// missing one in Juju's message.
pub fn arity(parsed: &Parsed, min: usize, max: usize, what: &str) -> Result<(), Reply> {
    let n = parsed.args.len();
    if n < min {
        return Err(Reply::usage(format!("no {what} specified")));
    }
    if n > max {
        let extra: Vec<String> = parsed.args[max..].iter().map(|a| format!("{a:?}")).collect();
        return Err(Reply::usage(format!("unrecognized args: [{}]", extra.join(" "))));
    }
    Ok(())
}
