//! What a WebAssembly hook costs against a bash hook doing the same, in the same run.
//!
//! ```sh
//! cargo bench -p formula-cli --bench wasm_bench             # print the figures
//! cargo bench -p formula-cli --bench wasm_bench -- --quick  # fewer repetitions
//! ```
//!
//! Two formulas made here with the same hooks, every hook making two tool calls
//! (`config-get greeting`, `status-set active hello`): one as `dispatch.wasm` (WAT text that
//! wasmtime compiles on load, so no Rust toolchain is needed), one as a bash `dispatch`. Each
//! runs two scenarios (`--backend host`, 20 units): a short one (10 config changes, 280
//! hooks) and a long one with more config changes, each giving 20 more hooks of the same
//! kind (500 more changes for WebAssembly, 50 for bash, so that each long run takes long
//! enough to stand above the noise of creating the units, and bash does not take minutes).
//! The per-hook cost is the long run less the short one over the hooks between them, so it
//! holds what each further hook costs and nothing of starting the process, reading the
//! scenario or creating the units (which, on a busy ext4, varies by more than 100 ms). The figure
//! of earlier versions of this bench, (short run − a run with no units) / its hooks, is
//! printed as well: it charges the creation of the 20 units to the hooks.
//!
//! Wall times are medians of interleaved runs; CPU is user + system of the `formula` process
//! (and, for bash, of every process it started), from `getrusage`, summed over the runs.
//! The bench pins itself, and so every process it starts, to one CPU: "hooks per second on
//! one core". It uses the release `formula` binary cargo builds for the bench.

use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
use nix::sys::resource::{getrusage, UsageWho};
use nix::unistd::Pid;
use simulator::trace::Event;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FORMULA: &str = env!("CARGO_BIN_EXE_formula");

const BASH_DISPATCH: &str = "#!/bin/bash\nset -e\ngreeting=$(config-get greeting)\nstatus-set active hello\n";

