//! `formula build`: compile a formula written in Rust into `dispatch`, its hook links and
//! `dispatch.wasm`.

use anyhow::Result;
use clap::{Args, ValueEnum};
use formula_sdk::build::{build, BuildOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct BuildArgs {
    /// The formula directory, with a Cargo project (`Cargo.toml`, `src/`) inside.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// What to build: the native `dispatch` (with `hooks/<name>` links) that Juju runs, the
    /// `dispatch.wasm` that the simulator runs, or both.
    #[arg(long, value_enum, default_value_t = Target::Both)]
    target: Target,
    /// Build with Cargo's dev profile instead of `--release`.
    #[arg(long)]
    debug: bool,
}

/// Which builds to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// The native `dispatch` and `dispatch.wasm`.
    Both,
    /// The native `dispatch` and its links only.
    Native,
    /// `dispatch.wasm` only (wasm32-wasip1).
    Wasm,
}

pub fn run(args: BuildArgs) -> Result<u8> {
    let options = BuildOptions {
        native: args.target != Target::Wasm,
        wasm: args.target != Target::Native,
        release: !args.debug,
        ..BuildOptions::default()
    };
    let built = build(&args.dir, &options)?;
    if let Some(dispatch) = &built.dispatch {
        eprintln!("built {} ({} hook links)", dispatch.display(), built.links.len());
    }
    if let Some(wasm) = &built.wasm {
        eprintln!("built {}", wasm.display());
    }
    Ok(0)
}
