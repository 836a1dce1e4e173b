//! Schedules per second of `formula sim --exhaustive`, against seeds per second of
//! `formula sim --explore` on the same scenario in the same run (the baseline: a schedule of
//! the search is a run as a seed is, plus its sleep set and the reading of its trace), with
//! the counts that say how far the search got.
//!
//! ```sh
//! cargo bench -p formula-cli --bench exhaustive_bench                   # the small examples
//! cargo bench -p formula-cli --bench exhaustive_bench -- --wiki 600     # and the wiki stack for 10 minutes
//! ```
//!
//! Each figure is one `formula sim SCENARIO --backend host --exhaustive --no-shrink` of the
//! release binary cargo builds for the bench (bounded by `--max-schedules`, and for the wiki
//! stack by `--max-time`), timed from outside, then `--explore N --keep-going --no-shrink`
//! with N the schedules it ran (at most 100).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const FORMULA: &str = env!("CARGO_BIN_EXE_formula");

/// One `formula sim` of `scenario` with `args`: its wall time and its summary line.
fn sim(scenario: &Path, args: &[&str]) -> (f64, String) {
    let out = tempfile::tempdir().expect("a temporary directory");
    let start = Instant::now();
    let output = Command::new(FORMULA)
        .arg("sim")
        .arg(scenario)
        .args(["--backend", "host", "--no-shrink", "--out"])
        .arg(out.path())
        .args(args)
        .output()
        .expect("run formula sim");
    let wall = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stderr.lines().rfind(|l| l.contains(" schedules (") || l.contains(" runs, ")).unwrap_or("no summary");
    (wall, summary.to_string())
}

/// The number before `what` in a summary line.
fn count(summary: &str, what: &str) -> Option<u64> {
    let words: Vec<&str> = summary.split([' ', ',', '(']).filter(|w| !w.is_empty()).collect();
    words.windows(2).find(|w| w[1] == what).and_then(|w| w[0].parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut cases: Vec<(&str, Vec<String>)> = vec![
        ("halfjoin/scenarios/fixed.yaml", vec![]),
        ("latejoin/scenarios/trio.yaml", vec![]),
        ("latejoin/scenarios/trio-fixed.yaml", vec![]),
        ("latejoin/scenarios/buggy.yaml", vec![]),
        ("latejoin/scenarios/fixed.yaml", vec![]),
        ("orderbug/scenarios/fixed.yaml", vec!["--max-schedules".into(), "2000".into()]),
    ];
    if let Some(seconds) = value("--wiki") {
        cases.push((
            "wiki/scenarios/stack.yaml",
            vec!["--max-time".into(), seconds, "--max-schedules".into(), "1000000".into()],
        ));
    }
    eprintln!("exhaustive_bench: host backend, load {}", load());
    println!(
        "| scenario | schedules | classes | cut short | wall | schedules/s | seeds/s (baseline) | ratio | outcome |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (scenario, extra) in &cases {
        let path = examples.join(scenario);
        let mut search_args = vec!["--exhaustive"];
        search_args.extend(extra.iter().map(String::as_str));
        let (wall, summary) = sim(&path, &search_args);
        eprintln!("  {scenario}: {wall:.1} s — {summary}");
        let schedules = count(&summary, "schedules").unwrap_or(0);
        let classes = count(&summary, "distinct").unwrap_or(0);
        let cut = count(&summary, "cut").unwrap_or(0);
        let outcome = summary.rsplit("; ").next().unwrap_or("").to_string();
        let seeds = schedules.clamp(1, 100);
        let (seed_wall, seed_summary) = sim(&path, &["--explore", &seeds.to_string(), "--keep-going"]);
        eprintln!("  {scenario}, {seeds} seeds: {seed_wall:.1} s — {seed_summary}");
        let per_schedule = schedules as f64 / wall;
        let per_seed = seeds as f64 / seed_wall;
        println!(
            "| `{scenario}` | {schedules} | {classes} | {cut} | {wall:.1} s | {per_schedule:.1} | {per_seed:.1} | {:.2} | {outcome} |",
            per_schedule / per_seed
        );
    }
    eprintln!("load after: {}", load());
}

/// The machine's load averages (1, 5, 15 minutes): the bench shares the machine.
fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}
