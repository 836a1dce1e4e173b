//! The arguments of `formula sim` as typed (the clap struct, ripgrep's "low" arguments), and
//! the arguments that make another `formula sim` run units as this one does: the explorer's
//! runs (in worker processes, for isolation and parallelism) and the kept run that
//! `formula shell` runs again. Every flag name that goes into such an argument list is
//! written here, beside the flag's definition, so that the two cannot drift apart.

use super::formula_arg::Given;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, ValueEnum};
use simulator::backend::{self, Kind};
use simulator::sim::DebugHooks;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `--hook-timeout`'s default, in seconds.
pub const DEFAULT_HOOK_TIMEOUT: u64 = 300;
/// `--unit-pids`'s default.
pub const DEFAULT_UNIT_PIDS: u64 = 4096;
/// `--unit-memory`'s default, in MiB.
pub const DEFAULT_UNIT_MEMORY: u64 = 4096;
/// `--shrink-budget`'s default.
pub const DEFAULT_SHRINK_BUDGET: usize = 60;

/// The most schedules `--exhaustive` runs unless told otherwise.
pub const DEFAULT_MAX_SCHEDULES: usize = 100_000;

#[derive(Args)]
pub struct SimArgs {
    /// A scenario (or bundle.yaml), or a formula (a directory or `.charm` archive), deployed
    /// with a companion formula on each of its relations; without one, the embedded example
    /// stack runs.
    pub(crate) scenario: Option<PathBuf>,
    /// With a formula in place of a scenario: what the companion on each of its endpoints
    /// publishes on the relation, a YAML file `ENDPOINT: {KEY: VALUE, …}` (docs/scenario.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) companion_data: Option<PathBuf>,
    /// The formula given in place of a scenario, once `scenario` names the scenario made for
    /// it ([`super::formula_arg`]).
    #[arg(skip)]
    pub(crate) given: Option<Box<Given>>,
    /// The seed that fixes every choice of the run.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Write the trace (JSON lines) to this file.
    #[arg(long)]
    pub(crate) trace: Option<PathBuf>,
    /// Write the run's timeline to this file: a self-contained HTML page (a lane per unit, a
    /// box per hook, an arrow from each relation commit to the hooks that read it).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Kill a hook that runs longer than this many seconds.
    #[arg(long, default_value_t = DEFAULT_HOOK_TIMEOUT)]
    pub(crate) hook_timeout: u64,
    /// Instructions a WebAssembly hook may execute before it fails.
    #[arg(long, value_name = "N", default_value_t = simulator::sim::DEFAULT_HOOK_FUEL)]
    pub(crate) hook_fuel: u64,
    /// Run formulas' native hooks even where they have WebAssembly ones (`dispatch.wasm`).
    #[arg(long)]
    pub(crate) native_hooks: bool,
    /// The most hooks one settle may run before the model is called unsettled.
    #[arg(long)]
    pub(crate) max_hooks: Option<u64>,
    /// When to keep the run's directory (each unit's files, hook output) and print where it
    /// is: `failed` runs only (the default, as Test Kitchen keeps failed instances),
    /// `always` (also `--keep` alone) or `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Keep::Failed, num_args = 0..=1, default_missing_value = "always")]
    pub(crate) keep: Keep,
    /// Instead of running HOOK (any hook, without one) on UNIT, open a shell there in the
    /// hook's environment, with working hook tools, as `juju debug-hooks` does; the shell's
    /// exit status is the hook's. Repeatable.
    #[arg(long, value_name = "UNIT[:HOOK]", value_parser = DebugHooks::parse)]
    pub(crate) debug_hooks: Vec<DebugHooks>,
    /// After the run, open a shell in UNIT with working hook tools, as `juju exec` gives
    /// (what `formula shell` does for a kept run).
    #[arg(long, value_name = "UNIT")]
    pub(crate) shell: Option<String>,
    /// After the run, each unit runs config-changed again with nothing changed; any relation
    /// write, leader setting, state, port or file it changes fails the run.
    #[arg(long)]
    pub(crate) idempotence: bool,
    /// Print no line per hook.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Print each hook's output (stdout and stderr) as the hook writes it, each line after
    /// its unit and hook (`wiki/0 install | …`), not only a failed hook's once it ends; the
    /// trace is the same either way.
    #[arg(long, short, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
    /// Where units live: `ns` (a container each, from Linux namespaces; needs root, or user
    /// namespaces), `lxd` (a container each, from a real LXD daemon; `dev/lxd-setup.sh` makes a
    /// machine ready), `host` (a directory each, on this machine), or `auto`: `ns` when
    /// running as root or where user namespaces are allowed, else `host`.
    #[arg(long, value_parser = backend_kind(), default_value_t = Kind::Auto)]
    pub(crate) backend: Kind,
    /// With `--backend ns`: the lower layer of every unit's root (default: this machine's /).
    #[arg(long, value_name = "DIR")]
    pub(crate) rootfs: Option<PathBuf>,
    /// With `--backend ns` or `lxd`: the most tasks (processes and threads) a unit may have; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_UNIT_PIDS)]
    pub(crate) unit_pids: u64,
    /// With `--backend ns` or `lxd`: the most memory a unit may use, in MiB; 0: no limit. On
    /// every backend, the most memory a WebAssembly hook may grow to.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_UNIT_MEMORY)]
    pub(crate) unit_memory: u64,
    /// Remove what runs left behind, then exit: of `--backend ns` and `lxd` runs that died,
    /// unit processes, cgroups, mounts, containers and run directories; of `--backend host`
    /// runs, the directories of those that were killed (and run directories left empty a
    /// minute or more ago) and, with `--no-isolate`, the files they created on this machine.
    /// Kept runs stay. With `--backend`, only that backend's.
    #[arg(long, conflicts_with = "scenario")]
    pub(crate) clean: bool,
    /// Inject faults at these rates, in percent: `leader=5,fail=3,restart=2,tick=5`
    /// (`budget=N`: the most faults per run, default 10); overrides the scenario's `faults:`.
    #[arg(long, value_name = "SPEC")]
    pub(crate) faults: Option<String>,
    /// Run the scenario under N seeds, from `--seed` on, in parallel.
    #[arg(long, value_name = "N")]
    pub(crate) explore: Option<u64>,
    /// Run these seeds: `A..B` (B excluded) or `A..=B` (B included).
    #[arg(long, value_name = "A..B", conflicts_with = "explore")]
    pub(crate) seeds: Option<String>,
    /// Run every schedule Juju's rules allow, once per order of the hooks that do not commute
    /// (partial-order reduction); says how many ran and whether the space was exhausted.
    #[arg(long, conflicts_with_all = ["explore", "seeds", "check_determinism"])]
    pub(crate) exhaustive: bool,
    /// With --exhaustive: stop after N schedules.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SCHEDULES)]
    pub(crate) max_schedules: usize,
    /// With --exhaustive: start no schedule after this many seconds (the runs under way
    /// finish); says how many were left.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) max_time: Option<u64>,
    /// With --exhaustive: the most stale snapshots (a unit acting on what it saw before the
    /// latest commit) in one schedule.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) max_stale: usize,
    /// With --explore or --seeds: run every seed (else stop at the first failure).
    #[arg(long)]
    pub(crate) keep_going: bool,
    /// With --explore or --seeds: draw each seed's run as `--seed` alone would, even where it
    /// repeats a schedule an earlier seed ran (by default each seed keeps out of the schedules
    /// of the seeds `--jobs` places and more before it, and exploring stops when every
    /// schedule has run).
    #[arg(long)]
    pub(crate) allow_repeats: bool,
    /// With --explore or --seeds: run only shard K of N (every N-th seed, from the K-th).
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,
    /// With --explore or --seeds: runs at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// Where failing runs' traces go (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Do not shrink failures.
    #[arg(long)]
    pub(crate) no_shrink: bool,
    /// The most runs one shrink may try.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SHRINK_BUDGET)]
    pub(crate) shrink_budget: usize,
    /// Run each seed twice and compare the traces byte for byte.
    #[arg(long)]
    pub(crate) check_determinism: bool,
    /// Run the schedule recorded in this trace again (its choices, seed and faults), and say
    /// where the run departs from it.
    #[arg(long, value_name = "TRACE")]
    pub(crate) replay: Option<PathBuf>,
    /// Take the choices from this file (numbers), as the explorer's shrinker does.
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) choices_file: Option<PathBuf>,
    /// Pick a unit and its hook in one draw and write the options into the trace
    /// (`--exhaustive`'s runs).
    #[arg(long, hide = true)]
    pub(crate) joint_picks: bool,
    /// With `--joint-picks` and `--choices-file`: the hooks other runs took from the state at
    /// the last choice, as JSON (`--exhaustive`'s sleep sets); past its choices the run keeps
    /// out of them, and stops where it could only repeat those runs.
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) sleep_set: Option<PathBuf>,
    /// With a seed: the schedules the exploration ran before, which the run keeps out of
    /// (`--explore`'s runs, given them by their worker, [`super::worker`]).
    #[arg(skip)]
    pub(crate) avoiding: Option<simulator::schedules_run::Avoid>,
    /// With `--exhaustive`: write the class of each schedule run to the end (its hooks in
    /// Foata normal form, up to the order of commuting hooks) to FILE, one per line, for tests
    /// that compare them with what seeds reach.
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) classes_file: Option<PathBuf>,
    /// With `--exhaustive`: write what the units saw in each schedule run to the end (their
    /// hooks, the tools they called and the answers) to FILE, one per line, for tests that
    /// compare it with what seeds see.
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) observations_file: Option<PathBuf>,
    /// How often (percent) a unit with a previous snapshot acts on it rather than a fresh one,
    /// where a seed decides (25 by default); 0 keeps every snapshot fresh, as `--exhaustive`
    /// does without `--max-stale`.
    #[arg(long, value_name = "PERCENT", hide = true, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub(crate) stale_percent: Option<u32>,
    /// Run in namespaces of the run's own (private system directories, loopback and pids) on
    /// any backend, or fail; the explorer asks it of each host-backend seed.
    #[arg(long, hide = true)]
    pub(crate) isolate: bool,
    /// With `--backend host`: run the units on this machine itself, as older versions did.
    /// By default, where root or user namespaces allow it, a host run has a machine of its
    /// own (private /etc, /usr, /var, /tmp…, its own loopback and pids) and leaves nothing
    /// behind; without it, what the run wrote outside its directory is listed at the end,
    /// and `formula sim --clean --backend host` removes what it created.
    #[arg(long, conflicts_with = "isolate")]
    pub(crate) no_isolate: bool,
}

