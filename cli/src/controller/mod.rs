//! `formula controller start|stop|status`: a simulated Juju controller in a background
//! process, which the `juju` command line ([`crate::juju`]) talks to over a unix socket in the
//! controller's directory.
//!
//! The controller keeps each model as a [`simulator::sim::Sim`] on a thread of its own
//! ([`model`]), which runs hooks in real time while the model has work; the socket server
//! ([`daemon`]) hands each `juju` command line to the command it names ([`crate::juju`]) and
//! replies with what to print ([`wire`]). [`client`] is the other end: it starts the
//! controller when none runs.

pub mod client;
pub mod daemon;
pub mod debug_log;
pub mod model;
pub mod record;
pub mod since;
pub mod tasks;
pub mod view;
pub mod wire;

use crate::sim::args::{backend_kind, UnitFlags};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use simulator::backend::Kind;
use std::path::PathBuf;

/// The socket's file name in the controller's directory.
pub const SOCKET: &str = "controller.sock";
/// The file holding the controller's process id.
pub const PID_FILE: &str = "controller.pid";
/// Where the controller writes what it says (a model's engine error, its startup).
pub const LOG_FILE: &str = "controller.log";

#[derive(Args)]
pub struct ControllerArgs {
    #[command(subcommand)]
    command: ControllerCommand,
}

#[derive(Subcommand)]
enum ControllerCommand {
    /// Start the controller in the background (the first `juju` command starts one with the
    /// defaults when none runs).
    Start(StartArgs),
    /// Stop the controller: its models' units are stopped and removed.
    Stop(DirArg),
    /// Say whether the controller runs, and list its models.
    Status(DirArg),
    /// Run the controller in this process (what `start` runs in the background).
    #[command(hide = true)]
    Run(StartArgs),
}

/// The controller's directory.
#[derive(Args, Clone)]
pub struct DirArg {
    /// The controller's directory (its socket, log and each model's trace); default
    /// `$FORMULA_CONTROLLER_DIR`, else `$XDG_STATE_HOME/formula/controller`, else
    /// `~/.local/state/formula/controller`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// How the controller runs its models' units and picks their hooks: as `formula sim` does.
#[derive(Args, Clone)]
pub struct StartArgs {
    #[command(flatten)]
    pub dir: DirArg,
    /// Where units live, as `formula sim --backend` (`auto`: `ns` as root or where user
    /// namespaces are allowed, else `host`).
    #[arg(long, value_parser = backend_kind(), default_value_t = Kind::Auto)]
    pub backend: Kind,
    /// The seed each model's choices are drawn from.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Inject faults at these rates, in percent, as `formula sim --faults`
    /// (`leader=5,fail=3,restart=2,tick=5`).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Kill a hook that runs longer than this many seconds.
    #[arg(long, default_value_t = crate::sim::args::DEFAULT_HOOK_TIMEOUT)]
    pub hook_timeout: u64,
}

impl StartArgs {
    /// The defaults, in `dir`: what the first `juju` command starts.
    pub fn defaults(dir: PathBuf) -> StartArgs {
        StartArgs {
            dir: DirArg { dir: Some(dir) },
            backend: Kind::Auto,
            seed: 0,
            faults: None,
            hook_timeout: crate::sim::args::DEFAULT_HOOK_TIMEOUT,
        }
    }

    /// The arguments of `formula controller run` that run the controller these ask for.
    fn run_args(&self, dir: &std::path::Path) -> Vec<String> {
        let mut out = vec!["controller".into(), "run".into(), "--dir".into(), dir.to_string_lossy().into_owned()];
        out.extend(["--backend".into(), self.backend.name().into(), "--seed".into(), self.seed.to_string()]);
        out.extend(["--hook-timeout".into(), self.hook_timeout.to_string()]);
        if let Some(faults) = &self.faults {
            out.extend(["--faults".into(), faults.clone()]);
        }
        out
    }

    /// How units run, as `formula sim`'s flags say it.
    pub fn unit_flags(&self) -> UnitFlags {
        UnitFlags {
            backend: self.backend,
            hook_timeout: self.hook_timeout,
            faults: self.faults.clone(),
            ..UnitFlags::default()
        }
    }
}

/// The controller's directory: `given`, else from the environment.
pub fn resolve_dir(given: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = given {
        return Ok(std::path::absolute(dir).unwrap_or_else(|_| dir.clone()));
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("FORMULA_CONTROLLER_DIR") {
        return Ok(std::path::absolute(&dir).unwrap_or(dir));
    }
    let state = match (var("XDG_STATE_HOME"), var("HOME")) {
        (Some(state), _) => state,
        (None, Some(home)) => home.join(".local/state"),
        (None, None) => anyhow::bail!("cannot tell where the controller lives: set FORMULA_CONTROLLER_DIR or HOME"),
    };
    Ok(state.join("formula/controller"))
}

/// `formula controller …`.
pub fn run(args: ControllerArgs) -> Result<u8> {
    match args.command {
        ControllerCommand::Start(start) => {
            let dir = resolve_dir(start.dir.dir.as_ref())?;
            if client::is_running(&dir) {
                eprintln!("the controller in {} is running already", dir.display());
                return Ok(0);
            }
            client::start(&dir, &start)?;
            eprintln!("started the controller in {}", dir.display());
            Ok(0)
        }
        ControllerCommand::Stop(dir) => {
            let dir = resolve_dir(dir.dir.as_ref())?;
            if !client::is_running(&dir) {
                eprintln!("no controller runs in {}", dir.display());
                return Ok(0);
            }
            let reply = client::call(&dir, &wire::Request::Stop).context("cannot stop the controller")?;
            client::print(&reply);
            client::wait_stopped(&dir);
            Ok(reply.code)
        }
        ControllerCommand::Status(dir) => {
            let dir = resolve_dir(dir.dir.as_ref())?;
            if !client::is_running(&dir) {
                println!("no controller runs in {}", dir.display());
                return Ok(1);
            }
            let reply = client::call(&dir, &wire::Request::Status)?;
            client::print(&reply);
            Ok(reply.code)
        }
        ControllerCommand::Run(start) => {
            let dir = resolve_dir(start.dir.dir.as_ref())?;
            daemon::serve(&dir, &start)?;
            Ok(0)
        }
    }
}
