//! `formula`: lint, simulate, test, pack and publish Juju formulas.
//!
//! The binary is thin: it parses arguments, calls the libraries, chooses a renderer and maps
//! outcomes to exit codes. Started under a hook tool's name (`relation-get`, …) it is the
//! hook-tool client instead, and forwards the call to the simulator.

mod lint;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
