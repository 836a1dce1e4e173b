//! From arguments to a run ready to go (ripgrep's "high" arguments): the backend kind
//! resolved, the scenario loaded and its formulas built, the run's directory made, the run
//! isolated from this machine or the machine watched ([`super::machine`]), the simulator's
//! [`Config`] filled in, the trace sinks opened and the backend made.
//!
//! `formula sim` (and `formula shell`, which runs a kept run again) start from [`setup`];
//! `formula test` runs scenarios with the same pieces ([`RunDir`], [`config`], [`backend`])
//! and settings of its own.

use super::args::SimArgs;
use super::machine::{self, Plan};
use super::replay::Replay;
use anyhow::{Context, Result};
use simulator::backend::host::leftovers::Snapshot;
use simulator::backend::{self, Backend, Kind};
use simulator::scenario::{self, Scenario};
use simulator::sim::{Config, Sim};
use simulator::trace::{FileSink, Tee, TraceSink};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// The embedded example stack's scenario, in the directory the examples unpack to.
pub const EMBEDDED_SCENARIO: &str = "wiki/scenarios/stack.yaml";

/// A run's directory (units' files, hook output, the agent socket), removed when dropped
/// unless kept, and the executable the hook tools link to.
pub struct RunDir {
    /// The directory.
    pub dir: TempDir,
    /// Its path, resolved.
    pub root: PathBuf,
    /// What hooks call as their tools: the small hook-tool client, in the run's directory
    /// (which every backend's units see), or the running `formula` when this build has none.
    pub tool_binary: PathBuf,
}

impl RunDir {
    /// A new run directory where runs whose units are on `kind` go
    /// ([`simulator::run_dirs::parent`]), its name starting with `prefix`.
    pub fn create(prefix: &str, kind: Kind) -> Result<RunDir> {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(simulator::run_dirs::parent(kind))
            .context("cannot create the run's directory")?;
        let root = dir.path().canonicalize().context("cannot resolve the run's directory")?;
        // Named as this process's, for `formula sim --clean` should it be killed before removing it.
        simulator::run_dirs::claim(&root).context("cannot write in the run's directory")?;
        let tool_binary = match (shared_hook_tool(), crate::embedded::hook_tool()) {
            (Some(shared), _) => shared,
            (None, Some(bytes)) => write_hook_tool(&root, bytes)?,
            (None, None) => super::formula_binary()?,
        };
        Ok(RunDir { dir, root, tool_binary })
    }
}

/// Set by `--explore` and `--exhaustive` for their runs: the hook-tool client they wrote once,
/// in their own directory, which each run then uses instead of writing one of its own (1.2 MB,
/// a few milliseconds of each run where runs' directories are in memory).
pub const SHARED_HOOK_TOOL_ENV: &str = "FORMULA_SIM_HOOK_TOOL";

/// The hook-tool client that [`SHARED_HOOK_TOOL_ENV`] names, if it names a file.
fn shared_hook_tool() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os(SHARED_HOOK_TOOL_ENV)?);
    (path.is_absolute() && path.is_file()).then_some(path)
}

/// Writes the hook-tool client into `root`; returns its path.
pub fn write_hook_tool(root: &Path, bytes: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = root.join(crate::hook_tool::NAME);
    let write = || -> std::io::Result<()> {
        // Closed before any hook starts: an executable still open for writing cannot run.
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o755).open(&path)?;
        file.write_all(bytes)
    };
    write().with_context(|| format!("cannot write the hook-tool client {}", path.display()))?;
    Ok(path)
}

/// What every run of `scenario` (loaded from `path`) in `dir` with `seed` is configured
/// with: the seed, the scenario's bound on hooks, and the model named after the file.
pub fn config(dir: &RunDir, scenario: &Scenario, path: &Path, seed: u64) -> Config {
    let mut cfg = Config::new(&dir.root, &dir.tool_binary);
    cfg.seed = seed;
    if let Some(max) = scenario.max_hooks {
        cfg.max_hooks = max;
    }
    cfg.model_name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sim".into());
    cfg
}

