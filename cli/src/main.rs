//! `formula`: lint, simulate, test, pack and publish Juju formulas.
//!
//! The binary is thin: it parses arguments, calls the libraries, chooses a renderer and maps
//! outcomes to exit codes. Started under a hook tool's name (`relation-get`, …) it is the
//! hook-tool client instead, and forwards the call to the simulator; started as `juju`, it is
//! Juju's command line against the simulated controller (`formula juju`).

mod base;
mod build;
mod bundle;
mod controller;
mod embedded;
mod hook_tool;
mod juju;
mod lint;
mod new;
mod pack;
mod port_puppet;
mod port_verify;
mod publish;
mod schema;
mod shell;
mod sim;
mod test;
mod tool_client;
mod trace_html;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
// The wire format as `tool_client` names it (`crate::wire`), in this binary and in the small
// hook-tool client, which includes the file itself.
use simulator::wire;

#[derive(Parser)]
#[command(name = "formula", version, about = "Write, lint, simulate and ship Juju formulas (classic charms)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check formulas and bundles: every `charm proof` check, Juju's own rules, and more.
    Lint(lint::LintArgs),
    /// Compile a formula written in Rust into `dispatch`, its hooks and `dispatch.wasm`.
    Build(build::BuildArgs),
    /// Deploy formulas into a simulated model (a scenario's, or one formula with a companion on each relation) and run their real hooks, in an order fixed by a seed.
    Sim(Box<sim::SimArgs>),
    /// Write the timeline page (HTML) of a trace that `formula sim --trace` wrote.
    TraceHtml(trace_html::TraceHtmlArgs),
    /// Open a shell in a unit of a kept run, with the hook environment and working hook tools.
    Shell(shell::ShellArgs),
    /// Port a Puppet module into a formula; what is left to do by hand goes to PORTING.md.
    PortPuppet(port_puppet::PortPuppetArgs),
    /// Write a new, working formula from a template (bash, python, …).
    New(new::NewArgs),
    /// Run every scenario under each formula's tests/ (a formula with none: with a companion on each relation), under N seeds with --explore N.
    Test(test::TestArgs),
    /// Write a formula's charm archive (a reproducible zip that Juju deploys).
    Pack(pack::PackArgs),
    /// Extract a charm archive into a new directory, refusing anything unsafe.
    Unpack(pack::UnpackArgs),
    /// Put a formula into a local repository, or deploy it with `juju`.
    Publish(publish::PublishArgs),
    /// Print a scenario's model as a Juju bundle.
    Bundle(bundle::BundleArgs),
    /// Print the JSON Schema of a scenario, metadata.yaml, config.yaml, actions.yaml or a bundle, for editors.
    Schema(schema::SchemaArgs),
    /// Build, show or remove the unit base: the Debian root every ns unit starts from.
    Base(base::BaseArgs),
    /// Start, stop or look at the simulated Juju controller that `juju` commands talk to.
    Controller(controller::ControllerArgs),
    /// Run `formula sim` command lines read from stdin, one after another, in this one
    /// process: the worker of `--explore` and `--exhaustive` (`sim::worker`).
    #[command(hide = true)]
    SimWorker,
    /// Run a `juju` command (Juju 3.6's command line) against the simulated controller, as
    /// `formula` does when started through a link named `juju`.
    Juju {
        /// The command and its arguments, as `juju` takes them.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<std::ffi::OsString>,
    },
}

fn main() -> ExitCode {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let name = std::path::Path::new(&argv0).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if simulator::tools::TOOL_NAMES.contains(&name.as_str()) {
        return hook_tool::main(std::env::args_os());
    }
    if name == "juju" {
        return juju::main(std::env::args_os().skip(1).collect());
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Sim(args) => sim::run(*args),
        Command::TraceHtml(args) => trace_html::run(args),
        Command::Shell(args) => shell::run(args),
        Command::PortPuppet(args) => port_puppet::run(args),
        Command::New(args) => new::run(args),
        Command::Test(args) => test::run(args),
        Command::Pack(args) => pack::run(args),
        Command::Unpack(args) => pack::run_unpack(args),
        Command::Publish(args) => publish::run(args),
        Command::Bundle(args) => bundle::run(args),
        Command::Build(args) => build::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Base(args) => base::run(args),
        Command::Controller(args) => controller::run(args),
        Command::SimWorker => sim::worker::serve(),
        Command::Juju { args } => return juju::main(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
