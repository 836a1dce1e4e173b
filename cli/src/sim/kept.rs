//! A kept run's record: the arguments that run it again (`run.json` in its directory), and
//! where the last kept run is. `formula sim` writes it when it keeps a run; `formula shell`
//! reads it to rebuild the run's model (the simulator is gone when a run ends, and a run is
//! fixed by its arguments).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The file in a kept run's directory with the arguments that replay it.
pub const RUN_FILE: &str = "run.json";

/// Where the path of the last kept run is written.
fn last_run_file() -> PathBuf {
    std::env::temp_dir().join("formula-sim-last-kept-run")
}

/// Writes what `formula shell` needs to replay a kept run.
pub fn remember(dir: &Path, replay_args: &[String]) -> Result<()> {
    let text = serde_json::to_string_pretty(&serde_json::json!({ "args": replay_args }))?;
    std::fs::write(dir.join(RUN_FILE), text).with_context(|| format!("cannot write {}", dir.display()))?;
    // Kept on purpose: not a dead run's leftover for `formula sim --clean`.
    simulator::run_dirs::release(dir);
    remember_last(dir);
    Ok(())
}

/// Makes `dir` the last kept run, which `formula shell` without `--run` opens. An isolated
/// run's own note of it stays in its private temporary directory: the process that waited
/// for the run writes it again.
pub fn remember_last(dir: &Path) {
    // Only a convenience for `formula shell` without `--run`; a failure here loses nothing.
    let _ = std::fs::write(last_run_file(), dir.as_os_str().as_encoded_bytes());
}

/// The record of the kept run in `dir` (default: the last one kept): the file it is in, and
/// the arguments that replay the run.
pub fn recorded(dir: Option<PathBuf>) -> Result<(PathBuf, Vec<String>)> {
    let dir = match dir {
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
    let args = replay.iter().filter_map(|a| a.as_str().map(str::to_string)).collect();
    Ok((file, args))
}
