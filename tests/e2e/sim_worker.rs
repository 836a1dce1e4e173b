//! The explorer's workers (`formula sim-worker`): a long-lived process that runs one
//! `formula sim` command line after another must run each as a process of its own would,
//! byte for byte, keep nothing of one run for the next, and answer for runs that fail.
//! The ns backend's worker test is in `sim_ns` (it needs root and judges the whole machine).

use crate::support::*;
use std::path::Path;

fn orderbug(name: &str) -> std::path::PathBuf {
    repo().join("examples/orderbug/scenarios").join(name)
}

/// The arguments of an explorer's host run of `scenario` with `seed`, tracing to `trace`.
fn host_run_args<'a>(scenario: &'a str, trace: &'a str, seed: &'a str) -> Vec<&'a str> {
    let faults = "leader=20,fail=20,restart=20,tick=20";
    vec![
        scenario,
        "-q",
        "--keep",
        "never",
        "--backend",
        "host",
        "--isolate",
        "--faults",
        faults,
        "--trace",
        trace,
        "--seed",
        seed,
    ]
}

#[test]
fn a_worker_runs_seed_after_seed_as_processes_of_their_own_would() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = orderbug("fixed.yaml");
    let scenario = scenario.to_str().expect("utf-8 path");
    let mut worker = SimWorker::start();
    let mut descriptors = Vec::new();
    for seed in ["3", "4", "5", "3"] {
        let trace = dir.path().join(format!("worker-{seed}.jsonl"));
        let answer = worker.run(&host_run_args(scenario, trace.to_str().expect("utf-8 path"), seed));
        assert_eq!(answer["code"], 0, "{answer}");
        assert_eq!(
            answer["last_line"],
            format!("ok: {} hooks, every expectation held (seed {seed})", hooks_in(&trace))
        );
        descriptors.push(answer["open_fds"].clone());
        // The same seed in a process of its own: the same bytes.
        let fresh = dir.path().join(format!("fresh-{seed}.jsonl"));
        let args = host_run_args(scenario, fresh.to_str().expect("utf-8 path"), seed);
        let output = formula().arg("sim").args(&args).output().expect("run formula sim");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            std::fs::read(&trace).expect("worker trace") == std::fs::read(&fresh).expect("fresh trace"),
            "seed {seed}: the worker's trace differs from a process's of its own"
        );
    }
    assert!(descriptors.windows(2).all(|w| w[0] == w[1]), "the worker's descriptors grew: {descriptors:?}");
    // A run that cannot start says why, and the worker goes on.
    let answer = worker.run(&["/nonexistent/scenario.yaml", "-q", "--backend", "host", "--isolate"]);
    assert_eq!(answer["code"], 2, "{answer}");
    let said = answer["last_line"].as_str().unwrap_or_default();
    assert!(said.contains("/nonexistent/scenario.yaml") && said.contains("cannot read the scenario"), "{answer}");
    let answer = worker.run(&[scenario, "--no-such-flag"]);
    assert_eq!(answer["code"], 2, "{answer}");
    assert!(answer["last_line"].as_str().unwrap_or_default().contains("--no-such-flag"), "{answer}");
    let trace = dir.path().join("after.jsonl");
    let answer = worker.run(&host_run_args(scenario, trace.to_str().expect("utf-8 path"), "6"));
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(worker.finish(), 0);
}

/// The hooks a trace holds.
fn hooks_in(trace: &Path) -> usize {
    let text = std::fs::read_to_string(trace).expect("read trace");
    simulator::trace::read(&text)
        .expect("parse trace")
        .iter()
        .filter(|e| matches!(e, simulator::trace::Event::Hook(_)))
        .count()
}

