//! `formula build`: compile a formula written in Rust into `dispatch`, its hooks and
//! `dispatch.wasm`.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use formula_sdk::build::{build, needs_build, BuildOptions};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BuildArgs {
    /// The formula directory, with a Cargo project (`Cargo.toml`, `src/`) inside.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// What to build: the native `dispatch` (with a `hooks/<name>` for each hook) that Juju runs, the
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
    /// The native `dispatch` and its hooks only.
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
    report(&build(&args.dir, &options)?);
    Ok(0)
}

/// Builds every formula among `dirs` that is written in Rust and whose outputs are missing
/// or older than its sources (as `cargo test` builds first), saying so on stderr; the others
/// are left alone. `formula test`, `sim` and `pack` call it before they run or read hooks.
pub fn ensure_built<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    let mut seen: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let dir = &tidy(dir);
        let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let Some(reason) = needs_build(dir) else { continue };
        eprintln!("building the Rust formula {} ({reason}): formula build {0}", dir.display());
        let built = build(dir, &BuildOptions::default())
            .with_context(|| format!("cannot build the hooks of {}", dir.display()))?;
        report(&built);
    }
    Ok(())
}

/// `dir` without `name/..` pairs (a scenario's `..` names its formula as `NAME/tests/..`).
fn tidy(dir: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in dir.components() {
        match part {
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The formulas a scenario deploys or upgrades to.
pub fn scenario_formulas(scenario: &simulator::scenario::Scenario) -> Vec<&Path> {
    let mut dirs: Vec<&Path> = scenario.applications.iter().map(|a| a.formula.as_path()).collect();
    for step in &scenario.steps {
        if let simulator::scenario::Step::Upgrade { formula, .. } = &step.value {
            dirs.push(formula);
        }
    }
    dirs
}

fn report(built: &formula_sdk::build::Built) {
    if let Some(dispatch) = &built.dispatch {
        eprintln!("built {} (and {} hooks that run it)", dispatch.display(), built.hooks.len());
    }
    if let Some(wasm) = &built.wasm {
        eprintln!("built {}", wasm.display());
    }
}
