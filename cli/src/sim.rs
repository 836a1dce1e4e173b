//! `formula sim`: run a scenario, print the hooks as they run and the status at the end.

use anyhow::{Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use simulator::backend::{self, Backend, Kind};
use simulator::explore::HookStep;
use simulator::run::{self, Report};
use simulator::scenario;
use simulator::sim::{Config, DebugHooks, HookRecord, Sim};
use simulator::trace::{FileSink, Tee, TraceSink};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct SimArgs {
    /// A scenario (or bundle.yaml); without one, the embedded example stack runs.
    pub(crate) scenario: Option<PathBuf>,
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
    #[arg(long, default_value_t = 300)]
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
    /// Where units live: `ns` (a container each, from Linux namespaces; needs root and
    /// iproute2), `lxd` (a container each, from a real LXD daemon; `dev/lxd-setup.sh` makes a
    /// machine ready), `host` (a directory each, on this machine), or `auto`: `ns` when
    /// running as root or where user namespaces are allowed, else `host`.
    #[arg(long, value_parser = backend_kind(), default_value_t = Kind::Auto)]
    pub(crate) backend: Kind,
    /// With `--backend ns`: the lower layer of every unit's root (default: this machine's /).
    #[arg(long, value_name = "DIR")]
    pub(crate) rootfs: Option<PathBuf>,
    /// With `--backend ns` or `lxd`: the most tasks (processes and threads) a unit may have; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub(crate) unit_pids: u64,
    /// With `--backend ns` or `lxd`: the most memory a unit may use, in MiB; 0: no limit.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    pub(crate) unit_memory: u64,
    /// Remove what `--backend ns` and `--backend lxd` runs that died left behind (unit
    /// processes, cgroups, mounts, containers, run directories), then exit.
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
    /// With --explore or --seeds: run every seed (else stop at the first failure).
    #[arg(long)]
    pub(crate) keep_going: bool,
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
    #[arg(long, value_name = "N", default_value_t = 60)]
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
    /// Run in namespaces of the run's own (private system directories, loopback and pids),
    /// as the explorer runs each host-backend seed; the trace's directory stays shared.
    #[arg(long, hide = true)]
    pub(crate) isolate: bool,
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

/// `formula sim`, as parsed from arguments of its own (what `formula shell` replays).
#[derive(clap::Parser)]
#[command(name = "formula sim")]
pub struct SimCommand {
    #[command(flatten)]
    pub args: SimArgs,
}

pub fn run(args: SimArgs) -> Result<u8> {
    if args.explore.is_some() || args.seeds.is_some() || args.check_determinism {
        return crate::explore::run(&args);
    }
    if args.isolate {
        if let Some(code) = crate::explore::isolate(&args)? {
            return Ok(code);
        }
    }
    if args.clean {
        let done = backend::clean_leftovers();
        if done.is_empty() {
            eprintln!("nothing to clean");
        }
        for line in done {
            eprintln!("{line}");
        }
        return Ok(0);
    }
    let replay = match &args.replay {
        Some(path) => Some(simulator::explore::read_trace(path).map_err(anyhow::Error::msg)?),
        None => None,
    };
    // A replay runs on the trace's backend unless told otherwise.
    let recorded = replay.as_ref().and_then(|r| r.run["backend"].as_str()).and_then(Kind::parse);
    let asked = match recorded {
        Some(kind) if args.backend == Kind::Auto => kind,
        _ => args.backend,
    };
    let kind = asked.resolve();
    if asked == Kind::Auto && kind == Kind::Host && !args.quiet {
        eprintln!("note: units share this machine (--backend host); with iproute2, as root or where user namespaces are allowed, each unit gets a machine of its own (--backend ns)");
    }
    if args.rootfs.is_some() && kind != Kind::Ns {
        anyhow::bail!("--rootfs needs --backend ns");
    }
    let scenario_arg =
        args.scenario.clone().or_else(|| replay.as_ref().and_then(|r| r.run["scenario"].as_str()).map(PathBuf::from));
    let (scenario_path, examples) = match &scenario_arg {
        Some(path) => (path.clone(), None),
        // The example formulas install into /etc and /usr/local and start daemons, as on a
        // real machine: units sharing this machine as a normal user cannot.
        None if kind.units_share_this_machine() && !nix::unistd::geteuid().is_root() => anyhow::bail!(
            "the example stack's formulas write /etc and /usr/local and start services, as on a real machine, \
             so their units need machines of their own: run as root (`sudo $(command -v formula) sim`), \
             where each unit gets a container (--backend ns)"
        ),
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
            return Ok(2);
        }
    };
    crate::build::ensure_built(crate::build::scenario_formulas(&scenario))?;
    let workdir =
        tempfile::Builder::new().prefix("formula-sim-").tempdir().context("cannot create the run's directory")?;
    let root = workdir.path().canonicalize().context("cannot resolve the run's directory")?;
    let tool_binary = std::env::current_exe().context("cannot find the formula binary for the hook tools")?;
    let mut cfg = Config::new(&root, &tool_binary);
    cfg.seed = args.seed;
    cfg.scenario = scenario_arg.as_ref().map(|p| p.to_string_lossy().into_owned());
    cfg.faults = match &args.faults {
        Some(spec) => simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?,
        None => scenario.faults,
    };
    if let Some(file) = &args.choices_file {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        let picks: Result<Vec<usize>, _> = text.split_whitespace().map(str::parse).collect();
        cfg.choices = Some(picks.map_err(|_| anyhow::anyhow!("{}: not a list of numbers", file.display()))?);
    }
    if let Some(trace) = &replay {
        cfg.seed = trace.seed();
        if args.faults.is_none() {
            let spec = trace.run["faults"].as_str().unwrap_or("");
            cfg.faults =
                simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("the trace's faults: {e}"))?;
        }
        cfg.choices = Some(trace.picks());
    }
    cfg.hook_timeout = Duration::from_secs(args.hook_timeout);
    cfg.debug_hooks = args.debug_hooks.clone();
    cfg.hook_fuel = args.hook_fuel;
    cfg.native_hooks = args.native_hooks;
    if let Some(max) = args.max_hooks.or(scenario.max_hooks) {
        cfg.max_hooks = max;
    }
    cfg.model_name =
        scenario_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sim".into());
    let mut tee = Tee::default();
    // The page is drawn from the trace once the run ends; without --trace it goes to the
    // run's directory (no copy of the trace is kept in memory while the run goes on).
    let trace_path = args.trace.clone().or_else(|| args.html.as_ref().map(|_| root.join("trace.jsonl")));
    if let Some(path) = &trace_path {
        let sink = FileSink::create(path).with_context(|| format!("cannot write the trace to {}", path.display()))?;
        tee.sinks.push(Box::new(sink) as Box<dyn TraceSink>);
    }
    let options = backend::Options {
        rootfs: args.rootfs.clone(),
        pids_max: (args.unit_pids > 0).then_some(args.unit_pids),
        memory_max: (args.unit_memory > 0).then_some(args.unit_memory << 20),
    };
    let backend = make_backend(kind, &root, &tool_binary, &options, args.quiet)?;
    if !args.quiet {
        eprintln!("units on the {} backend: {}", backend.name(), kind.describe());
    }
    let seed = cfg.seed;
    let mut sim = Sim::new(cfg, backend, Box::new(tee)).map_err(anyhow::Error::msg)?;
    let ran: std::rc::Rc<std::cell::RefCell<Vec<HookStep>>> = Default::default();
    let quiet = args.quiet;
    let replaying = replay.is_some();
    let log = ran.clone();
    sim.on_hook = Some(Box::new(move |record: &HookRecord| {
        if !quiet {
            print_hook(record);
        }
        if replaying {
            log.borrow_mut().push(HookStep {
                step: record.step,
                unit: record.unit.clone(),
                hook: record.hook.name(),
                draws_end: 0,
                remote: record.hook.remote_unit.clone().or_else(|| record.hook.remote_app.clone()),
                result: record.result.clone(),
                fault: None,
            });
        }
    }));
    let options = run::Options { idempotence: args.idempotence };
    let report = run::run_with(&mut sim, &scenario, &options);
    if let Some(unit) = &args.shell {
        let ok = sim.shell(unit).map_err(anyhow::Error::msg);
        sim.shutdown();
        return Ok(if ok? { 0 } else { 1 });
    }
    eprintln!();
    println!("{}", simulator::status::render_run(&sim));
    sim.shutdown();
    if let (Some(path), Some(trace)) = (&args.replay, &replay) {
        match simulator::explore::departure(&trace.hooks, &ran.borrow()) {
            None => eprintln!("replay: this run followed the trace's {} hooks ({})", trace.hooks.len(), path.display()),
            Some(step) => eprintln!("replay: the run departs from the trace at {step}"),
        }
    }
    let again = match (&args.replay, &args.scenario) {
        (Some(trace), Some(s)) => format!("formula sim --replay {} {}", trace.display(), s.display()),
        (Some(trace), None) => format!("formula sim --replay {}", trace.display()),
        (None, _) => {
            let faults = args.faults.as_ref().map(|f| format!(" --faults {f}")).unwrap_or_default();
            let scenario = args.scenario.as_ref().map(|s| format!(" {}", s.display())).unwrap_or_default();
            format!("formula sim{scenario} --seed {seed}{faults}")
        }
    };
    print_report(&report, seed, &again);
    if let (Some(html), Some(trace)) = (&args.html, &trace_path) {
        let text = std::fs::read_to_string(trace).with_context(|| format!("cannot read {}", trace.display()))?;
        let events = simulator::trace::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", trace.display()))?;
        crate::trace_html::write_page(&events, html)?;
    }
    let keep = match args.keep {
        Keep::Always => true,
        Keep::Failed => !report.passed(),
        Keep::Never => false,
    };
    if keep {
        let scenario_path = match examples {
            Some(dir) => dir.keep().join(EMBEDDED_SCENARIO),
            None => scenario_path,
        };
        let kept = workdir.keep();
        crate::shell::remember_kept_run(&kept, &replay_args(&args, kind, &scenario_path))?;
        eprintln!("kept the run's directory: {} (`--keep never` leaves nothing)", kept.display());
        eprintln!("`formula shell UNIT` opens a shell in one of its units");
    }
    Ok(if report.passed() { 0 } else { 1 })
}

