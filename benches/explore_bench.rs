//! What a seed of `formula sim --explore` costs besides its hooks, then seeds per second on
//! the wiki stack: with 1 worker and with 2, then with the Rust `cache-rs` formula (built to
//! WebAssembly) in place of the bash `cache`.
//!
//! ```sh
//! cargo bench -p formula-cli --bench explore_bench                 # 20 seeds, host backend
//! cargo bench -p formula-cli --bench explore_bench -- --seeds 40 --backend ns
//! cargo bench -p formula-cli --bench explore_bench -- --backend ns --cache-rs-only
//! cargo bench -p formula-cli --bench explore_bench -- --backend ns --seed-cost-only
//! ```
//!
//! The first part explores a scenario without hooks (two applications of two units each,
//! related: 36 hook events, no process), 100 seeds with `--allow-repeats`, on 1 worker and
//! on 2: as the explorer runs seeds (each worker a `formula sim-worker` that runs one seed
//! after another) and as the baseline, a process per seed (`FORMULA_SIM_RUNS_PER_WORKER=1`,
//! as exploring was before workers), alternated, the median of 5. What a seed costs there
//! is all that the simulator adds: starting, loading the scenario, making and removing the
//! units and the run's network, the engine. Then the same scenario, 100 seeds and 1000, each
//! keeping out of the schedules of the seeds before it (the default): a seed's cost there
//! should not grow with the seeds before it.
//!
//! Each figure is one `formula sim STACK --seeds 0..N --keep-going --no-shrink --jobs J` of
//! the release binary cargo builds for the bench, timed from outside; the speed-up is the
//! 1-worker wall time over the 2-worker one, measured in the same run. On the host backend
//! each run is isolated (namespaces of its own: private system directories and loopback), as
//! the explorer does it. Failures are counted and printed (a run that fails is timed all the
//! same).
//!
//! The second part runs `examples/wiki/scenarios/stack.yaml` (bash `cache`) and
//! `examples/wiki/formulas/cache-rs/stack.yaml` (the same stack and checks with cache-rs,
//! whose hooks run as WebAssembly in the engine) over the same seeds, `--jobs` workers (1
//! unless given), one after the other. It first builds cache-rs's `dispatch.wasm` in place
//! (`formula build --target wasm`, which needs cargo and the `wasm32-wasip1` target; its
//! output is ignored by git). `--cache-rs-only` skips the first part. The cache-rs stack runs
//! twice: as the explorer runs it, its runs sharing the modules they compiled, and as the
//! baseline with each run compiling them again (`FORMULA_WASM_COMPILED_CACHE` set empty).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const FORMULA: &str = env!("CARGO_BIN_EXE_formula");

/// One exploration: its wall time in seconds and the summary line `formula sim` printed.
fn explore(stack: &Path, backend: &str, seeds: u64, jobs: usize) -> (f64, String) {
    explore_with(stack, backend, seeds, jobs, true)
}

/// [`explore`], with the runs sharing the WebAssembly modules they compile (what the explorer
/// does), or each compiling its own (`FORMULA_WASM_COMPILED_CACHE` set empty: the baseline).
fn explore_with(stack: &Path, backend: &str, seeds: u64, jobs: usize, share_compiled: bool) -> (f64, String) {
    let out = tempfile::tempdir().expect("a temporary directory");
    let start = Instant::now();
    let mut command = Command::new(FORMULA);
    if !share_compiled {
        command.env("FORMULA_WASM_COMPILED_CACHE", "");
    }
    let output = command
        .arg("sim")
        .arg(stack)
        .args(["--backend", backend, "--seeds", &format!("0..{seeds}"), "--keep-going", "--no-shrink"])
        .args(["--jobs", &jobs.to_string(), "--out"])
        .arg(out.path())
        .output()
        .expect("run formula sim");
    let wall = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stderr.lines().find(|l| l.contains(" runs, ") && l.contains(" failed, ")).unwrap_or("no summary");
    (wall, summary.to_string())
}

