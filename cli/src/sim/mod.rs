//! `formula sim`: run a scenario, print the hooks as they run and the status at the end.
//!
//! As ripgrep's command is split: [`args`] holds the flags as typed, [`setup`] turns them
//! into a run ready to go, [`run`] runs it and reports. One `formula sim` is one of these
//! modes: many seeds at once ([`explore`]: `--explore`, `--seeds`, `--check-determinism`),
//! removing what dead runs left (`--clean`), or one run (with `--replay`: [`replay`]); a
//! formula given in place of a scenario is made into one first ([`formula_arg`]). A run
//! whose units share this machine gets namespaces of its own where the machine allows it, or
//! has what it wrote listed ([`machine`]).
//!
//! `formula shell` and `formula test` use the same pieces: no command line is written out and
//! parsed again inside one process (but the explorer's runs: its workers, [`worker`], run them
//! as command lines, built in [`args`], as processes of their own would).

pub mod args;
pub mod exhaustive;
pub mod explore;
pub mod formula_arg;
pub mod kept;
pub mod machine;
pub mod replay;
pub mod run;
pub mod setup;
pub mod worker;

pub use args::SimArgs;

use anyhow::{Context, Result};
use simulator::backend::Kind;
use std::path::PathBuf;

/// `formula sim`, in the mode its arguments ask for.
pub fn run(mut args: SimArgs) -> Result<u8> {
    // A formula is made into a scenario before the mode is chosen, so that every mode runs it.
    let _generated = match formula_arg::prepare(&mut args)? {
        formula_arg::Prepared::Exit(code) => return Ok(code),
        formula_arg::Prepared::Ready(generated) => generated,
    };
    if args.exhaustive {
        return exhaustive::run(&args);
    }
    if args.explore.is_some() || args.seeds.is_some() || args.check_determinism {
        return explore::run(&args);
    }
    if args.clean {
        clean(args.backend);
        return Ok(0);
    }
    match setup::setup(&args)? {
        setup::Setup::Exit(code) => Ok(code),
        setup::Setup::Ready(ready) => run::run(&args, *ready),
    }
}

/// The running `formula`, which hooks call as their tools and the explorer runs per seed; its
/// path is read once, the first time it is asked for.
pub(crate) fn formula_binary() -> Result<PathBuf> {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    if let Some(path) = BINARY.get() {
        return Ok(path.clone());
    }
    let path = std::env::current_exe().context("cannot find the formula binary")?;
    Ok(BINARY.get_or_init(|| path).clone())
}

/// `formula sim --clean`: what runs that died left behind, removed: of the backend named with
/// `--backend`, or of every backend when none is named.
fn clean(backend: Kind) {
    let done = backend.clean_leftovers();
    if done.is_empty() {
        eprintln!("nothing to clean");
    }
    for line in done {
        eprintln!("{line}");
    }
}