/// The kind of backend a run asked for `asked` gets; unless `quiet`, a note when `auto`
/// means units share this machine.
pub fn resolve(asked: Kind, quiet: bool) -> Kind {
    let kind = asked.resolve();
    if asked == Kind::Auto && kind.units_share_this_machine() && !quiet {
        match asked.auto_fallback_note() {
            Some(note) => eprintln!("note: {note}"),
            None => eprintln!("note: units share this machine (--backend host); as root or where user namespaces are allowed, each unit gets a machine of its own (--backend ns)"),
        }
    }
    kind
}

/// A backend of `kind` for the run in `dir`; its notes (limits applied or not) go to
/// stderr unless `quiet`.
pub fn backend(kind: Kind, dir: &RunDir, options: &backend::Options, quiet: bool) -> Result<Box<dyn Backend>> {
    let backend = kind.make(&dir.root, &dir.tool_binary, options)?;
    if !quiet {
        for note in backend.notes() {
            eprintln!("{}: {note}", backend.name());
        }
    }
    Ok(backend)
}

/// Where `formula sim` ended up before running: ready, or done with an exit code (a
/// scenario that does not load).
pub enum Setup {
    /// A run ready to go.
    Ready(Box<Ready>),
    /// Nothing to run; the exit code.
    Exit(u8),
}

/// A `formula sim` run, ready to go.
pub struct Ready {
    /// The simulator, its units not yet deployed.
    pub sim: Sim,
    /// The scenario.
    pub scenario: Scenario,
    /// Where the scenario is (in `examples` for the embedded stack).
    pub scenario_path: PathBuf,
    /// The unpacked example stack, when no scenario was given.
    pub examples: Option<TempDir>,
    /// The run's directory.
    pub dir: RunDir,
    /// The backend the units are on.
    pub kind: Kind,
    /// The seed the run has (the trace's, for a replay).
    pub seed: u64,
    /// The trace being replayed.
    pub replay: Option<Replay>,
    /// Where the trace goes (`--trace`, or the run's directory for `--html` alone).
    pub trace_path: Option<PathBuf>,
    /// This machine before the run, when the run is on it and watched.
    pub watched: Option<Snapshot>,
}

