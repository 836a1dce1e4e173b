//! The example stack (examples/): every scenario passes with seed 0 and under many other
//! seeds, runs twice to the same trace, and its hook log at seed 0 is a reviewed snapshot.
//! Units run in containers (`--backend ns`), as the example formulas write /etc and start
//! daemons; CI runs as root.

use crate::support::*;
use std::path::PathBuf;

fn scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples/wiki/scenarios", "examples/ensemble/scenarios"] {
        let mut found: Vec<PathBuf> =
            std::fs::read_dir(repo().join(dir)).expect("scenario dir").flatten().map(|e| e.path()).collect();
        found.sort();
        out.extend(found.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")));
    }
    out
}

fn backend_args() -> Vec<&'static str> {
    vec!["--backend", "ns"]
}

/// The hook log as people read it: step, unit, hook, remote, result (no addresses or values).
pub(crate) fn hook_lines(run: &SimRun) -> String {
    run.hooks()
        .iter()
        .map(|h| {
            format!(
                "[{:>3}] {:<9} {:<30} {:<10} {}",
                h.step,
                h.unit,
                h.name,
                h.remote.clone().unwrap_or_default(),
                h.result
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_example_scenario_passes_with_seed_0() {
    assert!(nix_is_root(), "the example tests run units in namespaces and need root (CI runs as root)");
    let mut failures = Vec::new();
    for scenario in scenarios() {
        let mut args = backend_args();
        args.push("-q");
        let run = sim(&scenario, &args);
        if run.code != 0 {
            failures.push(format!("{}:\n{}", scenario.display(), run.stderr));
        }
        let problems = ordering_violations(&run);
        if !problems.is_empty() {
            failures.push(format!("{}: {}", scenario.display(), problems.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_stack_is_deterministic_and_its_hook_log_is_a_snapshot() {
    let stack = repo().join("examples/wiki/scenarios/stack.yaml");
    let mut args = backend_args();
    args.push("-q");
    let a = sim(&stack, &args);
    let b = sim(&stack, &args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.trace_bytes, b.trace_bytes, "same scenario and seed must give the same trace");
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("stack_seed_0_hooks", hook_lines(&a));
    });
}

/// Seeds to explore per scenario: 10 by default (CI time); `FORMULA_EXAMPLE_SEEDS=100` for the
/// full sweep (BENCHMARKS.md and the issue notes say when it last ran).
fn seed_count() -> u64 {
    std::env::var("FORMULA_EXAMPLE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10)
}

#[test]
fn every_example_scenario_passes_under_many_seeds() {
    assert!(nix_is_root(), "the example tests run units in namespaces and need root (CI runs as root)");
    let count = seed_count();
    let jobs: Vec<(PathBuf, u64)> =
        scenarios().into_iter().flat_map(|s| (1..=count).map(move |seed| (s.clone(), seed))).collect();
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some((scenario, seed)) = jobs.get(index) else { break };
                let seed_text = seed.to_string();
                let mut args = backend_args();
                args.extend(["-q", "--seed", &seed_text]);
                let run = sim(scenario, &args);
                let mut problems = ordering_violations(&run);
                if run.code != 0 {
                    problems.push(
                        run.stderr
                            .lines()
                            .filter(|l| l.starts_with("FAILED") || l.starts_with("error"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                }
                if !problems.is_empty() {
                    if let Ok(mut f) = failures.lock() {
                        f.push(format!("{} --seed {seed}:\n{}", scenario.display(), problems.join("\n")));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_default();
    assert!(failures.is_empty(), "{} runs failed:\n{}", failures.len(), failures.join("\n\n"));
}

pub(crate) fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}