/// The number before `what` in a summary line (`8 runs, 0 failed, …, 1234 hooks, …`).
fn count(summary: &str, what: &str) -> Option<u64> {
    let words: Vec<&str> = summary.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    words.windows(2).find(|w| w[1] == what).and_then(|w| w[0].parse().ok())
}

/// A formula without hooks, and a scenario of two of its applications, two units each, related.
fn hookless_scenario(dir: &Path) -> std::path::PathBuf {
    let formula = dir.join("idle");
    std::fs::create_dir_all(&formula).expect("make the formula's directory");
    let metadata = "name: idle\nsummary: no hooks\ndescription: a formula without hooks\n\
                    provides:\n  api: {interface: idle}\nrequires:\n  use: {interface: idle}\n";
    std::fs::write(formula.join("metadata.yaml"), metadata).expect("write metadata.yaml");
    let scenario = dir.join("idle.yaml");
    let text =
        "formulas:\n  idle: idle\napplications:\n  a: {formula: idle, units: 2}\n  b: {formula: idle, units: 2}\n\
                relations:\n  - [a:api, b:use]\nsteps:\n  - settle\n";
    std::fs::write(&scenario, text).expect("write the scenario");
    scenario
}

/// One exploration of `seeds` seeds of `scenario` on `jobs` workers, each seed in a worker
/// that runs many (or, with `process_per_seed`, in a process of its own), each seed drawn
/// alone (`--allow-repeats`) or keeping out of the schedules before it (`repeats` false);
/// its wall time.
fn explore_wall(scenario: &Path, backend: &str, seeds: u64, jobs: usize, process_per_seed: bool, repeats: bool) -> f64 {
    let mut command = Command::new(FORMULA);
    command.env("FORMULA_SIM_RUNS_PER_WORKER", if process_per_seed { "1" } else { "" });
    command.arg("sim").arg(scenario);
    if repeats {
        command.arg("--allow-repeats");
    }
    let start = Instant::now();
    let output = command
        .args(["--backend", backend, "--seeds", &format!("0..{seeds}"), "--keep-going"])
        .args(["--jobs", &jobs.to_string()])
        .output()
        .expect("run formula sim");
    let wall = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the hookless exploration failed:\n{stderr}");
    wall
}

