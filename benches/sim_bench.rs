//! The simulator's speed, and its peer's.
//!
//! ```sh
//! cargo bench -p formula-cli --bench sim_bench               # print the table
//! cargo bench -p formula-cli --bench sim_bench -- --write    # and refresh BENCHMARKS.md
//! cargo bench -p formula-cli --bench sim_bench -- --quick    # fewer repetitions
//! cargo bench -p formula-cli --bench sim_bench -- --hooks-only   # only the bash hooks
//! ```
//!
//! Four figures, in one run, with the release `formula` binary cargo builds for the bench:
//!
//! 1. **Bash hooks.** A formula made here, whose every hook is `#!/bin/bash` with two tool
//!    calls (`config-get`, `status-set`), deployed as two related applications with config
//!    changes, update-status and added and removed units: a few hundred hooks, run on the
//!    host backend and on the ns backend. Hooks per second and milliseconds per hook come from
//!    the wall time and the trace's `hook` events; the same script spawned alone by bash with
//!    both tools replaced by `true`, measured in the same run, interleaved, is the floor, and
//!    each backend's ratio to it is printed (issue 15's goals: host ≤ 1.25, ns ≤ 1.5). The
//!    same scenario with hooks that call nothing, and with formulas that have no hooks,
//!    splits a hook's cost into its tool calls, its process, and the units and the model.
//! 2. **The example stack.** `formula sim examples/wiki/scenarios/stack.yaml -q`, median of
//!    several runs, on the ns backend when it ran (skipped, with a message, when the examples
//!    are not there).
//! 3. **The peer.** One `ops-scenario` event (`Context.run(ctx.on.config_changed(), State)`)
//!    on an equivalent ops charm (`benches/peer/charm`), median of many, timed by
//!    `benches/peer/time_event.py` in the venv that `benches/peer/setup.sh` makes.
//! 4. **The table**, printed, and with `--write` put into BENCHMARKS.md between the markers
//!    of the "## Simulator" section (the rest of the file is left alone).
//!
//! Environment: `SIM_BENCH_EXAMPLES` (a directory holding `wiki/scenarios/stack.yaml`, instead
//! of the workspace's `examples/`), `OPS_SCENARIO_VENV` (default `/opt/ops-scenario-venv`),
//! `SIM_BENCH_NO_PEER=1` (skip the peer instead of failing when it cannot be set up),
//! `SIM_BENCH_KEEP=1` (keep the generated formulas, scenarios and traces, for profiling),
//! `SIM_BENCH_FORMULA` (another `formula` binary to measure, e.g. an older build: the figures
//! of two builds on the same machine, one after the other).

use simulator::trace::Event;
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `formula` binary measured: cargo's build for the bench, or `SIM_BENCH_FORMULA` (an
/// older build, to compare on the same machine).
fn formula() -> PathBuf {
    std::env::var_os("SIM_BENCH_FORMULA").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_formula")), PathBuf::from)
}
const BENCH_COMMAND: &str = "cargo bench -p formula-cli --bench sim_bench";
const BEGIN: &str = "<!-- sim_bench:begin (written by `cargo bench -p formula-cli --bench sim_bench -- --write`) -->";
const END: &str = "<!-- sim_bench:end -->";

/// The bash hook: two tool calls, as in the issue's goal.
const HOOK: &str = "#!/bin/bash\nset -e\ngreeting=$(config-get greeting)\nstatus-set active \"$greeting\"\n";
/// The same hook without its tool calls: what the engine costs apart from them.
const HOOK_NO_CALLS: &str = "#!/bin/bash\nset -e\ngreeting=hello\n";

