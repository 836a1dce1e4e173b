//! `formula sim`: run a scenario, print the hooks as they run and the status at the end.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use simulator::backend::host::HostBackend;
use simulator::backend::ns::{NsBackend, NsOptions};
use simulator::backend::Backend;
use simulator::explore::HookStep;
use simulator::run::{self, Report};
use simulator::scenario;
use simulator::sim::{Config, HookRecord, Sim};
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
    /// Kill a hook that runs longer than this many seconds.
    #[arg(long, default_value_t = 300)]
    pub(crate) hook_timeout: u64,
    /// The most hooks one settle may run before the model is called unsettled.
    #[arg(long)]
    pub(crate) max_hooks: Option<u64>,
    /// Keep the run's directory (units, hook output) and print where it is.
    #[arg(long)]
    pub(crate) keep: bool,
    /// Print no line per hook.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Where units live: `ns` (a container each, from Linux namespaces; needs root and
    /// iproute2), `host` (a directory each, on this machine), or `auto`: `ns` when running as
    /// root, else `host`.
    #[arg(long, value_enum, default_value_t = BackendKind::Auto)]
    pub(crate) backend: BackendKind,
    /// With `--backend ns`: the lower layer of every unit's root (default: this machine's /).
    #[arg(long, value_name = "DIR")]
    pub(crate) rootfs: Option<PathBuf>,
    /// With `--backend ns`: the most tasks (processes and threads) a unit may have; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub(crate) unit_pids: u64,
    /// With `--backend ns`: the most memory a unit may use, in MiB; 0: no limit.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    pub(crate) unit_memory: u64,
    /// Remove what `--backend ns` runs that died left behind (unit processes, cgroups,
    /// mounts, run directories), then exit.
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
}

/// Where units live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// `ns` as root, else `host`.
    Auto,
    /// A directory per unit; hooks run as processes on this machine.
    Host,
    /// A container per unit, from Linux namespaces.
    Ns,
}

pub fn run(args: SimArgs) -> Result<u8> {
    if args.explore.is_some() || args.seeds.is_some() || args.check_determinism {
        return crate::explore::run(&args);
    }
    if args.clean {
        let done = simulator::backend::ns::clean_leftovers();
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
    let asked = match replay.as_ref().and_then(|r| r.run["backend"].as_str()) {
        Some("host") if args.backend == BackendKind::Auto => BackendKind::Host,
        Some("ns") if args.backend == BackendKind::Auto => BackendKind::Ns,
        _ => args.backend,
    };
    let kind = match asked {
        BackendKind::Auto if nix::unistd::geteuid().is_root() && on_path("ip") => BackendKind::Ns,
        BackendKind::Auto => {
            if !args.quiet {
                eprintln!("note: units share this machine (--backend host); as root with iproute2 each unit gets a machine of its own (--backend ns)");
            }
            BackendKind::Host
        }
        other => other,
    };
    if args.rootfs.is_some() && kind != BackendKind::Ns {
        anyhow::bail!("--rootfs needs --backend ns");
    }
    let scenario_arg =
        args.scenario.clone().or_else(|| replay.as_ref().and_then(|r| r.run["scenario"].as_str()).map(PathBuf::from));
    let (scenario_path, _examples) = match &scenario_arg {
        Some(path) => (path.clone(), None),
        None => {
            let dir = crate::embedded::extract_examples().context("cannot unpack the embedded example stack")?;
            eprintln!("running the embedded example stack (examples/wiki/scenarios/stack.yaml)");
            (dir.path().join("wiki/scenarios/stack.yaml"), Some(dir))
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
    if let Some(max) = args.max_hooks.or(scenario.max_hooks) {
        cfg.max_hooks = max;
    }
    cfg.model_name =
        scenario_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sim".into());
    let mut tee = Tee::default();
    if let Some(path) = &args.trace {
        let sink = FileSink::create(path).with_context(|| format!("cannot write the trace to {}", path.display()))?;
        tee.sinks.push(Box::new(sink) as Box<dyn TraceSink>);
    }
    let backend: Box<dyn Backend> = match kind {
        BackendKind::Host | BackendKind::Auto => Box::new(HostBackend::new(&root)),
        BackendKind::Ns => {
            let options = NsOptions {
                rootfs: args.rootfs.clone(),
                pids_max: (args.unit_pids > 0).then_some(args.unit_pids),
                memory_max: (args.unit_memory > 0).then_some(args.unit_memory << 20),
            };
            let backend = NsBackend::new(&root, &tool_binary, options).context("cannot start the ns backend")?;
            if !args.quiet {
                for note in backend.notes() {
                    eprintln!("ns: {note}");
                }
            }
            Box::new(backend)
        }
    };
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
    let report = run::run(&mut sim, &scenario);
    eprintln!();
    println!("{}", simulator::status::render(&sim.model, &sim.agents));
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
    if args.keep {
        let kept = workdir.keep();
        eprintln!("kept the run's directory: {}", kept.display());
    }
    Ok(if report.passed() { 0 } else { 1 })
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
    if let Some(error) = &report.error {
        eprintln!("error: {error}");
    }
    if report.passed() {
        eprintln!("ok: {} hooks, every expectation held (seed {seed})", report.hooks);
    } else {
        eprintln!("failed with seed {seed}: run `{again}` to reproduce");
    }
}

/// Whether `program` is found on PATH (or in the system directories).
fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .any(|dir| dir.join(program).is_file())
}
