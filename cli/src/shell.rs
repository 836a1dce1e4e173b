//! `formula shell UNIT`: a shell in a unit of a kept run, with working hook tools.
//!
//! The simulator is gone when a run ends, and with it the model the hook tools answer from.
//! A run is fixed by its seed, so the shell runs the kept run again, quietly, with the same
//! arguments (which `formula sim` wrote into the kept directory), and opens the shell in the
//! unit once the scenario is done: the same model, and with container backends the unit's
//! services running again.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ShellArgs {
    /// The unit (`wiki/0`).
    unit: String,
    /// The kept run's directory (default: the last run `formula sim` kept).
    #[arg(long, value_name = "DIR")]
    run: Option<PathBuf>,
}

/// The file in a kept run's directory with the arguments that replay it.
const RUN_FILE: &str = "run.json";

/// Where the path of the last kept run is written.
fn last_run_file() -> PathBuf {
    std::env::temp_dir().join("formula-sim-last-kept-run")
}

/// Writes what `formula shell` needs to replay a kept run.
pub fn remember_kept_run(dir: &Path, replay_args: &[String]) -> Result<()> {
    let text = serde_json::to_string_pretty(&serde_json::json!({ "args": replay_args }))?;
    std::fs::write(dir.join(RUN_FILE), text).with_context(|| format!("cannot write {}", dir.display()))?;
    // Only a convenience for `formula shell` without `--run`; a failure here loses nothing.
    let _ = std::fs::write(last_run_file(), dir.as_os_str().as_encoded_bytes());
    Ok(())
}

pub fn run(args: ShellArgs) -> Result<u8> {
    let dir = match args.run {
        Some(dir) => dir,
        None => {
            let last = std::fs::read_to_string(last_run_file())
                .context("no kept run: run `formula sim SCENARIO --keep` first, or name one with --run DIR")?;
            PathBuf::from(last.trim())
        }
    };
    let file = dir.join(RUN_FILE);
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("{} is not a kept run of `formula sim` (no {RUN_FILE})", dir.display()))?;
    let recorded: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is damaged", file.display()))?;
    let Some(replay) = recorded["args"].as_array() else {
        bail!("{} names no arguments to replay", file.display());
    };
    let mut argv = vec!["formula sim".to_string()];
    argv.extend(replay.iter().filter_map(|a| a.as_str().map(str::to_string)));
    argv.extend(["--quiet", "--keep", "never", "--shell"].map(String::from));
    argv.push(args.unit);
    eprintln!("running the kept run again to rebuild its model: formula sim {}", argv[1..].join(" "));
    let command = crate::sim::SimCommand::try_parse_from(argv)
        .with_context(|| format!("{} holds arguments this `formula` does not take", file.display()))?;
    crate::sim::run(command.args)
}