/// When a run's directory outlives the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Keep {
    /// When the run failed.
    Failed,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The values of `--backend`: the kinds the simulator has, each with its summary as help.
pub(crate) fn backend_kind() -> impl TypedValueParser<Value = Kind> {
    let values = Kind::ALL.map(|kind| PossibleValue::new(kind.name()).help(kind.summary()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<Kind>())
}

impl SimArgs {
    /// The scenario as a command that runs it again names it: the formula as it was given
    /// (with its `--companion-data`) when there was one, else the scenario; none for the
    /// embedded example stack.
    pub(crate) fn shown_scenario(&self) -> Option<String> {
        match (&self.given, &self.scenario) {
            (Some(given), _) => Some(given.args().join(" ")),
            (None, Some(scenario)) => Some(scenario.display().to_string()),
            (None, None) => None,
        }
    }

    /// How this run's units run, as flags another run can be given.
    pub(crate) fn unit_flags(&self) -> UnitFlags {
        UnitFlags {
            backend: self.backend,
            hook_timeout: self.hook_timeout,
            unit_pids: self.unit_pids,
            unit_memory: self.unit_memory,
            max_hooks: self.max_hooks,
            faults: self.faults.clone(),
            rootfs: self.rootfs.clone(),
        }
    }

    /// The arguments of a `formula sim` as recorded in a kept run (see
    /// [`kept_run_args`]), parsed as the command line would be.
    pub(crate) fn parse_recorded(args: &[String]) -> Result<SimArgs, clap::Error> {
        /// `formula sim` on a command line of its own.
        #[derive(Parser)]
        #[command(name = "formula sim")]
        struct Recorded {
            #[command(flatten)]
            args: SimArgs,
        }
        let argv = std::iter::once("formula sim").chain(args.iter().map(String::as_str));
        Recorded::try_parse_from(argv).map(|recorded| recorded.args)
    }
}

/// How a run's units run (backend, limits, timeouts, faults): what another `formula sim`
/// must be told to run units as this one does.
#[derive(Clone, Debug)]
pub struct UnitFlags {
    /// `--backend` (as asked: `auto` is resolved by the run).
    pub backend: Kind,
    /// `--hook-timeout`, in seconds.
    pub hook_timeout: u64,
    /// `--unit-pids`.
    pub unit_pids: u64,
    /// `--unit-memory`, in MiB.
    pub unit_memory: u64,
    /// `--max-hooks`.
    pub max_hooks: Option<u64>,
    /// `--faults`.
    pub faults: Option<String>,
    /// `--rootfs`.
    pub rootfs: Option<PathBuf>,
}

impl Default for UnitFlags {
    /// The defaults of `formula sim`.
    fn default() -> UnitFlags {
        UnitFlags {
            backend: Kind::Auto,
            hook_timeout: DEFAULT_HOOK_TIMEOUT,
            unit_pids: DEFAULT_UNIT_PIDS,
            unit_memory: DEFAULT_UNIT_MEMORY,
            max_hooks: None,
            faults: None,
            rootfs: None,
        }
    }
}

impl UnitFlags {
    /// The flags, with `backend` for `--backend` (a kept run records the kind it resolved
    /// to; the explorer passes on what it was asked).
    fn to_args(&self, backend: Kind) -> Vec<String> {
        let mut out = Vec::new();
        let mut flag = |name: &str, value: String| out.extend([name.to_string(), value]);
        flag("--hook-timeout", self.hook_timeout.to_string());
        flag("--backend", backend.name().to_string());
        flag("--unit-pids", self.unit_pids.to_string());
        flag("--unit-memory", self.unit_memory.to_string());
        if let Some(max) = self.max_hooks {
            flag("--max-hooks", max.to_string());
        }
        if let Some(faults) = &self.faults {
            flag("--faults", faults.clone());
        }
        if let Some(rootfs) = &self.rootfs {
            let rootfs = std::path::absolute(rootfs).unwrap_or_else(|_| rootfs.clone());
            flag("--rootfs", rootfs.to_string_lossy().into_owned());
        }
        out
    }

    /// What the backend builds units with: `--rootfs` and the limits (0: none).
    pub fn backend_options(&self) -> backend::Options {
        backend::Options {
            rootfs: self.rootfs.clone(),
            pids_max: (self.unit_pids > 0).then_some(self.unit_pids),
            memory_max: (self.unit_memory > 0).then_some(self.unit_memory << 20),
        }
    }
}

/// The arguments that run the same scenario the same way again (a deterministic run reaches
/// the same model), for `formula shell`: `backend` is the kind the run resolved to.
pub fn kept_run_args(args: &SimArgs, backend: Kind, scenario: &Path) -> Vec<String> {
    // A formula given in place of a scenario is made into one again.
    let mut out = match &args.given {
        Some(given) => given.absolute().args(),
        None => {
            let absolute = std::path::absolute(scenario).unwrap_or_else(|_| scenario.to_path_buf());
            vec![absolute.to_string_lossy().into_owned()]
        }
    };
    out.extend(["--seed".into(), args.seed.to_string()]);
    out.extend(args.unit_flags().to_args(backend));
    // The second config-changed of each unit is part of the run's state.
    if args.idempotence {
        out.push("--idempotence".into());
    }
    // The shell then sees the machine the run wrote on.
    if args.no_isolate {
        out.push("--no-isolate".into());
    }
    out
}

/// What `formula shell` adds to a kept run's arguments, as a command line would (it sets
/// the same on the parsed arguments with [`shell_in`]).
pub fn shell_flags(unit: &str) -> [String; 5] {
    ["--quiet", "--keep", "never", "--shell", unit].map(String::from)
}

/// `args` made into the run `formula shell` needs: quiet, keeping nothing, with a shell in
/// `unit` once the scenario is done ([`shell_flags`] on a command line).
pub fn shell_in(mut args: SimArgs, unit: &str) -> SimArgs {
    args.quiet = true;
    args.keep = Keep::Never;
    args.shell = Some(unit.to_string());
    args
}

/// The command lines of the explorer's runs (each run by a worker as a `formula sim` of its
/// own would run, [`super::worker`]): quiet,
/// keeping nothing, its units run as `units` says, in namespaces of its own (`--isolate`)
/// where they would share this machine.
#[derive(Clone, Debug)]
pub struct ChildRuns {
    scenario: Option<PathBuf>,
    base: Vec<String>,
}

impl ChildRuns {
    /// Child runs of `scenario` (none: the embedded example stack).
    pub fn new(scenario: Option<&Path>, units: &UnitFlags) -> ChildRuns {
        // The explorer keeps failing runs' traces; their directories would only pile up.
        let mut base = vec!["-q".to_string(), "--keep".into(), "never".into()];
        base.extend(units.to_args(units.backend));
        if units.backend.units_share_this_machine() {
            base.push("--isolate".into());
        }
        ChildRuns { scenario: scenario.map(Path::to_path_buf), base }
    }

    /// The same runs, picking a unit and its hook in one draw and writing the options into
    /// their traces (`--exhaustive`).
    pub fn with_joint_picks(mut self) -> ChildRuns {
        self.base.push("--joint-picks".into());
        self
    }

    /// The arguments (after the program) of the child run that writes its trace to `trace`
    /// and runs with `seed`, or with the choices in `choices` (a file of numbers) and at most
    /// `max_hooks` hooks per settle.
    pub fn args(&self, trace: &Path, seed: u64, choices: Option<(&Path, Option<u64>)>) -> Vec<OsString> {
        self.args_asleep(trace, seed, choices, None)
    }

    /// [`ChildRuns::args`], with the sleep set in `sleep_set` (a JSON file) past the choices.
    pub fn args_asleep(
        &self,
        trace: &Path,
        seed: u64,
        choices: Option<(&Path, Option<u64>)>,
        sleep_set: Option<&Path>,
    ) -> Vec<OsString> {
        let mut out: Vec<OsString> = vec!["sim".into()];
        out.extend(self.scenario.iter().map(|s| s.as_os_str().to_owned()));
        out.extend(self.base.iter().map(OsString::from));
        out.extend(["--trace".into(), trace.as_os_str().to_owned(), "--seed".into(), seed.to_string().into()]);
        if let Some((file, max_hooks)) = choices {
            out.extend(["--choices-file".into(), file.as_os_str().to_owned()]);
            if let Some(max) = max_hooks {
                out.extend(["--max-hooks".into(), max.to_string().into()]);
            }
        }
        if let Some(file) = sleep_set {
            out.extend(["--sleep-set".into(), file.as_os_str().to_owned()]);
        }
        out
    }
}
