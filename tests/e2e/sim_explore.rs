//! Exploring orderings: `formula sim --explore/--seeds`, faults, `--replay`, shrinking and
//! `--check-determinism`, on the ordering-bug example (examples/orderbug/) with the host
//! backend.

use crate::support::*;
use simulator::trace::{Event, FaultKind};
use std::path::{Path, PathBuf};

fn orderbug(name: &str) -> PathBuf {
    repo().join("examples/orderbug/scenarios").join(name)
}

/// Runs `formula sim` with `args` (no trace of its own); returns (exit code, stderr). A
/// failing run keeps nothing (by default it keeps its directory, for `formula shell`).
fn formula_sim(args: &[&str]) -> (i32, String) {
    let mut command = formula();
    command.arg("sim").args(args);
    if !args.contains(&"--keep") {
        command.args(["--keep", "never"]);
    }
    let output = command.output().expect("run formula sim");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Seeds for the fixed pair: 50 by default (CI time); `FORMULA_EXAMPLE_SEEDS=1000` for the
/// full sweep.
fn seed_count() -> u64 {
    std::env::var("FORMULA_EXAMPLE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(50)
}

#[test]
fn the_buggy_pair_passes_with_seed_0() {
    let run = sim(&orderbug("buggy.yaml"), &["--backend", "host", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn explore_finds_the_bug_shrinks_it_and_the_shrunk_trace_replays_to_the_same_failure() {
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = orderbug("buggy.yaml");
    let (code, stderr) = formula_sim(&[
        path(&scenario),
        "--backend",
        "host",
        "--explore",
        "200",
        "--out",
        path(out.path()),
        "--shrink-budget",
        "40",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let seed = failing_seed(&stderr);
    assert!(stderr.contains("unit in error: consumer/0: hook failed: \"secret-relation-changed\""), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "replay: formula sim --replay {}",
            out.path().join(format!("formula-sim-seed-{seed}.trace.jsonl")).display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("stopped at the first failure"), "{stderr}");

    // The shrunk schedule: a handful of hooks up to the failure, explained per unit.
    let shrunk = out.path().join(format!("formula-sim-seed-{seed}.shrunk.trace.jsonl"));
    let info = simulator::explore::read_trace(&shrunk).expect("the shrunk trace");
    let original = simulator::explore::read_trace(&out.path().join(format!("formula-sim-seed-{seed}.trace.jsonl")))
        .expect("the original trace");
    assert!(info.failure_step() <= 12, "shrunk to {} hooks:\n{stderr}", info.failure_step());
    assert!(info.failure_step() <= original.failure_step());
    assert_eq!(simulator::explore::signature(&info), simulator::explore::signature(&original));
    assert!(
        stderr.contains("hooks per unit, in order:") && stderr.contains("secret-relation-changed(keeper/1) FAILED")
            || stderr.contains("secret-relation-changed(keeper/0) FAILED"),
        "{stderr}"
    );

    // It replays to the same failure, hook for hook.
    let (code, replayed) = formula_sim(&["--replay", path(&shrunk), path(&scenario), "--backend", "host", "-q"]);
    assert_eq!(code, 1, "{replayed}");
    assert!(replayed.contains("replay: this run followed the trace's"), "{replayed}");
    assert!(
        replayed.contains("FAILED unit in error: consumer/0: hook failed: \"secret-relation-changed\""),
        "{replayed}"
    );

    // With the fixed consumer the same schedule no longer fails, and the replay says where it
    // leaves the trace.
    let (code, fixed) =
        formula_sim(&["--replay", path(&shrunk), path(&orderbug("fixed.yaml")), "--backend", "host", "-q"]);
    assert_eq!(code, 0, "{fixed}");
    assert!(fixed.contains("replay: the run departs from the trace at step "), "{fixed}");
    assert!(fixed.contains(", this run ran "), "{fixed}");
}

/// The seed `--explore` reports as failing (`FAILED seed N: …`).
fn failing_seed(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("FAILED seed "))
        .and_then(|rest| rest.split(':').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no failing seed in:\n{stderr}"))
}

/// Explores `scenario` over the seed count, without faults and with every fault but `stale`;
/// every seed must pass.
fn passes_many_seeds_with_and_without_faults(scenario: &Path) {
    let count = seed_count().to_string();
    let out = tempfile::tempdir().expect("temp dir");
    for faults in [None, Some("leader=10,fail=10,restart=10,tick=10")] {
        let mut args =
            vec![path(scenario), "--backend", "host", "--explore", &count, "--keep-going", "--out", path(out.path())];
        if let Some(f) = faults {
            args.extend(["--faults", f]);
        }
        let (code, stderr) = formula_sim(&args);
        assert_eq!(code, 0, "faults {faults:?}:\n{stderr}");
        assert!(stderr.contains(&format!("{count} runs, 0 failed, 0 distinct failures")), "{stderr}");
        // Each run is one schedule; two seeds may run the same one.
        let distinct: usize = stderr
            .split(" distinct schedules")
            .next()
            .and_then(|head| head.rsplit(", ").next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count of distinct schedules:\n{stderr}"));
        let runs: usize = count.parse().unwrap_or_else(|_| panic!("a seed count: {count}"));
        assert!((1..=runs).contains(&distinct), "{stderr}");
    }
}

#[test]
fn the_fixed_pair_passes_many_seeds_with_and_without_faults() {
    passes_many_seeds_with_and_without_faults(&orderbug("fixed.yaml"));
}

#[test]
fn faults_are_drawn_recorded_and_follow_what_juju_allows() {
    let scenario = orderbug("fixed.yaml");
    let mut seen: Vec<FaultKind> = Vec::new();
    for seed in 0..6 {
        let seed = seed.to_string();
        let run = sim(
            &scenario,
            &["--backend", "host", "-q", "--seed", &seed, "--faults", "leader=25,fail=25,restart=25,tick=25,budget=6"],
        );
        assert_eq!(run.code, 0, "seed {seed}: {}", run.stderr);
        assert_eq!(ordering_violations(&run), Vec::<String>::new(), "seed {seed}");
        let Some(Event::Run(header)) = run.events.first() else { panic!("seed {seed}: no run event first") };
        assert_eq!(header.faults.as_deref(), Some("leader=25,fail=25,restart=25,tick=25,budget=6"));
        let hooks = run.hooks();
        for fault in run.faults() {
            if !seen.contains(&fault.fault) {
                seen.push(fault.fault);
            }
            assert!(run.faults().len() <= 6, "the budget bounds the faults");
            match fault.fault {
                // The same hook runs again on that unit (same relation, same remote unit).
                FaultKind::Fail | FaultKind::Restart => {
                    let step = fault.step;
                    let at = hooks.iter().position(|h| h.step == step).expect("the faulted hook");
                    // A failure strikes before the hook, in one of its tool calls, or after it
                    // ran (the seed draws which); the retry comes on the clock.
                    if fault.fault == FaultKind::Fail {
                        assert!(hooks[at].result.starts_with("failed (injected fault"), "{}", hooks[at].result);
                        assert!(hooks[at].result.ends_with("; retried)"), "{}", hooks[at].result);
                    } else {
                        assert_eq!(hooks[at].result, "interrupted (agent restarted before the commit; runs again)");
                    }
                    let again = hooks[at + 1..].iter().find(|h| h.unit == hooks[at].unit).expect("a hook after it");
                    assert_eq!(
                        (&again.name, &again.remote, again.relation),
                        (&hooks[at].name, &hooks[at].remote, hooks[at].relation)
                    );
                }
                // The new leader runs leader-elected; the old one runs nothing for it.
                FaultKind::Leader => {
                    let unit = fault.unit.as_deref().unwrap_or("");
                    let step = fault.step;
                    let later: Vec<_> = hooks.iter().filter(|h| h.step >= step && h.unit == unit).collect();
                    let installed = hooks
                        .iter()
                        .any(|h| h.step < step && h.unit == unit && h.name == "install" && h.result == "ok");
                    if installed && !later.is_empty() {
                        assert!(
                            later.iter().any(|h| h.name == "leader-elected"),
                            "seed {seed}: {unit} became leader at step {step}"
                        );
                    }
                }
                FaultKind::Tick => {}
                // A stale read belongs to the hook that ran at its step.
                FaultKind::Stale => {
                    assert!(
                        hooks.iter().any(|h| h.step == fault.step && Some(&h.name) == fault.hook.as_ref()),
                        "seed {seed}: {fault:?}"
                    );
                }
            }
        }
        // The trace replays exactly, faults included.
        let dir = tempfile::tempdir().expect("temp dir");
        let trace = dir.path().join("t.jsonl");
        std::fs::write(&trace, &run.trace_bytes).expect("write trace");
        let (code, stderr) = formula_sim(&["--replay", path(&trace), "--backend", "host", "-q"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("replay: this run followed the trace's"), "{stderr}");
    }
    assert!(seen.len() >= 3, "faults seen in 6 seeds: {seen:?}");
}

#[test]
fn check_determinism_runs_each_seed_twice() {
    let scenario = orderbug("fixed.yaml");
    let (code, stderr) = formula_sim(&[
        path(&scenario),
        "--backend",
        "host",
        "--seeds",
        "0..=3",
        "--faults",
        "leader=10,fail=10,restart=10,tick=10",
        "--check-determinism",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("4 seeds run twice, 0 gave different traces"), "{stderr}");
}

#[test]
fn shards_split_the_seeds() {
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = orderbug("fixed.yaml");
    let (code, stderr) = formula_sim(&[
        path(&scenario),
        "--backend",
        "host",
        "--seeds",
        "0..10",
        "--shard",
        "2/3",
        "--out",
        path(out.path()),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("exploring 3 seed(s) (0..10, shard 2/3)"), "{stderr}");
    assert!(stderr.contains("3 runs, 0 failed"), "{stderr}");
    let (code, stderr) = formula_sim(&[path(&scenario), "--seeds", "0..10", "--shard", "4/3"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`4/3` is not a shard like 1/4"), "{stderr}");
}

#[test]
fn faults_in_a_scenario_are_checked_with_their_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "formulas: {keeper: KEEPER}\napplications:\n  keeper: {formula: keeper}\nfaults:\n  leader: 5\n  lead: 5\n  fail: 200\n";
    let scenario = dir.path().join("s.yaml");
    let keeper = repo().join("examples/orderbug/formulas/keeper");
    std::fs::write(&scenario, text.replace("KEEPER", path(&keeper))).expect("write scenario");
    let (code, stderr) = formula_sim(&[path(&scenario), "--backend", "host"]);
    assert_eq!(code, 2, "{stderr}");
    let shown = path(&scenario);
    assert!(
        stderr.contains(&format!(
            "{shown}:6:3: unknown fault `lead`; faults: leader, fail, restart, tick, stale, budget"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{shown}:7:9: fault `fail` must be from 0 to 100, not 200")), "{stderr}");
    let (code, stderr) = formula_sim(&[path(&orderbug("fixed.yaml")), "--faults", "leader=x"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--faults: fault `leader` needs a whole number, not `x`"), "{stderr}");
}

/// The wiki stack's scenario with its formulas found from anywhere and the wiki named `name`.
fn wiki_stack_named(dir: &Path, name: &str) -> PathBuf {
    let formulas = repo().join("examples/wiki/formulas");
    let text = std::fs::read_to_string(repo().join("examples/wiki/scenarios/stack.yaml")).expect("read stack.yaml");
    let text = text.replace("../formulas", path(&formulas)).replace("Formula Wiki Demo", name);
    let scenario = dir.join("stack.yaml");
    std::fs::write(&scenario, text).expect("write scenario");
    scenario
}

#[test]
fn host_runs_explored_in_parallel_are_isolated_from_each_other_and_from_the_machine() {
    // Each run's formulas write /etc and /usr/local and start daemons on fixed ports: runs side
    // by side pass only when each has a machine of its own, and nothing may reach this one.
    let dir = tempfile::tempdir().expect("temp dir");
    let name = format!("Isolated Wiki {}", std::process::id());
    let scenario = wiki_stack_named(dir.path(), &name);
    let (code, stderr) = formula_sim(&[
        path(&scenario),
        "--backend",
        "host",
        "--seeds",
        "0..4",
        "--jobs",
        "2",
        "--keep-going",
        "--no-shrink",
        "--out",
        path(dir.path()),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("4 runs, 0 failed"), "{stderr}");
    let machine = std::fs::read_to_string("/etc/wiki/wiki.conf").unwrap_or_default();
    assert!(!machine.contains(&name), "a run wrote this machine's /etc/wiki/wiki.conf:\n{machine}");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read the output directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "stack.yaml")
        .collect();
    assert_eq!(left, Vec::<String>::new(), "passing runs leave no trace in --out");
}

#[test]
fn an_isolated_run_traces_the_same_bytes_as_a_plain_one() {
    // The explorer's children are isolated with `--isolate`; single runs by default.
    let scenario = orderbug("fixed.yaml");
    let args = ["--backend", "host", "-q", "--seed", "5", "--faults", "leader=20,fail=20,restart=20,tick=20"];
    let plain = sim(&scenario, &[&args[..], &["--no-isolate"]].concat());
    let isolated = sim(&scenario, &[&args[..], &["--isolate"]].concat());
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert_eq!(isolated.code, 0, "{}", isolated.stderr);
    assert!(!plain.trace_bytes.is_empty());
    assert!(plain.trace_bytes == isolated.trace_bytes, "the isolated run's trace differs");
}

#[test]
fn the_wiki_stack_checks_determinism_on_the_host() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = wiki_stack_named(dir.path(), "Formula Wiki Demo");
    let (code, stderr) = formula_sim(&[
        path(&scenario),
        "--backend",
        "host",
        "--seeds",
        "0..2",
        "--faults",
        "tick=20,fail=10",
        "--check-determinism",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 seeds run twice, 0 gave different traces"), "{stderr}");
}

/// Seeds per wiki scenario with every fault on: 6 by default (CI time);
/// `FORMULA_WIKI_SEEDS=300` for the sweep of issue 4.
fn wiki_seed_count() -> u64 {
    std::env::var("FORMULA_WIKI_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(6)
}

/// Fails without root: each unit gets a machine of its own (`--backend ns`), as the wiki
/// formulas expect (two db units on one machine would share /var/lib/db).
#[test]
fn every_wiki_scenario_passes_many_seeds_with_every_fault_on() {
    let count = wiki_seed_count().to_string();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/wiki/scenarios"))
        .expect("read the wiki scenarios")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 7, "{scenarios:?}");
    let out = tempfile::tempdir().expect("temp dir");
    for scenario in &scenarios {
        let (code, stderr) = formula_sim(&[
            path(scenario),
            "--backend",
            "ns",
            "--explore",
            &count,
            "--faults",
            "leader=5,fail=3,restart=2,tick=5",
            "--keep-going",
            "--no-shrink",
            "--out",
            path(out.path()),
        ]);
        assert_eq!(code, 0, "{}:\n{stderr}", scenario.display());
        assert!(stderr.contains(&format!("{count} runs, 0 failed")), "{}:\n{stderr}", scenario.display());
    }
}

#[test]
fn a_leader_expectation_that_a_leader_fault_broke_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = scenario_file(
        dir.path(),
        "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 3}\nsteps:\n  - settle\n  - elect: server/2\n  - settle\n  - expect: {leader: {server: server/2}}\n",
    );
    let (code, stderr) = formula_sim(&[path(&scenario), "--backend", "host", "--seed", "0", "--keep", "never"]);
    assert_eq!(code, 0, "without leader faults the elected unit leads:\n{stderr}");
    let moved = (0..10).map(|seed| {
        let seed = seed.to_string();
        formula_sim(&[
            path(&scenario),
            "--backend",
            "host",
            "--seed",
            &seed,
            "--keep",
            "never",
            "--faults",
            "leader=100,budget=100",
        ])
    });
    let (_, stderr) =
        moved.into_iter().find(|(code, _)| *code == 1).expect("a seed whose leader fault moves the leadership");
    assert!(
        stderr.contains("leader of server: expected server/2, found server/")
            && stderr.contains("(leader faults are on, and Juju keeps no unit the leader: see \"Leadership under faults\" in docs/scenario.md)"),
        "{stderr}"
    );
}

fn halfjoin(name: &str) -> PathBuf {
    repo().join("examples/halfjoin/scenarios").join(name)
}

/// examples/halfjoin: a gateway whose relation-changed trusts that its relation-joined ran
/// just before it. Juju promises that only within one relation (ChangedPending, spec §6.2);
/// the explorer finds the schedule where the other relation's joined runs in between, and
/// the fixed gateway passes every seed, faults and all.
#[test]
fn explore_finds_a_bug_that_needs_another_relations_hook_between_joined_and_changed() {
    let out = tempfile::tempdir().expect("temp dir");
    let scenario = halfjoin("buggy.yaml");
    let (code, stderr) =
        formula_sim(&[path(&scenario), "--backend", "host", "--explore", "100", "--out", path(out.path())]);
    assert_eq!(code, 1, "{stderr}");
    let seed = failing_seed(&stderr);
    let shrunk = out.path().join(format!("formula-sim-seed-{seed}.shrunk.trace.jsonl"));
    let run = sim(&scenario, &["--replay", path(&shrunk), "--backend", "host", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let hooks = run.unit_hooks("gateway/0");
    let failed = hooks.iter().position(|h| h.result.starts_with("failed")).expect("a failed hook on gateway/0");
    let changed = &hooks[failed];
    assert!(changed.name.ends_with("-relation-changed"), "{hooks:?}");
    let joined = hooks[..failed]
        .iter()
        .rposition(|h| h.relation == changed.relation && h.name.ends_with("-relation-joined"))
        .expect("its joined");
    assert!(
        hooks[joined + 1..failed].iter().any(|h| h.relation.is_some() && h.relation != changed.relation),
        "another relation's hook ran between {} and {}: {hooks:?}",
        hooks[joined].name,
        changed.name
    );
    // Juju allows that order: the oracle of the guarantees finds nothing wrong with it.
    assert_eq!(ordering_violations(&run), Vec::<String>::new());
}

#[test]
fn the_fixed_gateway_passes_the_orders_that_break_the_buggy_one() {
    passes_many_seeds_with_and_without_faults(&halfjoin("fixed.yaml"));
}

/// tests/scenarios/stale-cache*.yaml: the reader checks, in one writer's changed, the other
/// writer's generation against the remote writer's news of it (spec §4.3, the `stale` fault).
#[test]
fn the_stale_fault_catches_a_hook_that_trusts_another_member_to_be_fresh() {
    let scenarios = repo().join("tests/scenarios");
    let (buggy, fixed) = (scenarios.join("stale-cache.yaml"), scenarios.join("stale-cache-fixed.yaml"));
    // Reading the latest commit, the trust holds: no seed fails without the fault.
    let (code, stderr) = formula_sim(&[path(&buggy), "--backend", "host", "--explore", "20", "--keep-going"]);
    assert_eq!(code, 0, "{stderr}");
    // Juju's cache breaks it: exploring with the fault finds a seed whose run fails.
    let out = tempfile::tempdir().expect("temp dir");
    let (code, stderr) = formula_sim(&[
        path(&buggy),
        "--backend",
        "host",
        "--explore",
        "40",
        "--faults",
        "stale=50",
        "--out",
        path(out.path()),
        "--shrink-budget",
        "0",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unit in error: reader/0: hook failed: \"source-relation-changed\""), "{stderr}");
    let seed = failing_seed(&stderr);
    let trace = out.path().join(format!("formula-sim-seed-{seed}.trace.jsonl"));
    let text = std::fs::read_to_string(&trace).expect("the trace");
    let stale_reader_hooks: Vec<String> = simulator::trace::read(&text)
        .expect("a trace")
        .into_iter()
        .filter_map(|e| match e {
            Event::Fault(f) if f.fault == FaultKind::Stale => Some(format!("{:?} {:?}", f.unit, f.hook)),
            _ => None,
        })
        .collect();
    assert!(stale_reader_hooks.iter().any(|h| h.contains("reader/0")), "{stale_reader_hooks:?}");
    // It replays to the same failure.
    let (code, replayed) = formula_sim(&["--replay", path(&trace), path(&buggy), "--backend", "host", "-q"]);
    assert_eq!(code, 1, "{replayed}");
    // The fixed reader waits for the member's own changed, which reads it fresh.
    let (code, stderr) = formula_sim(&[
        path(&fixed),
        "--backend",
        "host",
        "--explore",
        "40",
        "--keep-going",
        "--faults",
        "stale=50,leader=10,fail=10,restart=10,tick=10",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

/// A scenario of one unit of `steady`, whose few schedules differ only in its peer
/// relation's stale snapshots.
fn one_steady_unit(dir: &Path) -> PathBuf {
    let steady = repo().join("tests/formulas/steady");
    let text = format!(
        "formulas: {{steady: {}}}\napplications:\n  solo: {{formula: steady, units: 1}}\nsteps:\n  - settle\n",
        path(&steady)
    );
    let scenario = dir.join("one.yaml");
    std::fs::write(&scenario, text).expect("write scenario");
    scenario
}

#[test]
fn explore_runs_no_schedule_twice_and_stops_when_every_schedule_has_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = one_steady_unit(dir.path());
    let explore = |extra: &[&str]| {
        let mut args = vec![path(&scenario), "--backend", "host", "--jobs", "1", "--out", path(dir.path())];
        args.extend_from_slice(extra);
        let (code, stderr) = formula_sim(&args);
        assert_eq!(code, 0, "{stderr}");
        stderr
    };
    // Seeds alone meet the same schedules again: five seeds, two schedules.
    let alone = explore(&["--explore", "5", "--allow-repeats"]);
    assert!(alone.contains("5 runs, 0 failed, 0 distinct failures, 2 distinct schedules"), "{alone}");
    // Each seed keeping out of what the seeds before it ran: three seeds, three schedules; five
    // are all there are.
    let avoiding = explore(&["--explore", "3"]);
    assert!(avoiding.contains("3 runs, 0 failed, 0 distinct failures, 3 distinct schedules"), "{avoiding}");
    assert!(!avoiding.contains("exhausted"), "{avoiding}");
    let all = explore(&["--explore", "40"]);
    assert!(all.contains("5 runs, 0 failed, 0 distinct failures, 5 distinct schedules"), "{all}");
    assert!(all.contains("every schedule of the scenario has run: the space is exhausted"), "{all}");
}

#[test]
fn a_seed_that_kept_out_of_earlier_schedules_replays_from_its_trace() {
    // `steady`'s peer relation makes seed 1 run seed 0's schedule; kept out of it, seed 1 runs
    // another, which its trace (marked `avoiding`) replays hook for hook.
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = one_steady_unit(dir.path());
    let failing = dir.path().join("fails.yaml");
    let text = std::fs::read_to_string(&scenario).expect("read") + "  - expect:\n      status: {solo/0: blocked}\n";
    std::fs::write(&failing, text).expect("write");
    let (code, stderr) = formula_sim(&[
        path(&failing),
        "--backend",
        "host",
        "--explore",
        "3",
        "--jobs",
        "1",
        "--keep-going",
        "--no-shrink",
        "--out",
        path(dir.path()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("3 runs, 3 failed, 1 distinct failures, 3 distinct schedules"), "{stderr}");
    let trace = dir.path().join("formula-sim-seed-2.trace.jsonl");
    let text = std::fs::read_to_string(&trace).expect("the failing seed's trace is kept");
    assert!(text.lines().next().is_some_and(|l| l.contains("\"avoiding\":true")), "{text}");
    let (code, stderr) = formula_sim(&["--replay", path(&trace), path(&failing), "--backend", "host", "-q"]);
    assert_eq!(code, 1, "the replay fails as the run did: {stderr}");
    assert!(stderr.contains("replay: this run followed the trace's"), "{stderr}");
}