/// The first part: a seed's cost without hooks, with workers and with a process per seed.
fn seed_cost(backend: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let scenario = hookless_scenario(dir.path());
    let seeds = 100;
    eprintln!("  a seed without hooks: {seeds} seeds, 5 rounds, workers and a process per seed alternated");
    println!("| {backend}, seeds without hooks | a process per seed (before) | workers (now) | before / now |");
    println!("|---|---|---|---|");
    for jobs in [1usize, 2] {
        let (mut before, mut now) = (Vec::new(), Vec::new());
        for _round in 0..5 {
            before.push(explore_wall(&scenario, backend, seeds, jobs, true, true));
            now.push(explore_wall(&scenario, backend, seeds, jobs, false, true));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (before, now) = (median(&mut before), median(&mut now));
        let per_seed = |wall: f64| wall * 1000.0 / seeds as f64;
        println!(
            "| {jobs} job(s) | {:.1} ms a seed | {:.1} ms a seed | {:.2} |",
            per_seed(before),
            per_seed(now),
            before / now
        );
    }
    println!();
    // Keeping out of the schedules run before: each seed is steered by the tree of all the
    // seeds before it, which grows; a seed's cost must not grow with it.
    let (short, long) = (100, 1000);
    let short_wall = explore_wall(&scenario, backend, short, 2, false, false);
    let long_wall = explore_wall(&scenario, backend, long, 2, false, false);
    let (short_seed, long_seed) = (short_wall * 1000.0 / short as f64, long_wall * 1000.0 / long as f64);
    println!("| {backend}, keeping out of earlier schedules, 2 jobs | {short} seeds | {long} seeds | {long} / {short}, a seed |");
    println!("|---|---|---|---|");
    println!("| a seed | {short_seed:.1} ms | {long_seed:.1} ms | {:.2} |", long_seed / short_seed);
    println!();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let seeds: u64 = value("--seeds").and_then(|s| s.parse().ok()).unwrap_or(20);
    let backend = value("--backend").unwrap_or_else(|| "host".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let stack = workspace.join("examples/wiki/scenarios/stack.yaml");
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if !args.iter().any(|a| a == "--cache-rs-only") {
        eprintln!("explore_bench: seeds without hooks, {backend} backend, {cores} cores, load {}", load());
        seed_cost(&backend);
    }
    if args.iter().any(|a| a == "--seed-cost-only") {
        return;
    }
    eprintln!("explore_bench: {seeds} seeds of the wiki stack, {backend} backend, {cores} cores, load {}", load());
    if !args.iter().any(|a| a == "--cache-rs-only") {
        let mut results = Vec::new();
        for jobs in [1usize, 2] {
            let (wall, summary) = explore(&stack, &backend, seeds, jobs);
            eprintln!(
                "  {jobs} worker(s): {wall:.1} s, {:.2} seeds/s — {summary}; load after {}",
                seeds as f64 / wall,
                load()
            );
            results.push((jobs, wall));
        }
        let (one, two) = (results[0].1, results[1].1);
        println!("| workers | wall | seeds per second |");
        println!("|---|---|---|");
        for (jobs, wall) in &results {
            println!("| {jobs} | {wall:.1} s | {:.2} |", seeds as f64 / wall);
        }
        println!("\nspeed-up with 2 workers over 1: {:.2}\n", one / two);
    }

    // The same stack with cache-rs in WebAssembly.
    let cache_rs = workspace.join("examples/wiki/formulas/cache-rs");
    let built =
        Command::new(FORMULA).args(["build", "--target", "wasm"]).arg(&cache_rs).output().expect("run formula build");
    assert!(built.status.success(), "formula build failed:\n{}", String::from_utf8_lossy(&built.stderr));
    let jobs: usize = value("--jobs").and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rows = Vec::new();
    let wasm_stack = cache_rs.join("stack.yaml");
    // Unmeasured: the first exploration after a build pays for looking at the build again.
    explore_with(&wasm_stack, &backend, 1, 1, false);
    for (name, scenario, share) in [
        ("bash `cache`", &stack, true),
        ("cache-rs (WebAssembly)", &wasm_stack, true),
        ("cache-rs, each run compiling its modules", &wasm_stack, false),
    ] {
        let (wall, summary) = explore_with(scenario, &backend, seeds, jobs, share);
        eprintln!("  {name}, {jobs} worker(s): {wall:.1} s, {:.2} seeds/s — {summary}", seeds as f64 / wall);
        rows.push((name, wall, summary));
    }
    println!("| wiki stack, {jobs} worker(s) | wall | seeds per second | hooks | hooks per second | failed runs |");
    println!("|---|---|---|---|---|---|");
    for (name, wall, summary) in &rows {
        let hooks = count(summary, "hooks").unwrap_or(0);
        let failed = count(summary, "failed").map_or("?".to_string(), |f| f.to_string());
        println!(
            "| {name} | {wall:.1} s | {:.2} | {hooks} | {:.0} | {failed} of {seeds} |",
            seeds as f64 / wall,
            hooks as f64 / wall
        );
    }
    println!("\ncache-rs (WebAssembly) / bash `cache`, seeds per second: {:.2}", rows[0].1 / rows[1].1);
    println!(
        "cache-rs with compiled modules shared / each run compiling (the baseline), seeds per second: {:.2}",
        rows[2].1 / rows[1].1
    );
}

/// The machine's load averages (1, 5, 15 minutes): the bench shares the machine.
fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}