/// The embedded example stack's scenario, in the directory the examples unpack to.
const EMBEDDED_SCENARIO: &str = "wiki/scenarios/stack.yaml";

/// The arguments that run the same scenario the same way again (a deterministic run reaches
/// the same model), for `formula shell`.
fn replay_args(args: &SimArgs, backend: Kind, scenario: &std::path::Path) -> Vec<String> {
    let absolute = std::path::absolute(scenario).unwrap_or_else(|_| scenario.to_path_buf());
    let mut out = vec![absolute.to_string_lossy().into_owned(), "--seed".into(), args.seed.to_string()];
    out.extend(run_flags(args, backend));
    // The second config-changed of each unit is part of the run's state.
    if args.idempotence {
        out.push("--idempotence".into());
    }
    out
}

/// The flags that make another `formula sim` run units as this one does (backend, limits,
/// timeouts, faults): for a replayed kept run and for the explorer's child runs.
pub(crate) fn run_flags(args: &SimArgs, backend: Kind) -> Vec<String> {
    let mut out = Vec::new();
    let mut flag = |name: &str, value: String| out.extend([name.to_string(), value]);
    flag("--hook-timeout", args.hook_timeout.to_string());
    flag("--backend", backend.name().to_string());
    flag("--unit-pids", args.unit_pids.to_string());
    flag("--unit-memory", args.unit_memory.to_string());
    if let Some(max) = args.max_hooks {
        flag("--max-hooks", max.to_string());
    }
    if let Some(faults) = &args.faults {
        flag("--faults", faults.clone());
    }
    if let Some(rootfs) = &args.rootfs {
        let rootfs = std::path::absolute(rootfs).unwrap_or_else(|_| rootfs.clone());
        flag("--rootfs", rootfs.to_string_lossy().into_owned());
    }
    out
}

