//! `formula sim`: run a scenario, print the hooks as they run and the status at the end.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use simulator::backend::host::HostBackend;
use simulator::backend::ns::{NsBackend, NsOptions};
use simulator::backend::Backend;
use simulator::run::{self, Report};
use simulator::scenario;
use simulator::sim::{Config, HookRecord, Sim};
use simulator::trace::{FileSink, Tee, TraceSink};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct SimArgs {
    /// A scenario (or bundle.yaml); without one, the embedded example stack runs.
    scenario: Option<PathBuf>,
    /// The seed that fixes every choice of the run.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the trace (JSON lines) to this file.
    #[arg(long)]
    trace: Option<PathBuf>,
    /// Kill a hook that runs longer than this many seconds.
    #[arg(long, default_value_t = 300)]
    hook_timeout: u64,
    /// Instructions a WebAssembly hook may execute before it fails.
    #[arg(long, value_name = "N", default_value_t = simulator::sim::DEFAULT_HOOK_FUEL)]
    hook_fuel: u64,
    /// Run formulas' native hooks even where they have WebAssembly ones (`dispatch.wasm`).
    #[arg(long)]
    native_hooks: bool,
    /// The most hooks one settle may run before the model is called unsettled.
    #[arg(long)]
    max_hooks: Option<u64>,
    /// Keep the run's directory (units, hook output) and print where it is.
    #[arg(long)]
    keep: bool,
    /// Print no line per hook.
    #[arg(long, short)]
    quiet: bool,
    /// Where units live: `ns` (a container each, from Linux namespaces; needs root and
    /// iproute2), `host` (a directory each, on this machine), or `auto`: `ns` when running as
    /// root, else `host`.
    #[arg(long, value_enum, default_value_t = BackendKind::Auto)]
    backend: BackendKind,
    /// With `--backend ns`: the lower layer of every unit's root (default: this machine's /).
    #[arg(long, value_name = "DIR")]
    rootfs: Option<PathBuf>,
    /// With `--backend ns`: the most tasks (processes and threads) a unit may have; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    unit_pids: u64,
    /// With `--backend ns`: the most memory a unit may use, in MiB; 0: no limit.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    unit_memory: u64,
    /// Remove what `--backend ns` runs that died left behind (unit processes, cgroups,
    /// mounts, run directories), then exit.
    #[arg(long, conflicts_with = "scenario")]
    clean: bool,
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
    let kind = match args.backend {
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
    let (scenario_path, _examples) = match &args.scenario {
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
    cfg.hook_timeout = Duration::from_secs(args.hook_timeout);
    cfg.hook_fuel = args.hook_fuel;
    cfg.native_hooks = args.native_hooks;
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
    let mut sim = Sim::new(cfg, backend, Box::new(tee)).map_err(anyhow::Error::msg)?;
    if !args.quiet {
        sim.on_hook = Some(Box::new(print_hook));
    }
    let report = run::run(&mut sim, &scenario);
    eprintln!();
    println!("{}", simulator::status::render(&sim.model, &sim.agents));
    sim.shutdown();
    print_report(&report, args.seed);
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

fn print_report(report: &Report, seed: u64) {
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
        eprintln!("failed with seed {seed}: run `formula sim SCENARIO --seed {seed}` to reproduce");
    }
}

/// Whether `program` is found on PATH (or in the system directories).
fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .any(|dir| dir.join(program).is_file())
}