/// The WebAssembly hook: the same two calls through `formula.tool_call`.
const WAT_DISPATCH: &str = r#"(module
  (import "formula" "tool_call" (func $tool_call (param i32 i32) (result i32)))
  (import "formula" "tool_response" (func $tool_response (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"tool\":\"config-get\",\"args\":[\"greeting\"]}")
  (data (i32.const 512) "{\"tool\":\"status-set\",\"args\":[\"active\",\"hello\"]}")
  (func (export "_start")
    (drop (call $tool_call (i32.const 0) (i32.const 41)))
    (call $tool_response (i32.const 4096))
    (drop (call $tool_call (i32.const 512) (i32.const 47)))
    (call $tool_response (i32.const 4096))))"#;

const METADATA: &str = "name: bench\nsummary: s\ndescription: d\n";
const CONFIG: &str = "options:\n  greeting: {type: string, default: hi, description: d}\n";

fn scenario(units: u32, changes: u32) -> String {
    let mut text = format!(
        "formulas: {{bench: .}}\napplications:\n  bench: {{formula: bench, units: {units}}}\nsteps:\n  - settle\n"
    );
    for i in 0..changes {
        text.push_str(&format!("  - config: {{application: bench, values: {{greeting: g{i}}}}}\n  - settle\n"));
    }
    text
}

/// Config changes added in the long scenario.
fn added_changes(wasm: bool) -> u32 {
    if wasm {
        500
    } else {
        50
    }
}

fn write_formula(dir: &Path, wasm: bool) {
    std::fs::create_dir_all(dir).expect("formula dir");
    std::fs::write(dir.join("metadata.yaml"), METADATA).expect("metadata");
    std::fs::write(dir.join("config.yaml"), CONFIG).expect("config");
    if wasm {
        std::fs::write(dir.join("dispatch.wasm"), WAT_DISPATCH).expect("module");
    } else {
        let dispatch = dir.join("dispatch");
        std::fs::write(&dispatch, BASH_DISPATCH).expect("dispatch");
        std::fs::set_permissions(&dispatch, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::write(dir.join("short.yaml"), scenario(20, 10)).expect("scenario");
    std::fs::write(dir.join("long.yaml"), scenario(20, 10 + added_changes(wasm))).expect("scenario");
    std::fs::write(dir.join("empty.yaml"), scenario(0, 0)).expect("scenario");
}

/// One run of a scenario: its wall time, the CPU of the processes it waited for, and the
/// hooks and tool calls of its trace.
struct Run {
    wall: Duration,
    cpu: Duration,
    hooks: u64,
    tools: u64,
}

/// User + system time of the children waited for so far.
fn children_cpu() -> Duration {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    let time = |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
    time(usage.user_time()) + time(usage.system_time())
}

fn run(scenario: &Path) -> Run {
    let trace = scenario.with_extension("jsonl");
    let cpu = children_cpu();
    let start = Instant::now();
    let output = Command::new(FORMULA)
        .args(["sim", "-q", "--backend", "host", "--trace"])
        .arg(&trace)
        .arg(scenario)
        .stdin(Stdio::null())
        .output()
        .expect("run formula sim");
    let wall = start.elapsed();
    let cpu = children_cpu().saturating_sub(cpu);
    assert!(output.status.success(), "{}:\n{}", scenario.display(), String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&trace).expect("trace");
    let events = simulator::trace::read(&text).unwrap_or_else(|e| panic!("{}:{e}", trace.display()));
    let count = |is: fn(&Event) -> bool| events.iter().filter(|e| is(e)).count() as u64;
    Run { wall, cpu, hooks: count(|e| matches!(e, Event::Hook(_))), tools: count(|e| matches!(e, Event::Tool(_))) }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Pins this process (and so every process it starts) to the first CPU it may run on.
fn pin_to_one_cpu() -> Option<usize> {
    let allowed = sched_getaffinity(Pid::from_raw(0)).ok()?;
    let cpu = (0..CpuSet::count()).find(|&c| allowed.is_set(c).unwrap_or(false))?;
    let mut one = CpuSet::new();
    one.set(cpu).ok()?;
    sched_setaffinity(Pid::from_raw(0), &one).ok()?;
    Some(cpu)
}

/// The figures of one formula, over all repetitions.
#[derive(Default)]
struct Figures {
    short: Vec<Run>,
    long: Vec<Run>,
    empty: Vec<Run>,
}

impl Figures {
    fn hooks(&self) -> (u64, u64) {
        (self.short.first().map_or(0, |r| r.hooks), self.long.first().map_or(0, |r| r.hooks))
    }

    /// Wall time per hook between the short and the long run (median of the differences).
    fn wall_per_hook(&self) -> Duration {
        let (short, long) = self.hooks();
        let added = long.saturating_sub(short).max(1) as u32;
        median(self.long.iter().zip(&self.short).map(|(l, s)| l.wall.saturating_sub(s.wall) / added).collect())
    }

    /// CPU time per hook between the short and the long run (sums over the repetitions).
    fn cpu_per_hook(&self) -> Duration {
        let (short, long) = self.hooks();
        let added = (long.saturating_sub(short) * self.long.len() as u64).max(1) as u32;
        let sum = |runs: &[Run]| runs.iter().map(|r| r.cpu).sum::<Duration>();
        sum(&self.long).saturating_sub(sum(&self.short)) / added
    }

    /// The earlier figure: (short run − run with no units) / hooks of the short run.
    fn wall_per_hook_with_units(&self) -> Duration {
        let (short, _) = self.hooks();
        let fixed = median(self.empty.iter().map(|r| r.wall).collect());
        median(self.short.iter().map(|r| r.wall).collect()).saturating_sub(fixed) / short.max(1) as u32
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let reps = if quick { 3 } else { 7 };
    let dir = tempfile::Builder::new().prefix("wasm-bench-").tempdir().expect("temp dir");
    let (wasm_dir, bash_dir) = (dir.path().join("wasm"), dir.path().join("bash"));
    write_formula(&wasm_dir, true);
    write_formula(&bash_dir, false);
    let pinned = pin_to_one_cpu();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "wasm_bench: {reps} runs each, {}, load average {}",
        pinned.map_or("not pinned".to_string(), |cpu| format!("pinned to CPU {cpu}")),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );

    // One unmeasured run each (page cache, binary pages).
    let _ = run(&wasm_dir.join("short.yaml"));
    let _ = run(&bash_dir.join("short.yaml"));
    let (mut wasm, mut bash) = (Figures::default(), Figures::default());
    for _ in 0..reps {
        for (dir, figures) in [(&wasm_dir, &mut wasm), (&bash_dir, &mut bash)] {
            figures.short.push(run(&dir.join("short.yaml")));
            figures.long.push(run(&dir.join("long.yaml")));
            figures.empty.push(run(&dir.join("empty.yaml")));
        }
    }
    for runs in [&wasm.short, &wasm.long, &bash.short, &bash.long] {
        let (hooks, tools) = (runs[0].hooks, runs[0].tools);
        assert!(
            runs.iter().all(|r| (r.hooks, r.tools) == (hooks, tools)),
            "every run of a scenario runs the same hooks"
        );
        assert_eq!(tools, 2 * hooks, "every hook makes two tool calls");
    }
    assert_eq!(wasm.hooks().0, bash.hooks().0, "both formulas run the same hooks");
    for (figures, wasm) in [(&wasm, true), (&bash, false)] {
        let (short, long) = figures.hooks();
        assert_eq!(long - short, 20 * u64::from(added_changes(wasm)), "each change runs config-changed on 20 units");
    }
    let rate = |d: Duration| 1.0 / d.as_secs_f64().max(1e-9);
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "hooks per run: {} (short), {} (long, WebAssembly), {} (long, bash); 2 tool calls each",
        wasm.hooks().0,
        wasm.hooks().1,
        bash.hooks().1
    );
    println!("{:<48} {:>12} {:>10} {:>12} {:>10}", "", "wall µs/hook", "hooks/s", "CPU µs/hook", "hooks/s");
    for (name, figures) in [("WebAssembly hook (dispatch.wasm)", &wasm), ("bash hook (dispatch)", &bash)] {
        let (wall, cpu) = (figures.wall_per_hook(), figures.cpu_per_hook());
        println!("{name:<48} {:>12.1} {:>10.0} {:>12.1} {:>10.0}", us(wall), rate(wall), us(cpu), rate(cpu));
    }
    println!(
        "bash / WebAssembly: {:.1}× (wall), {:.1}× (CPU)",
        bash.wall_per_hook().as_secs_f64() / wasm.wall_per_hook().as_secs_f64().max(1e-9),
        bash.cpu_per_hook().as_secs_f64() / wasm.cpu_per_hook().as_secs_f64().max(1e-9)
    );
    println!(
        "earlier figure, (short − no units) / hooks, unit creation included: WebAssembly {:.1} µs/hook, bash {:.1} µs/hook; run with no units {:.1} ms",
        us(wasm.wall_per_hook_with_units()),
        us(bash.wall_per_hook_with_units()),
        median(wasm.empty.iter().map(|r| r.wall).collect()).as_secs_f64() * 1e3
    );
}