/// The backend of `kind` for a run in `root`; `quiet` keeps its notes (limits applied or
/// not) to itself.
pub fn make_backend(
    kind: Kind,
    root: &std::path::Path,
    tool_binary: &std::path::Path,
    options: &backend::Options,
    quiet: bool,
) -> Result<Box<dyn Backend>> {
    let backend = kind.make(root, tool_binary, options)?;
    if !quiet {
        for note in backend.notes() {
            eprintln!("{}: {note}", backend.name());
        }
    }
    Ok(backend)
}

fn print_hook(record: &HookRecord) {
    let remote = record
        .hook
        .remote_unit
        .clone()
        .or_else(|| record.hook.remote_app.clone())
        .map(|r| format!("({r})"))
        .unwrap_or_default();
    let keys = if record.keys_written.is_empty() {
        String::new()
    } else {
        format!("  wrote {}", record.keys_written.join(","))
    };
    eprintln!(
        "[{:>4}] {:<10} {:<32} {:<10} {}{keys}",
        record.step,
        record.unit,
        record.hook.name(),
        remote,
        record.result
    );
    if !record.ok && !record.output.trim().is_empty() {
        for line in record.output.lines().take(20) {
            eprintln!("       | {line}");
        }
    }
}

fn print_report(report: &Report, seed: u64, again: &str) {
    for (at, failure) in &report.failures {
        eprintln!("FAILED {at}: {failure}");
    }
    for unit in &report.unexpected_errors {
        eprintln!("FAILED unit in error: {unit}");
    }
    for call in &report.refused {
        eprintln!("FAILED {call}");
    }
    for finding in &report.not_idempotent {
        eprintln!("FAILED not idempotent: {finding}");
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if let Some(error) = &report.error {
        eprintln!("error: {error}");
    }
    if report.passed() {
        eprintln!("ok: {} hooks, every expectation held (seed {seed})", report.hooks);
    } else {
        eprintln!("failed with seed {seed}: run `{again}` to reproduce");
    }
}