/// Everything `formula sim` does before running the scenario.
pub fn setup(args: &SimArgs) -> Result<Setup> {
    let replay = args.replay.as_deref().map(Replay::read).transpose()?;
    // A replay runs on the trace's backend unless told otherwise.
    let asked = replay.as_ref().map_or(args.backend, |r| r.backend(args.backend));
    let kind = resolve(asked, args.quiet);
    if args.rootfs.is_some() && kind != Kind::Ns {
        anyhow::bail!("--rootfs needs --backend ns");
    }
    let scenario_arg = args.scenario.clone().or_else(|| replay.as_ref().and_then(Replay::scenario));
    let (scenario_path, examples) = match &scenario_arg {
        Some(path) => (path.clone(), None),
        // The example formulas install into /etc and /usr/local and start daemons, as on a
        // real machine: units sharing this machine as a normal user cannot, unless the run has
        // a machine of its own.
        None if kind.units_share_this_machine()
            && !nix::unistd::geteuid().is_root()
            && (args.no_isolate || !simulator::backend::isolate::available()) =>
        {
            anyhow::bail!(
                "the example stack's formulas write /etc and /usr/local and start services, as on a real machine, \
                 so their units need machines of their own: run as root (`sudo $(command -v formula) sim`), \
                 where each unit gets a container (--backend ns)"
            )
        }
        None => {
            let dir = crate::embedded::extract_examples().context("cannot unpack the embedded example stack")?;
            eprintln!("running the embedded example stack (examples/wiki/scenarios/stack.yaml)");
            (dir.path().join(EMBEDDED_SCENARIO), Some(dir))
        }
    };
    let scenario = match scenario::load(&scenario_path) {
        Ok(s) => s,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return Ok(Setup::Exit(2));
        }
    };
    // Built before the run is isolated: what the build writes (and cargo's caches) stays.
    crate::build::ensure_built(crate::build::scenario_formulas(&scenario))?;
    let mut plan = machine::plan(kind, args.isolate, args.no_isolate, [&scenario]);
    // Made before the run is isolated, and kept shared with this machine: a kept run's
    // directory must outlive the run's namespaces.
    let dir = RunDir::create("formula-sim-", kind)?;
    if let Plan::Isolate { shared_network } = &plan {
        let mut keep = machine::dirs_of([&args.trace, &args.html]);
        keep.push(dir.root.clone());
        match machine::isolate(&keep, shared_network.is_some(), args.isolate)? {
            machine::Isolated::Run => {}
            machine::Isolated::Finished(code) => {
                // The run has ended; it kept its directory if it wrote its record there.
                if dir.root.join(super::kept::RUN_FILE).is_file() {
                    super::kept::remember_last(&dir.dir.keep());
                    // The kept run's scenario is in the unpacked examples.
                    examples.map(TempDir::keep);
                }
                return Ok(Setup::Exit(code));
            }
            machine::Isolated::Failed(watch) => plan = watch,
        }
    }
    machine::announce(&plan, args.quiet);
    let watched = machine::watch(&plan, &dir.root);
    let mut cfg = config(&dir, &scenario, &scenario_path, args.seed);
    // A formula given in place of a scenario is what a replay needs (its scenario is made again).
    cfg.scenario = match &args.given {
        Some(given) => Some(given.formula.to_string_lossy().into_owned()),
        None => scenario_arg.as_ref().map(|p| p.to_string_lossy().into_owned()),
    };
    cfg.faults = match &args.faults {
        Some(spec) => simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?,
        None => scenario.faults,
    };
    if let Some(file) = &args.choices_file {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        let picks: Result<Vec<usize>, _> = text.split_whitespace().map(str::parse).collect();
        cfg.choices = Some(picks.map_err(|_| anyhow::anyhow!("{}: not a list of numbers", file.display()))?);
    }
    cfg.joint_picks = args.joint_picks;
    if let Some(percent) = args.stale_percent {
        cfg.stale_percent = percent;
    }
    if let Some(file) = &args.sleep_set {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        let set = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}:{}:{}: {e}", file.display(), e.line(), e.column()))?;
        cfg.sleep_set = Some(set);
    }
    cfg.avoid = args.avoiding.clone();
    if let Some(replay) = &replay {
        replay.apply(&mut cfg, args.faults.is_some())?;
    }
    cfg.hook_timeout = Duration::from_secs(args.hook_timeout);
    cfg.debug_hooks = args.debug_hooks.clone();
    cfg.hook_fuel = args.hook_fuel;
    // A WebAssembly hook runs in the simulator, outside its unit's cgroup: the unit's memory
    // limit bounds it here, on every backend.
    if args.unit_memory > 0 {
        cfg.hook_memory = args.unit_memory << 20;
    }
    cfg.native_hooks = args.native_hooks;
    if let Some(max) = args.max_hooks {
        cfg.max_hooks = max;
    }
    let mut tee = Tee::default();
    // The page is drawn from the trace once the run ends; without --trace it goes to the
    // run's directory (no copy of the trace is kept in memory while the run goes on).
    let trace_path = args.trace.clone().or_else(|| args.html.as_ref().map(|_| dir.root.join("trace.jsonl")));
    if let Some(path) = &trace_path {
        let sink = FileSink::create(path).with_context(|| format!("cannot write the trace to {}", path.display()))?;
        tee.sinks.push(Box::new(sink) as Box<dyn TraceSink>);
    }
    let backend = backend(kind, &dir, &args.unit_flags().backend_options(), args.quiet)?;
    if !args.quiet {
        eprintln!("units on the {} backend: {}", backend.name(), kind.describe());
    }
    let seed = cfg.seed;
    let sim = Sim::new(cfg, backend, Box::new(tee)).map_err(anyhow::Error::msg)?;
    Ok(Setup::Ready(Box::new(Ready {
        sim,
        scenario,
        scenario_path,
        examples,
        dir,
        kind,
        seed,
        replay,
        trace_path,
        watched,
    })))
}