struct Options {
    write: bool,
    quick: bool,
    hooks_only: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let options = Options { write: flag("--write"), quick: flag("--quick"), hooks_only: flag("--hooks-only") };
    if options.write && options.hooks_only {
        eprintln!("sim_bench: --write needs every figure; drop --hooks-only");
        std::process::exit(2);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("workspace root");
    let machine = Machine::read();
    eprintln!("sim_bench: {} ({} cores), load average {}", machine.cpu, machine.cores, machine.load);
    eprintln!("sim_bench: formula binary {}", formula().display());

    let reps = if options.quick { 3 } else { 5 };
    let bash = bench_bash_hooks(reps);
    let (stack, peer) = if options.hooks_only {
        (Err("skipped (--hooks-only)".to_string()), Err("skipped (--hooks-only)".to_string()))
    } else {
        // The stack on the backend a run as root gets by default, when it ran here.
        let backend = bash.ran().last().map_or("host", |b| b.backend);
        (bench_stack(&workspace, reps, backend), bench_peer(&workspace, options.quick))
    };
    let load_after = Machine::read().load;

    let report = Report { machine, load_after, bash, stack, peer };
    let table = report.table();
    println!("\n{table}");
    if options.write {
        let path = workspace.join("BENCHMARKS.md");
        match write_section(&path, &report.markdown()) {
            Ok(()) => eprintln!("sim_bench: wrote the Simulator section of {}", path.display()),
            Err(e) => {
                eprintln!("sim_bench: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    } else {
        eprintln!("sim_bench: `{BENCH_COMMAND} -- --write` puts these figures into BENCHMARKS.md");
    }
    if let Err(e) = &report.peer {
        if std::env::var_os("SIM_BENCH_NO_PEER").is_none() && !options.hooks_only {
            eprintln!("sim_bench: the peer figure is missing: {e}");
            std::process::exit(1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Bash hooks

/// Wall and CPU time (user + system of every process waited for) of something measured.
#[derive(Clone, Copy, Default)]
struct Sample {
    wall: Duration,
    cpu: Duration,
}

/// Median wall and median CPU of several samples.
fn median_sample(samples: &[Sample]) -> Sample {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let mut cpus: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
    Sample { wall: median(&mut walls), cpu: median(&mut cpus) }
}

/// Times `f`, with the CPU time of the children it waited for (and theirs).
fn measure<T>(f: impl FnOnce() -> T) -> (Sample, T) {
    let cpu = children_cpu();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    (Sample { wall, cpu: children_cpu().saturating_sub(cpu) }, out)
}

/// User + system time of this process's waited-for children, from /proc (in USER_HZ ticks).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the command name: state is field 3 of stat(5), cutime 16 and cstime 17.
    let ticks = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((ticks(16) + ticks(17)) * 10)
}

fn per(d: Duration, n: u64) -> Duration {
    d / n.max(1) as u32
}

/// The backends the simulator's figures are given for, each against the same floor.
const BACKENDS: [&str; 2] = ["host", "ns"];

/// One backend's runs of the bash-hook scenario.
struct BackendFigures {
    backend: &'static str,
    /// The run with two tool calls per hook.
    sim: Sample,
    /// The same run with hooks that call no tool.
    sim_no_calls: Sample,
    /// The same run with formulas that have no hooks: units made and removed, every hook
    /// event decided and traced, no process.
    no_hooks: Sample,
    /// Start, deploy, status table: the same formulas with no unit.
    fixed: Sample,
}

struct BashFigures {
    runs: usize,
    hooks: u64,
    tool_calls: u64,
    /// Per backend; `Err` says why a backend could not run here.
    backends: Vec<Result<BackendFigures, String>>,
    /// The same script alone, its two tools `true`, `hooks` times.
    bare: Sample,
    /// A bash script that calls nothing, `hooks` times.
    bare_no_calls: Sample,
    true_exec: Duration,
    /// `formula` started as a hook tool, and the hook-tool client (when built).
    formula_exec: Duration,
    tool_exec: Option<Duration>,
}

impl BashFigures {
    /// The figures of the backends that ran.
    fn ran(&self) -> impl Iterator<Item = &BackendFigures> {
        self.backends.iter().filter_map(|b| b.as_ref().ok())
    }

    fn per_hook(&self, b: &BackendFigures) -> Duration {
        per(b.sim.wall, self.hooks)
    }

    /// Per hook, without the run's fixed cost (start, deploy, status table).
    fn marginal_per_hook(&self, b: &BackendFigures) -> Sample {
        Sample {
            wall: per(b.sim.wall.saturating_sub(b.fixed.wall), self.hooks),
            cpu: per(b.sim.cpu.saturating_sub(b.fixed.cpu), self.hooks),
        }
    }

    fn bare_per_hook(&self) -> Sample {
        Sample { wall: per(self.bare.wall, self.hooks), cpu: per(self.bare.cpu, self.hooks) }
    }

    /// The simulator's hook over the floor (wall, CPU).
    fn ratio(&self, b: &BackendFigures) -> (f64, f64) {
        let (sim, bare) = (self.marginal_per_hook(b), self.bare_per_hook());
        (ratio(sim.wall, bare.wall), ratio(sim.cpu, bare.cpu))
    }

    /// What one tool call adds to a hook: the two runs' difference per call.
    fn per_tool_call(&self, b: &BackendFigures) -> Sample {
        Sample {
            wall: per(b.sim.wall.saturating_sub(b.sim_no_calls.wall), self.tool_calls),
            cpu: per(b.sim.cpu.saturating_sub(b.sim_no_calls.cpu), self.tool_calls),
        }
    }

    /// What the units (made, removed) and the model (each hook event decided, traced) cost,
    /// per hook, with no process.
    fn units_per_hook(&self, b: &BackendFigures) -> Sample {
        Sample {
            wall: per(b.no_hooks.wall.saturating_sub(b.fixed.wall), self.hooks),
            cpu: per(b.no_hooks.cpu.saturating_sub(b.fixed.cpu), self.hooks),
        }
    }

    /// What running a hook's process adds (spawning it in its unit, waiting, its output),
    /// for a hook that calls nothing, over spawning bash alone.
    fn engine_per_hook(&self, b: &BackendFigures) -> Sample {
        let sim = |s: Duration, f: Duration| per(s.saturating_sub(f), self.hooks);
        Sample {
            wall: sim(b.sim_no_calls.wall, b.no_hooks.wall).saturating_sub(per(self.bare_no_calls.wall, self.hooks)),
            cpu: sim(b.sim_no_calls.cpu, b.no_hooks.cpu).saturating_sub(per(self.bare_no_calls.cpu, self.hooks)),
        }
    }

    fn hooks_per_second(&self, b: &BackendFigures) -> f64 {
        self.hooks as f64 / b.sim.wall.as_secs_f64()
    }
}

/// The goal for a backend's ratio to bare bash (issue 15).
fn ratio_goal(backend: &str) -> f64 {
    if backend == "host" {
        1.25
    } else {
        1.5
    }
}

fn bench_bash_hooks(reps: usize) -> BashFigures {
    let dir = tempfile::Builder::new().prefix("sim-bench-").tempdir().expect("temp dir");
    let two = dir.path().join("two-calls");
    let none = dir.path().join("no-calls");
    let hookless = dir.path().join("no-hooks");
    write_bench_formulas(&two, Some(HOOK));
    write_bench_formulas(&none, Some(HOOK_NO_CALLS));
    write_bench_formulas(&hookless, None);
    let expect =
        "  - expect: {status: {ping/0: {status: active, message: two}, pong/6: {status: active, message: two}}}\n";
    std::fs::write(two.join("hooks.yaml"), format!("{HOOKS_SCENARIO}{expect}")).expect("write the scenario");
    std::fs::write(none.join("hooks.yaml"), HOOKS_SCENARIO).expect("write the scenario");
    std::fs::write(hookless.join("hooks.yaml"), HOOKS_SCENARIO).expect("write the scenario");
    std::fs::write(two.join("empty.yaml"), EMPTY_SCENARIO).expect("write the scenario");

    // The floor: the same script spawned alone, its two tools replaced by `true`.
    let bare = dir.path().join("bare");
    std::fs::create_dir_all(bare.join("bin")).expect("bare dir");
    let truth =
        ["/bin/true", "/usr/bin/true"].into_iter().find(|p| Path::new(p).exists()).expect("no `true` on this machine");
    for tool in ["config-get", "status-set"] {
        std::os::unix::fs::symlink(truth, bare.join("bin").join(tool)).expect("symlink");
    }
    let script = bare.join("config-changed");
    write_executable(&script, HOOK);
    let script_no_calls = bare.join("start");
    write_executable(&script_no_calls, HOOK_NO_CALLS);
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", bare.join("bin").display());
    let spawn_all = |script: &Path, hooks: u64| {
        for _ in 0..hooks {
            let status = Command::new(script)
                .env_clear()
                .env("PATH", &path)
                .current_dir(&bare)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run the bare hook");
            assert!(status.success(), "the bare hook failed");
        }
    };

    eprintln!(
        "sim_bench: bash hooks: {reps} runs each of {}/{{two-calls,no-calls}}/hooks.yaml on {}, and bash alone",
        dir.path().display(),
        BACKENDS.join(" and ")
    );
    // One run per backend unmeasured (the page cache, the binary's pages, the unit base); a
    // backend that cannot run here is said so and left out.
    let mut backends: Vec<Result<(), String>> = Vec::new();
    let mut counts = (0, 0);
    for backend in BACKENDS {
        let warm = run_sim(&two.join("hooks.yaml"), &dir.path().join(format!("warm-{backend}.jsonl")), backend);
        if let Ok(c) = &warm {
            counts = *c;
        }
        if let Err(e) = &warm {
            eprintln!("sim_bench: the {backend} backend cannot run here: {e}");
        }
        backends.push(warm.map(|_| ()));
    }
    let (hooks, tool_calls) = counts;
    assert!(hooks > 0, "no backend could run the bash hooks");
    assert_eq!(tool_calls, 2 * hooks, "every hook makes two tool calls");

    let mut samples: Vec<[Vec<Sample>; 4]> = BACKENDS.iter().map(|_| Default::default()).collect();
    let mut bares = Vec::new();
    let mut bares_no_calls = Vec::new();
    // Interleaved, so that a change in the machine's load touches every figure alike.
    for rep in 0..reps {
        for (i, backend) in BACKENDS.iter().enumerate() {
            if backends[i].is_err() {
                continue;
            }
            let trace = |dir: &Path, name: &str| dir.join(format!("{name}-{backend}-{rep}.jsonl"));
            let run = |scenario: &Path, trace: &Path| {
                run_sim(scenario, trace, backend).unwrap_or_else(|e| panic!("{backend} backend: {e}"))
            };
            let (sample, got) = measure(|| run(&two.join("hooks.yaml"), &trace(&two, "trace")));
            assert_eq!(got, counts, "every run of the scenario runs the same hooks");
            samples[i][0].push(sample);
            let (sample, (got, _)) = measure(|| run(&none.join("hooks.yaml"), &trace(&none, "trace")));
            assert_eq!(got, hooks, "both formulas run the same hooks");
            samples[i][1].push(sample);
            let (sample, (got, _)) = measure(|| run(&hookless.join("hooks.yaml"), &trace(&hookless, "trace")));
            assert_eq!(got, hooks, "formulas with no hooks have the same hook events");
            samples[i][2].push(sample);
            let (sample, (got, _)) = measure(|| run(&two.join("empty.yaml"), &trace(&two, "empty")));
            assert_eq!(got, 0, "the fixed-cost scenario runs no hook");
            samples[i][3].push(sample);
        }
        bares.push(measure(|| spawn_all(&script, hooks)).0);
        bares_no_calls.push(measure(|| spawn_all(&script_no_calls, hooks)).0);
    }
    let backends = BACKENDS
        .iter()
        .zip(backends)
        .zip(&samples)
        .map(|((backend, ran), [sim, no_calls, no_hooks, fixed])| {
            ran.map(|()| BackendFigures {
                backend,
                sim: median_sample(sim),
                sim_no_calls: median_sample(no_calls),
                no_hooks: median_sample(no_hooks),
                fixed: median_sample(fixed),
            })
        })
        .collect();

    // Starting `true`, `formula` as a hook tool and the hook-tool client (each finds no
    // context and exits at once, before reaching the socket).
    let tool_link = bare.join("formula-tool");
    std::fs::create_dir_all(&tool_link).expect("dir");
    std::os::unix::fs::symlink(formula(), tool_link.join("config-get")).expect("symlink");
    let true_exec = time_spawns(Path::new(truth), 200, reps);
    let formula_exec = time_spawns(&tool_link.join("config-get"), 200, reps);
    let tool_exec = tool_client().map(|client| {
        let link = bare.join("client");
        std::fs::create_dir_all(&link).expect("dir");
        std::os::unix::fs::symlink(client, link.join("config-get")).expect("symlink");
        time_spawns(&link.join("config-get"), 200, reps)
    });

    if std::env::var_os("SIM_BENCH_KEEP").is_some() {
        eprintln!("sim_bench: kept the bash-hook formulas, scenarios and traces in {}", dir.keep().display());
    }
    BashFigures {
        runs: reps,
        hooks,
        tool_calls,
        backends,
        bare: median_sample(&bares),
        bare_no_calls: median_sample(&bares_no_calls),
        true_exec,
        formula_exec,
        tool_exec,
    }
}

/// The hook-tool client that `cli/build.rs` compiled for this build of `formula` (which
/// embeds it), if it could.
fn tool_client() -> Option<PathBuf> {
    let client = Path::new(env!("OUT_DIR")).join("formula-hook-tool");
    client.is_file().then_some(client)
}

/// Median time of one spawn of `program` (no arguments, empty environment), `n` at a time.
fn time_spawns(program: &Path, n: u32, reps: usize) -> Duration {
    let mut totals = Vec::new();
    for _ in 0..reps {
        let start = Instant::now();
        for _ in 0..n {
            let _ = Command::new(program)
                .env_clear()
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("spawn");
        }
        totals.push(start.elapsed());
    }
    median(&mut totals) / n
}

/// Runs `formula sim SCENARIO -q --backend BACKEND --trace TRACE`; returns the hooks and tool
/// calls, or what the run said when it failed.
fn run_sim(scenario: &Path, trace: &Path, backend: &str) -> Result<(u64, u64), String> {
    let output = Command::new(formula())
        .args(["sim", "-q", "--backend", backend, "--trace"])
        .arg(trace)
        .arg(scenario)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", formula().display()))?;
    if !output.status.success() {
        return Err(format!(
            "`formula sim --backend {backend} {}` failed ({}):\n{}",
            scenario.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(count_events(trace))
}

/// The hooks and tool calls of a trace.
fn count_events(trace: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(trace).expect("read the trace");
    let events = simulator::trace::read(&text).unwrap_or_else(|e| panic!("{}:{e}", trace.display()));
    let mut hooks = 0;
    let mut tools = 0;
    for event in &events {
        match event {
            Event::Hook(_) => hooks += 1,
            Event::Tool(_) => tools += 1,
            _ => {}
        }
    }
    (hooks, tools)
}

/// Two applications with the same hook everywhere (or none at all): `ping` (provides `api`, a
/// peer relation) and `pong` (requires `api`).
fn write_bench_formulas(root: &Path, hook: Option<&str>) {
    let common_hooks = [
        "install",
        "leader-elected",
        "leader-settings-changed",
        "config-changed",
        "start",
        "upgrade-charm",
        "update-status",
        "stop",
        "remove",
    ];
    let relation_hooks = ["created", "joined", "changed", "departed", "broken"];
    for (name, endpoints, metadata) in [
        (
            "ping",
            &["api", "ring"][..],
            "provides:\n  api:\n    interface: bench\npeers:\n  ring:\n    interface: bench-ring\n",
        ),
        ("pong", &["api"][..], "requires:\n  api:\n    interface: bench\n"),
    ] {
        let dir = root.join(name);
        std::fs::create_dir_all(dir.join("hooks")).expect("formula dir");
        std::fs::write(
            dir.join("metadata.yaml"),
            format!("name: {name}\nsummary: Hooks that make two tool calls each\ndescription: The simulator benchmark's formula.\n{metadata}"),
        )
        .expect("metadata.yaml");
        std::fs::write(
            dir.join("config.yaml"),
            "options:\n  greeting:\n    type: string\n    default: hello\n    description: What the unit's status says.\n",
        )
        .expect("config.yaml");
        let mut hooks: Vec<String> = common_hooks.iter().map(|h| h.to_string()).collect();
        for endpoint in endpoints {
            hooks.extend(relation_hooks.iter().map(|h| format!("{endpoint}-relation-{h}")));
        }
        for name in hooks.iter().filter(|_| hook.is_some()) {
            write_executable(&dir.join("hooks").join(name), hook.unwrap_or_default());
        }
    }
}

const HOOKS_SCENARIO: &str = "\
formulas: {ping: ./ping, pong: ./pong}
applications:
  ping: {formula: ping, units: 5}
  pong: {formula: pong, units: 5}
relations:
  - [ping:api, pong:api]
steps:
  - settle
  - config: {application: ping, values: {greeting: one}}
  - config: {application: pong, values: {greeting: one}}
  - settle
  - update-status
  - settle
  - add-unit: {application: pong, count: 2}
  - settle
  - config: {application: ping, values: {greeting: two}}
  - config: {application: pong, values: {greeting: two}}
  - settle
  - remove-unit: pong/0
  - settle
  - update-status
  - settle
";

/// The same run's fixed cost: start, deploy both formulas, no unit, the status table.
const EMPTY_SCENARIO: &str = "\
formulas: {ping: ./ping, pong: ./pong}
applications:
  ping: {formula: ping, units: 0}
  pong: {formula: pong, units: 0}
relations:
  - [ping:api, pong:api]
";

fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

// ---------------------------------------------------------------------------------------------
// 2. The example stack

struct StackFigures {
    scenario: String,
    backend: &'static str,
    runs: usize,
    hooks: u64,
    tool_calls: u64,
    median: Duration,
    min: Duration,
}

fn bench_stack(workspace: &Path, reps: usize, backend: &'static str) -> Result<StackFigures, String> {
    let examples =
        std::env::var_os("SIM_BENCH_EXAMPLES").map(PathBuf::from).unwrap_or_else(|| workspace.join("examples"));
    let scenario = examples.join("wiki/scenarios/stack.yaml");
    if !scenario.is_file() {
        let message = format!(
            "skipped: {} is not there (set SIM_BENCH_EXAMPLES to a directory holding wiki/scenarios/stack.yaml)",
            scenario.display()
        );
        eprintln!("sim_bench: example stack {message}");
        return Err(message);
    }
    eprintln!("sim_bench: example stack: {reps} runs of {} on {backend}", scenario.display());
    let dir = tempfile::Builder::new().prefix("sim-bench-stack-").tempdir().map_err(|e| e.to_string())?;
    let _ = run_sim_checked(&scenario, &dir.path().join("warm.jsonl"), backend)?;
    let mut walls = Vec::new();
    let mut hooks = 0;
    let mut tool_calls = 0;
    for rep in 0..reps {
        let (wall, n, tools) = run_sim_checked(&scenario, &dir.path().join(format!("trace-{rep}.jsonl")), backend)?;
        walls.push(wall);
        hooks = n;
        tool_calls = tools;
    }
    let min = walls.iter().copied().min().unwrap_or_default();
    let shown = "examples/wiki/scenarios/stack.yaml".to_string();
    Ok(StackFigures { scenario: shown, backend, runs: reps, hooks, tool_calls, median: median(&mut walls), min })
}

fn run_sim_checked(scenario: &Path, trace: &Path, backend: &str) -> Result<(Duration, u64, u64), String> {
    let start = Instant::now();
    let output = Command::new(formula())
        .args(["sim", "-q", "--backend", backend, "--trace"])
        .arg(trace)
        .arg(scenario)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run formula: {e}"))?;
    let wall = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!("`formula sim {}` failed ({}):\n{}", scenario.display(), output.status, tail.join("\n")));
    }
    let (hooks, tools) = count_events(trace);
    Ok((wall, hooks, tools))
}

// ---------------------------------------------------------------------------------------------
// 3. The peer: ops-scenario

struct PeerFigures {
    config_changed: PeerEvent,
    relation_changed: PeerEvent,
    /// A fresh interpreter: start Python, import ops and ops-scenario, run one event.
    cold: Duration,
    python: String,
    ops: String,
    ops_scenario: String,
}

struct PeerEvent {
    events: u64,
    median_ms: f64,
    min_ms: f64,
}

fn bench_peer(workspace: &Path, quick: bool) -> Result<PeerFigures, String> {
    let peer = workspace.join("benches/peer");
    let setup = peer.join("setup.sh");
    let venv =
        std::env::var_os("OPS_SCENARIO_VENV").map(PathBuf::from).unwrap_or_else(|| "/opt/ops-scenario-venv".into());
    let python = venv.join("bin/python");
    let setup_command = format!("bash {}", setup.display());
    eprintln!("sim_bench: peer: {setup_command}");
    let status = Command::new("bash").arg(&setup).stdin(Stdio::null()).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => return Err(format!("`{setup_command}` failed ({s}); run it by hand to see why")),
        Err(e) => return Err(format!("cannot run `{setup_command}`: {e}")),
    }
    let script = peer.join("time_event.py");
    let events = if quick { "100" } else { "400" };
    let run = |event: &str| -> Result<serde_json::Value, String> {
        let output = Command::new(&python)
            .arg(&script)
            .args(["--event", event, "--events", events])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !output.status.success() {
            return Err(format!("{} failed: {}", script.display(), String::from_utf8_lossy(&output.stderr)));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text.lines().last().unwrap_or("");
        serde_json::from_str(line).map_err(|e| format!("{} printed {line:?}: {e}", script.display()))
    };
    eprintln!("sim_bench: peer: timing ops-scenario events");
    let config = run("config-changed")?;
    let relation = run("relation-changed")?;
    let event = |v: &serde_json::Value| PeerEvent {
        events: v["events"].as_u64().unwrap_or(0),
        median_ms: v["median_ms"].as_f64().unwrap_or(f64::NAN),
        min_ms: v["min_ms"].as_f64().unwrap_or(f64::NAN),
    };
    let mut colds = Vec::new();
    for _ in 0..if quick { 3 } else { 5 } {
        let start = Instant::now();
        let status = Command::new(&python)
            .arg(&script)
            .args(["--events", "0", "--warmup", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !status.success() {
            return Err(format!("{} failed ({status})", script.display()));
        }
        colds.push(start.elapsed());
    }
    let text = |key: &str| config[key].as_str().unwrap_or("unknown").to_string();
    Ok(PeerFigures {
        config_changed: event(&config),
        relation_changed: event(&relation),
        cold: median(&mut colds),
        python: text("python"),
        ops: text("ops"),
        ops_scenario: text("ops_scenario"),
    })
}

// ---------------------------------------------------------------------------------------------
// 4. The report

struct Machine {
    cores: usize,
    cpu: String,
    load: String,
}

impl Machine {
    fn read() -> Machine {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown CPU".into());
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into());
        Machine { cores, cpu, load }
    }
}

struct Report {
    machine: Machine,
    load_after: String,
    bash: BashFigures,
    stack: Result<StackFigures, String>,
    peer: Result<PeerFigures, String>,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

impl Report {
    /// (figure, value, note) rows.
    fn rows(&self) -> Vec<(String, String, String)> {
        let b = &self.bash;
        let bare = b.bare_per_hook();
        let both = |s: Sample| format!("{} ({} CPU)", ms(s.wall), ms(s.cpu));
        let mut rows = vec![(
            "bare bash: per spawn".to_string(),
            both(bare),
            format!("the same script alone, its two tools `true`, {} times in a row", b.hooks),
        )];
        for figures in &b.backends {
            let f = match figures {
                Ok(f) => f,
                Err(e) => {
                    rows.push(("backend".into(), "—".into(), e.lines().next().unwrap_or("").to_string()));
                    continue;
                }
            };
            let name = f.backend;
            let (wall, cpu) = b.ratio(f);
            let goal = ratio_goal(name);
            rows.extend([
                (
                    format!("{name}: ratio sim hook / bare bash"),
                    format!("{wall:.2} ({cpu:.2} CPU)"),
                    format!("round trip / bare spawn; goal ≤ {goal}: {}", verdict(wall <= goal)),
                ),
                (
                    format!("  {name}: run"),
                    format!("{} hooks, {} tool calls in {}", b.hooks, b.tool_calls, ms(f.sim.wall)),
                    format!(
                        "median of {} runs of `formula sim -q --backend {name} --trace`; {} CPU; {:.0} hooks/s, {} per hook",
                        b.runs,
                        ms(f.sim.cpu),
                        b.hooks_per_second(f),
                        ms(b.per_hook(f))
                    ),
                ),
                (
                    format!("  {name}: hook round trip (2 tool calls)"),
                    both(b.marginal_per_hook(f)),
                    format!("(run − fixed {}) / hooks", ms(f.fixed.wall)),
                ),
                (
                    format!("  {name}: of which one tool call"),
                    both(b.per_tool_call(f)),
                    "(run − run with hooks that call nothing) / tool calls".into(),
                ),
                (
                    format!("  {name}: of which a hook's process"),
                    both(b.engine_per_hook(f)),
                    "(run with hooks that call nothing − run with no hooks) / hooks − bash spawned alone".into(),
                ),
                (
                    format!("  {name}: of which units and model"),
                    both(b.units_per_hook(f)),
                    "(run with no hooks − fixed) / hooks: units made and removed, each hook event decided and traced, no process".into(),
                ),
            ]);
        }
        let client = b.tool_exec.map_or_else(|| "—".to_string(), ms);
        rows.push((
            "exec `true` / hook-tool client / `formula` as a tool".into(),
            format!("{} / {client} / {}", ms(b.true_exec), ms(b.formula_exec)),
            "one spawn each, wall; the tools exit before the socket".into(),
        ));
        // The stack's estimate and the peer's ratio use the backend the stack ran on.
        let stack_backend = self.stack.as_ref().map_or("host", |s| s.backend);
        let main = b.ran().find(|f| f.backend == stack_backend).or_else(|| b.ran().next());
        match (&self.stack, main) {
            (Ok(s), Some(f)) => {
                rows.push((
                    "example stack settled".into(),
                    ms(s.median),
                    format!(
                        "{} on {}, {} hooks, median of {} (min {}); goal < 1 s: {}",
                        s.scenario,
                        s.backend,
                        s.hooks,
                        s.runs,
                        ms(s.min),
                        verdict(s.median < Duration::from_secs(1))
                    ),
                ));
                // What the simulator adds, at the rates measured above; the rest is the
                // hooks' own work (interpreters starting, daemons restarting).
                let share = b.per_tool_call(f).wall * s.tool_calls as u32
                    + (b.engine_per_hook(f).wall + b.units_per_hook(f).wall) * s.hooks as u32
                    + f.fixed.wall;
                rows.push((
                    "  of which: simulator (estimate)".into(),
                    ms(share),
                    format!(
                        "{} tool calls × one tool call + {} hooks × (a hook's process + units and model) + fixed; the rest is the hooks' own work",
                        s.tool_calls, s.hooks
                    ),
                ));
                // The issue's measure: the stack against its hooks alone, their tools `true`
                // as in the per-hook floor above.
                let own = s.median.saturating_sub(share) + b.true_exec * s.tool_calls as u32;
                let ratio = s.median.as_secs_f64() / own.as_secs_f64().max(1e-9);
                rows.push((
                    "  stack settled / its hooks' own time (estimate)".into(),
                    format!("{ratio:.2}"),
                    format!(
                        "settled ÷ (settled − simulator + {} tool calls × exec `true`); goal ≤ 1.3: {}",
                        s.tool_calls,
                        verdict(ratio <= 1.3)
                    ),
                ));
            }
            (Err(e), _) => {
                rows.push(("example stack settled".into(), "—".into(), e.lines().next().unwrap_or("").to_string()))
            }
            (Ok(_), None) => {}
        }
        match (&self.peer, main) {
            (Ok(p), Some(f)) => {
                let ratio = b.marginal_per_hook(f).wall.as_secs_f64() * 1e3 / p.config_changed.median_ms;
                rows.push((
                    "ops-scenario: config-changed event".into(),
                    format!("{:.2} ms", p.config_changed.median_ms),
                    format!(
                        "median of {} in one process (min {:.2} ms); ops {}, ops-scenario {}, Python {}",
                        p.config_changed.events, p.config_changed.min_ms, p.ops, p.ops_scenario, p.python
                    ),
                ));
                rows.push((
                    "ops-scenario: relation-changed event".into(),
                    format!("{:.2} ms", p.relation_changed.median_ms),
                    format!("median of {} (min {:.2} ms)", p.relation_changed.events, p.relation_changed.min_ms),
                ));
                rows.push((
                    "ops-scenario: fresh interpreter, one event".into(),
                    ms(p.cold),
                    "python start, imports, one config-changed".into(),
                ));
                rows.push((
                    "ratio sim bash hook / ops-scenario event".into(),
                    format!("{ratio:.2}"),
                    "bash hook round trip / config-changed median".into(),
                ));
            }
            (Err(e), _) => {
                rows.push(("ops-scenario event".into(), "—".into(), e.lines().next().unwrap_or("").to_string()))
            }
            (Ok(_), None) => {}
        }
        rows
    }

    fn table(&self) -> String {
        let rows = self.rows();
        let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Simulator benchmark — {} cores ({}), load average {} → {}",
            self.machine.cores, self.machine.cpu, self.machine.load, self.load_after
        );
        for (figure, value, note) in rows {
            let _ = writeln!(out, "  {figure:<w0$}  {value:>w1$}  {note}");
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{BEGIN}");
        let _ = writeln!(
            out,
            "Measured {} on {} cores ({}), load average {} at the start and {} at the end \
             (the machine is shared: other builds run beside the bench). Command: `{BENCH_COMMAND}`.\n",
            today(),
            self.machine.cores,
            self.machine.cpu,
            self.machine.load,
            self.load_after
        );
        let _ = writeln!(out, "| figure | value | how |\n|---|---|---|");
        for (figure, value, note) in self.rows() {
            let figure = match figure.strip_prefix("  ") {
                Some(part) => format!("↳ {part}"),
                None => figure,
            };
            let _ = writeln!(out, "| {figure} | {value} | {} |", note.replace('|', "\\|"));
        }
        let _ = writeln!(out, "{END}");
        out
    }
}

/// Replaces the text between the markers in the "## Simulator" section of `path`, making the
/// file or the section when missing; other sections are left as they are.
fn write_section(path: &Path, block: &str) -> std::io::Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".to_string(),
        Err(e) => return Err(e),
    };
    let new = if let (Some(a), Some(b)) = (old.find(BEGIN), old.find(END)) {
        format!("{}{}{}", &old[..a], block.trim_end(), &old[b + END.len()..])
    } else if let Some(at) = old.find("## Simulator\n") {
        let body = at + "## Simulator\n".len();
        format!("{}\n{}{}", &old[..body], block, &old[body..])
    } else {
        format!("{}\n## Simulator\n\n{}", old.trim_end_matches('\n').to_string() + "\n", block)
    };
    std::fs::write(path, new)
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

/// Today's date (UTC), as YYYY-MM-DD.
fn today() -> String {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0)
            as i64;
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
