//! How a run is set up, and what it reports of each hook.

use crate::fault::Faults;
use crate::hook::Hook;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Called with each hook that ran (the live log).
pub type HookCallback = Box<dyn FnMut(&HookRecord)>;

/// Called with each line of a hook's output as the hook writes it (`formula sim -v`).
pub type OutputCallback = Box<dyn FnMut(&crate::runner::stream::OutputLine<'_>)>;

/// The default fuel of a WebAssembly hook: some seconds of work, far more than a hook needs.
pub const DEFAULT_HOOK_FUEL: u64 = 10_000_000_000;

/// How a run is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed.
    pub seed: u64,
    /// Replay these choices instead of drawing from the seed.
    pub choices: Option<Vec<usize>>,
    /// Past the end of `choices`, draw from the seed (a run restored from its trace that goes
    /// on), instead of taking the first option.
    pub continue_after_choices: bool,
    /// The executable the hook tools link to (the small hook-tool client, or `formula`).
    pub tool_binary: PathBuf,
    /// The run's directory (units, sockets, output); must exist.
    pub root: PathBuf,
    /// How long a hook may run before it is killed.
    pub hook_timeout: Duration,
    /// The most hooks one settle may run.
    pub max_hooks: u64,
    /// How often (percent) a unit acts on its previous snapshot instead of a fresh one.
    pub stale_percent: u32,
    /// Model name.
    pub model_name: String,
    /// Hooks that open a shell instead of running, as `juju debug-hooks` does.
    pub debug_hooks: Vec<DebugHooks>,
    /// Instructions a WebAssembly hook may execute before it fails (deterministic).
    pub hook_fuel: u64,
    /// The most memory (bytes) a WebAssembly hook may grow to (the unit's memory limit; by
    /// default wasm32's whole 4 GiB).
    pub hook_memory: u64,
    /// Run a formula's native hooks even where it has WebAssembly ones.
    pub native_hooks: bool,
    /// Faults to inject (none by default).
    pub faults: Faults,
    /// The scenario file, recorded in the trace's `run` event so that it can be replayed.
    pub scenario: Option<String>,
    /// Pick a unit and its hook in one draw, and write the options into each hook's event
    /// (`candidates`): the runs of exhaustive exploration, which reorder hooks by name.
    pub joint_picks: bool,
    /// With joint picks and recorded choices: what other runs took from the state at the
    /// last recorded choice (the search's sleep set, [`crate::exhaustive::SleepWatch`]).
    pub sleep_set: Option<Vec<crate::exhaustive::footprint::Step>>,
    /// With a seed: the schedules an exploration ran before this run, to keep out of
    /// ([`crate::schedules_run`]).
    pub avoid: Option<crate::schedules_run::Avoid>,
}

/// A `--debug-hooks UNIT[:HOOK]` target: when the unit is about to run the hook (any hook,
/// without one), a shell opens on the simulator's terminal in the unit, in the hook's
/// directory and environment, with working hook tools; the hook itself does not run. The
/// shell's exit status is the hook's: `exit 0` commits what the shell wrote, anything else
/// fails the hook. No timeout applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugHooks {
    /// The unit (`wiki/0`).
    pub unit: String,
    /// The hook (`db-relation-changed`), or every hook.
    pub hook: Option<String>,
}

impl DebugHooks {
    /// Reads `UNIT[:HOOK]`.
    pub fn parse(text: &str) -> Result<DebugHooks, String> {
        let (unit, hook) = match text.split_once(':') {
            Some((unit, hook)) => (unit, Some(hook.to_string()).filter(|h| !h.is_empty())),
            None => (text, None),
        };
        if !unit.split_once('/').is_some_and(|(app, n)| !app.is_empty() && n.parse::<u32>().is_ok()) {
            return Err(format!("`{text}` is not UNIT[:HOOK], with a unit like `wiki/0`"));
        }
        Ok(DebugHooks { unit: unit.to_string(), hook })
    }

    /// Whether the shell opens for `hook` on `unit`.
    pub(crate) fn matches(&self, unit: &str, hook: &str) -> bool {
        self.unit == unit && self.hook.as_deref().is_none_or(|h| h == hook)
    }
}

impl Config {
    /// Defaults for a run in `root` with tools from `tool_binary`.
    pub fn new(root: &Path, tool_binary: &Path) -> Config {
        Config {
            seed: 0,
            choices: None,
            continue_after_choices: false,
            tool_binary: tool_binary.to_path_buf(),
            root: root.to_path_buf(),
            hook_timeout: Duration::from_secs(300),
            max_hooks: 10_000,
            stale_percent: 25,
            model_name: "sim".into(),
            debug_hooks: Vec::new(),
            hook_fuel: DEFAULT_HOOK_FUEL,
            hook_memory: 4 << 30,
            native_hooks: false,
            faults: Faults::default(),
            scenario: None,
            joint_picks: false,
            sleep_set: None,
            avoid: None,
        }
    }
}

/// What a `juju exec` command left ([`super::Sim::exec`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecOutput {
    /// The command's exit code.
    pub code: i32,
    /// What it wrote to stdout.
    pub stdout: String,
    /// What it wrote to stderr.
    pub stderr: String,
}

/// A hook that ran, for the live log and for tests.
#[derive(Clone, Debug)]
pub struct HookRecord {
    /// Step number.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook.
    pub hook: Hook,
    /// `ok`, `failed (exit N)`, `missing`, `timeout`, …
    pub result: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// Relation keys written.
    pub keys_written: Vec<String>,
    /// Output of a failed hook.
    pub output: String,
}
