//! Seeds per second of `formula sim --explore` on the wiki stack, with 1 worker and with 2.
//!
//! ```sh
//! cargo bench -p formula-cli --bench explore_bench                 # 20 seeds, host backend
//! cargo bench -p formula-cli --bench explore_bench -- --seeds 40 --backend ns
//! ```
//!
//! Each figure is one `formula sim examples/wiki/scenarios/stack.yaml --seeds 0..N
//! --keep-going --no-shrink --jobs J` of the release binary cargo builds for the bench, timed
//! from outside; the speed-up is the 1-worker wall time over the 2-worker one, measured in the
//! same run. On the host backend each run is isolated (namespaces of its own: private system
//! directories and loopback), as the explorer does it. Failures are counted and printed (a run
//! that fails is timed all the same).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const FORMULA: &str = env!("CARGO_BIN_EXE_formula");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let seeds: u64 = value("--seeds").and_then(|s| s.parse().ok()).unwrap_or(20);
    let backend = value("--backend").unwrap_or_else(|| "host".into());
    wiki_stack_seeds_per_second(seeds, &backend);
}

/// One explore of the wiki stack per worker count, its wall time and seeds per second, and
/// the speed-up of 2 workers over 1.
fn wiki_stack_seeds_per_second(seeds: u64, backend: &str) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let stack = workspace.join("examples/wiki/scenarios/stack.yaml");
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    eprintln!("explore_bench: {seeds} seeds of the wiki stack, {backend} backend, {cores} cores, load {}", load());
    let mut results = Vec::new();
    for jobs in [1usize, 2] {
        let out = tempfile::tempdir().expect("a temporary directory");
        let start = Instant::now();
        let output = Command::new(FORMULA)
            .arg("sim")
            .arg(&stack)
            .args(["--backend", backend, "--seeds", &format!("0..{seeds}"), "--keep-going", "--no-shrink"])
            .args(["--jobs", &jobs.to_string(), "--out"])
            .arg(out.path())
            .output()
            .expect("run formula sim");
        let wall = start.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let summary = stderr.lines().find(|l| l.contains(" runs, ") && l.contains(" failed, ")).unwrap_or("no summary");
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
    println!("\nspeed-up with 2 workers over 1: {:.2}", one / two);
}

/// The machine's load averages (1, 5, 15 minutes): the bench shares the machine.
fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}
