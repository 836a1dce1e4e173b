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
//! runs the same scenario (`--backend host`: 20 units, then 10 config changes, about 300
//! hooks); the same scenario with no units is the fixed cost (start, model, exit). The
//! per-hook cost is (wall − fixed wall) / hooks, the median of several interleaved runs,
//! with the release `formula` binary cargo builds for the bench.

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
    std::fs::write(dir.join("run.yaml"), scenario(20, 10)).expect("scenario");
    std::fs::write(dir.join("empty.yaml"), scenario(0, 0)).expect("scenario");
}

/// Runs a scenario; returns the wall time and the hooks and tool calls of its trace.
fn run(scenario: &Path) -> (Duration, u64, u64) {
    let trace = scenario.with_extension("jsonl");
    let start = Instant::now();
    let output = Command::new(FORMULA)
        .args(["sim", "-q", "--backend", "host", "--trace"])
        .arg(&trace)
        .arg(scenario)
        .stdin(Stdio::null())
        .output()
        .expect("run formula sim");
    let wall = start.elapsed();
    assert!(output.status.success(), "{}:\n{}", scenario.display(), String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&trace).expect("trace");
    let count = |kind: &str| text.lines().filter(|l| l.contains(&format!("\"event\":\"{kind}\""))).count() as u64;
    (wall, count("hook"), count("tool"))
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let reps = if quick { 3 } else { 7 };
    let dir = tempfile::Builder::new().prefix("wasm-bench-").tempdir().expect("temp dir");
    let (wasm_dir, bash_dir) = (dir.path().join("wasm"), dir.path().join("bash"));
    write_formula(&wasm_dir, true);
    write_formula(&bash_dir, false);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "wasm_bench: {reps} runs each, load average {}",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );

    // One unmeasured run each (page cache, binary pages).
    let _ = run(&wasm_dir.join("run.yaml"));
    let _ = run(&bash_dir.join("run.yaml"));
    let (mut wasm, mut bash, mut fixed) = (Vec::new(), Vec::new(), Vec::new());
    let mut counts = (0, 0);
    for _ in 0..reps {
        let (wall, hooks, tools) = run(&wasm_dir.join("run.yaml"));
        wasm.push(wall);
        let (bash_wall, bash_hooks, bash_tools) = run(&bash_dir.join("run.yaml"));
        bash.push(bash_wall);
        assert_eq!((hooks, tools), (bash_hooks, bash_tools), "both formulas run the same hooks and calls");
        assert_eq!(tools, 2 * hooks, "every hook makes two tool calls");
        counts = (hooks, tools);
        fixed.push(run(&wasm_dir.join("empty.yaml")).0);
    }
    let (hooks, tools) = counts;
    let fixed = median(&mut fixed);
    let per_hook = |walls: &mut Vec<Duration>| median(walls).saturating_sub(fixed) / hooks as u32;
    let (wasm_hook, bash_hook) = (per_hook(&mut wasm), per_hook(&mut bash));
    let rate = |d: Duration| 1.0 / d.as_secs_f64().max(1e-9);
    println!("hooks per run: {hooks} ({tools} tool calls); fixed cost of a run: {:.1} ms", fixed.as_secs_f64() * 1e3);
    println!(
        "WebAssembly hook (dispatch.wasm, 2 tool calls): {:>8.1} µs/hook  {:>8.0} hooks/s",
        wasm_hook.as_secs_f64() * 1e6,
        rate(wasm_hook)
    );
    println!(
        "bash hook (dispatch, 2 tool calls):             {:>8.1} µs/hook  {:>8.0} hooks/s",
        bash_hook.as_secs_f64() * 1e6,
        rate(bash_hook)
    );
    println!("bash / WebAssembly: {:.1}×", bash_hook.as_secs_f64() / wasm_hook.as_secs_f64().max(1e-9));
}
