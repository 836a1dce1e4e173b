//! `formula`: lint, simulate, test, pack and publish Juju formulas.
//!
//! The binary is thin: it parses arguments, calls the libraries, chooses a renderer and maps
//! outcomes to exit codes. Started under a hook tool's name (`relation-get`, …) it is the
//! hook-tool client instead, and forwards the call to the simulator.

mod embedded;
mod explore;
mod lint;
mod sim;
mod tool_client;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    /// Deploy formulas into a simulated model and run their real hooks, in an order fixed by a seed.
    Sim(sim::SimArgs),
}

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let name = std::path::Path::new(&argv0).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if tool_client::is_tool(&name) {
        return tool_client::run(&name, args.map(|a| a.to_string_lossy().into_owned()).collect());
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Sim(args) => sim::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