#[test]
fn a_worker_killed_mid_run_fails_that_run_and_the_next_runs_get_a_new_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let formula_dir = dir.path().join("sleeper");
    std::fs::create_dir_all(formula_dir.join("hooks")).expect("mkdir");
    std::fs::write(
        formula_dir.join("metadata.yaml"),
        "name: sleeper\nsummary: sleeps\ndescription: sleeps in install\n",
    )
    .expect("write metadata");
    let hook = formula_dir.join("hooks/install");
    std::fs::write(&hook, "#!/bin/sh\nexec sleep 600\n").expect("write hook");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let scenario = dir.path().join("scenario.yaml");
    std::fs::write(
        &scenario,
        "formulas: {sleeper: sleeper}\napplications:\n  sleeper: {formula: sleeper}\nsteps:\n  - settle\n",
    )
    .expect("write scenario");
    let out = dir.path().join("out");
    // The runs' directories go here, where this test alone looks.
    let runs = dir.path().join("runs");
    std::fs::create_dir_all(&runs).expect("mkdir");
    let explorer = formula()
        .env("TMPDIR", &runs)
        .arg("sim")
        .arg(&scenario)
        .args([
            "--backend",
            "host",
            "--seeds",
            "0..2",
            "--jobs",
            "1",
            "--keep-going",
            "--no-shrink",
            "--hook-timeout",
            "1",
        ])
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run formula sim");
    // The first run's hook sleeps; its worker is killed under it.
    let worker = wait_for(|| children(explorer.id()).into_iter().find(|&pid| cmdline(pid).contains("sim-worker")));
    wait_for(|| descendants(worker).into_iter().find(|&pid| cmdline(pid).starts_with("sleep")));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(worker as i32), nix::sys::signal::Signal::SIGKILL)
        .expect("kill the worker");
    let output = explorer.wait_with_output().expect("wait for formula sim");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("FAILED seed 0: the run did not finish (signal: 9 (SIGKILL))"), "{stderr}");
    // The second seed ran in a new worker, to its own end: its hook timed out, each retry.
    assert!(stderr.contains("FAILED seed 1: unit in error: sleeper/0: hook failed: \"install\""), "{stderr}");
    assert!(stderr.contains("2 runs, 2 failed"), "{stderr}");
    let left = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&runs)
            .expect("read the runs' directory")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("formula-sim-") && !name.starts_with("formula-sim-last"))
            .collect();
        names.sort();
        names
    };
    // The killed run could not remove its directory; `--clean` does, as its owner is dead, and
    // leaves a run kept on purpose.
    let killed = left();
    assert_eq!(killed.len(), 1, "{killed:?}");
    let kept = formula()
        .env("TMPDIR", &runs)
        .arg("sim")
        .arg(repo().join("examples/orderbug/scenarios/fixed.yaml"))
        .args(["--backend", "host", "--keep", "always"])
        .output()
        .expect("run formula sim");
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    let clean = formula().env("TMPDIR", &runs).args(["sim", "--clean", "--backend", "host"]).output().expect("clean");
    let said = String::from_utf8_lossy(&clean.stderr);
    assert!(clean.status.success(), "{said}");
    let removed = format!("removed {} (its run was killed)", runs.join(&killed[0]).display());
    assert!(said.contains(&removed), "{said}");
    let after = left();
    assert_eq!(after.len(), 1, "{after:?}\n{said}");
    assert_ne!(after, killed);
    assert!(runs.join(&after[0]).join("run.json").is_file(), "{after:?}");
}

/// Polls `find` until it finds something (at most 60 s).
fn wait_for(find: impl Fn() -> Option<u32>) -> u32 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(found) = find() {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "not found in 60 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The children of every thread of `pid`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    let lists = tasks.flatten().map(|t| std::fs::read_to_string(t.path().join("children")).unwrap_or_default());
    lists.flat_map(|l| l.split_whitespace().filter_map(|p| p.parse().ok()).collect::<Vec<u32>>()).collect()
}

fn descendants(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut next = children(pid);
    while let Some(p) = next.pop() {
        next.extend(children(p));
        all.push(p);
    }
    all
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

#[test]
fn workers_told_only_the_new_schedules_steer_seeds_as_workers_told_them_all() {
    // Each worker keeps its own tree of the schedules run and is told only what it has not
    // had; a worker per seed (`FORMULA_SIM_RUNS_PER_WORKER=1`) is told every schedule each
    // time. The seeds must go the same ways.
    let scenario = orderbug("fixed.yaml");
    let explore = |runs_per_worker: &str| {
        let output = formula()
            .env("FORMULA_SIM_RUNS_PER_WORKER", runs_per_worker)
            .arg("sim")
            .arg(&scenario)
            .args(["--backend", "host", "--explore", "60", "--keep-going", "--jobs", "2"])
            .output()
            .expect("run formula sim");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        let summary = stderr.lines().rfind(|l| l.contains(" runs, ")).unwrap_or_default().to_string();
        summary.split(" hooks, ").next().unwrap_or_default().to_string()
    };
    let kept = explore("");
    assert!(kept.starts_with("60 runs, 0 failed, 0 distinct failures, 60 distinct schedules"), "{kept}");
    assert_eq!(kept, explore("1"));
}
