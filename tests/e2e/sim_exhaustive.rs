//! `formula sim --exhaustive`: every schedule of a small scenario, up to commuting hooks, on
//! the examples examples/latejoin/ (a bug that seeds 0..20 miss) and examples/halfjoin/,
//! with the host backend; and that no class of schedules seeds reach is left out, on those
//! and on small scenarios of tests/scenarios.

use crate::support::*;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// Runs `formula sim SCENARIO ARGS… --backend host` from `dir`; returns (exit code, stderr).
fn formula_sim(scenario: &std::path::Path, args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let output = formula()
        .arg("sim")
        .arg(scenario)
        .args(["--backend", "host"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run formula sim");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The summary line's `N schedules (M distinct …` numbers.
fn schedules(stderr: &str) -> (u64, u64) {
    let line = stderr.lines().rfind(|l| l.contains(" schedules (")).unwrap_or_else(|| panic!("no summary:\n{stderr}"));
    let mut words = line.split_whitespace();
    let runs = words.next().and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("{line}"));
    let classes = line
        .split_once('(')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    (runs, classes)
}

#[test]
fn exhaustive_finds_the_order_that_seeds_0_to_20_miss_and_it_replays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = example("latejoin/scenarios/trio.yaml");
    // Seeds as `--seed` alone draws them (not kept out of each other's schedules).
    let (code, stderr) = formula_sim(&scenario, &["--seeds", "0..21", "--keep-going", "--allow-repeats"], dir.path());
    assert_eq!(code, 0, "seeds 0..20 pass:\n{stderr}");
    assert!(stderr.contains("21 runs, 0 failed"), "{stderr}");

    let (code, stderr) = formula_sim(&scenario, &["--exhaustive", "--max-schedules", "2000"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("failed: status of catalog/0"), "{stderr}");
    let number = stderr
        .lines()
        .find_map(|l| l.strip_prefix("FAILED schedule "))
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no failed schedule:\n{stderr}"));
    // The failing order, shrunk and replayed: the database's leader named the database
    // before the catalog's db-relation-created ran.
    let shrunk = dir.path().join(format!("formula-sim-schedule-{number}.shrunk.trace.jsonl"));
    let run = sim(&scenario, &["--replay", shrunk.to_str().expect("utf-8"), "--backend", "host", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let named = run.hooks().iter().position(|h| h.unit == "db/0" && h.name == "store-relation-joined");
    let created = run.hooks().iter().position(|h| h.unit == "catalog/0" && h.name == "db-relation-created");
    assert!(named.is_some() && named < created, "{:?}", run.hooks());
}

#[test]
fn exhaustive_runs_every_schedule_of_the_fixed_gateway_once_and_each_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = example("halfjoin/scenarios/fixed.yaml");
    let (code, stderr) = formula_sim(&scenario, &["--exhaustive"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 failed") && stderr.contains("the space is exhausted"), "{stderr}");
    let (runs, classes) = schedules(&stderr);
    // Two classes: the gateway hears from the cache or from the database first (both of its
    // relation-changed hooks write its files); every other order of the three units' hooks
    // commutes with these. Partial-order reduction keeps the runs to a few per class.
    assert!(classes == 2 && runs <= 20 * classes, "{runs} runs, {classes} classes");
    // The same search twice: the same schedules, in the same order.
    let (_, again) = formula_sim(&scenario, &["--exhaustive"], dir.path());
    assert_eq!(schedules(&again), (runs, classes));
}

#[test]
fn exhaustive_finds_the_half_joined_gateway_within_its_first_schedules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = example("halfjoin/scenarios/buggy.yaml");
    let (code, stderr) = formula_sim(&scenario, &["--exhaustive", "--no-shrink"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("hook failed: \"db-relation-changed\""), "{stderr}");
    assert!(stderr.contains("stopped at the first failure"), "{stderr}");
}

#[test]
fn max_schedules_stops_the_search_and_says_what_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = example("halfjoin/scenarios/fixed.yaml");
    let (code, stderr) = formula_sim(&scenario, &["--exhaustive", "--max-schedules", "5"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(schedules(&stderr).0, 5, "{stderr}");
    assert!(stderr.contains("stopped at --max-schedules with"), "{stderr}");

    // A time bound: none left at once, so nothing runs and all of it is left.
    let (code, stderr) = formula_sim(&scenario, &["--exhaustive", "--max-time", "0"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(schedules(&stderr).0, 0, "{stderr}");
    assert!(stderr.contains("stopped at --max-time with 1 schedules to go"), "{stderr}");
}

/// On a terminal the search says how far it got after each batch of runs, on one line that
/// it rewrites (and clears to its end, since "to go" can shrink): runs, those cut short as
/// repeats, the frontier left, failures. Run under `script`, which gives it a terminal.
#[test]
fn exhaustive_keeps_a_progress_line_on_a_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = example("latejoin/scenarios/trio-fixed.yaml");
    let command = format!(
        "{} sim {} --backend host --exhaustive --jobs 1",
        env!("CARGO_BIN_EXE_formula"),
        scenario.to_str().expect("utf-8")
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("run script (util-linux)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.split('\r').filter(|l| l.contains(" schedules run (")).collect();
    // One rewrite per run with one job; the last says nothing is left.
    assert!(lines.len() >= 10, "{text}");
    assert!(lines.iter().all(|l| l.contains("cut short as repeats), ") && l.contains("\x1b[K")), "{text}");
    let last = lines.last().copied().unwrap_or_default();
    let (runs, _) = schedules(&text);
    assert!(last.starts_with(&format!("{runs} schedules run (")), "{last:?} against {runs} runs");
    assert!(last.contains(", 0 to go, 0 failed"), "{last:?}");
    // The runs cut short, as the summary counts them.
    let summary = text.lines().rfind(|l| l.contains(" schedules (")).unwrap_or_default();
    let cut = summary.split(", ").find_map(|part| part.strip_suffix(" cut short as repeats)")).unwrap_or("?");
    assert!(last.contains(&format!("({cut} cut short as repeats)")), "{last:?} against {summary:?}");
}

/// With `--faults`, where a fault strikes is part of the space: an install that cannot run
/// twice fails once a fault kills it after its `mkdir` (its retries then fail too), and the
/// install that can passes every schedule, each fault place tried.
#[test]
fn exhaustive_with_faults_finds_an_install_that_cannot_run_twice_and_proves_the_fixed_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = |name: &str| {
        let text = format!(
            "formulas: {{m: FORMULAS/{name}}}\napplications:\n  m: {{formula: m}}\nsteps:\n  - settle\n  - expect: {{status: {{m/0: active}}}}\n"
        );
        let home = dir.path().join(name);
        std::fs::create_dir_all(&home).expect("scenario dir");
        scenario_file(&home, &text)
    };
    let buggy = scenario("mkdir-once");
    let (code, stderr) = formula_sim(&buggy, &["--exhaustive", "--no-shrink"], dir.path());
    assert_eq!(code, 0, "without faults, the one schedule passes: {stderr}");
    assert!(stderr.contains("1 schedules (1 distinct"), "{stderr}");
    let (code, stderr) = formula_sim(&buggy, &["--exhaustive", "--no-shrink", "--faults", "fail=10"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unit in error: m/0: hook failed: \"install\" (retried 10 times)"), "{stderr}");

    let fixed = scenario("mkdir-once-fixed");
    let (code, stderr) = formula_sim(&fixed, &["--exhaustive", "--faults", "fail=10"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 failed") && stderr.contains("the space is exhausted"), "{stderr}");
    // A fault in each of the hooks' tool calls and after each hook, at least.
    assert!(schedules(&stderr).0 >= 10, "{stderr}");
}

/// The events of a run's trace.
fn trace_events(trace: &std::path::Path) -> Vec<simulator::trace::Event> {
    let text = std::fs::read_to_string(trace).unwrap_or_else(|e| panic!("{}: {e}", trace.display()));
    simulator::trace::read(&text).unwrap_or_else(|e| panic!("{}:{}: {}", trace.display(), e.line, e.message))
}

/// The class of a run's schedule (its hooks in Foata normal form), as the search names it.
fn class(events: &[simulator::trace::Event]) -> String {
    let steps = simulator::exhaustive::footprint::steps(events);
    simulator::exhaustive::footprint::class(&steps, &simulator::exhaustive::footprint::happens_before(&steps))
}

/// The reduction leaves no schedule out: the class of every schedule that random seeds run
/// (picking a unit and its hook in one draw, as the search's runs do, on fresh snapshots, as
/// the search does without `--max-stale`) is among the classes the search ran to the end;
/// and the seeds did explore, reaching at least `least` classes. `FORMULA_TEST_CLASS_SEEDS`
/// sets how many seeds (40).
fn every_class_that_seeds_reach_was_searched(name: &str, least: usize) {
    every_class_that_seeds_reach_was_searched_with(name, &[], least);
}

/// The same, with `extra` arguments (`--faults`) given to the search and to each seed.
fn every_class_that_seeds_reach_was_searched_with(name: &str, extra: &[&str], least: usize) {
    let seeds: u64 = std::env::var("FORMULA_TEST_CLASS_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = repo().join(name);
    let classes_file = dir.path().join("classes.txt");
    let classes_arg = classes_file.to_str().expect("utf-8");
    let seen_file = dir.path().join("observations.txt");
    let seen_arg = seen_file.to_str().expect("utf-8");
    let search =
        [&["--exhaustive", "--classes-file", classes_arg, "--observations-file", seen_arg][..], extra].concat();
    let (code, stderr) = formula_sim(&scenario, &search, dir.path());
    assert_eq!(code, 0, "{name}: {stderr}");
    assert!(stderr.contains("the space is exhausted"), "{name}: {stderr}");
    let text = std::fs::read_to_string(&classes_file).expect("the classes file");
    let searched: std::collections::BTreeSet<&str> = text.lines().collect();
    let seen_text = std::fs::read_to_string(&seen_file).expect("the observations file");
    let seen_in_search: std::collections::BTreeSet<&str> = seen_text.lines().collect();

    let mut reached = std::collections::BTreeSet::new();
    for seed in 0..seeds {
        let trace = dir.path().join(format!("seed-{seed}.trace.jsonl"));
        let seed = seed.to_string();
        let trace_arg = trace.to_str().expect("utf-8");
        let args =
            ["--joint-picks", "--stale-percent", "0", "--seed", &seed, "-q", "--keep", "never", "--trace", trace_arg];
        let (code, stderr) = formula_sim(&scenario, &[&args[..], extra].concat(), dir.path());
        assert_eq!(code, 0, "{name} seed {seed}: {stderr}");
        let events = trace_events(&trace);
        let class = class(&events);
        assert!(searched.contains(class.as_str()), "{name}: seed {seed} ran a class the search did not:\n{class}");
        // The reading of what commutes, checked against the hooks: what the units saw.
        let seen = simulator::exhaustive::footprint::observations(&events);
        assert!(
            seen_in_search.contains(seen.as_str()),
            "{name}: in seed {seed} the units saw what they saw in no schedule of the search:\n{seen}"
        );
        reached.insert(class);
    }
    assert!(reached.len() >= least, "{name}: seeds reached only {} classes", reached.len());
}

// Searches that missed classes, each found by one of these: one that took a unit's choice
// among its offered hooks for independent of what other units did (trio-fixed, before hooks
// that change a unit's options counted as touching them); one that let a relation hook the
// formula does not have commute with its unit's hooks that list the relation's units; and one
// that let a remote unit's write commute with a changed hook for a unit named after it
// (feeds-heard-in-order: the write would have put its own changed first).

#[test]
fn every_class_that_seeds_reach_was_searched_halfjoin_fixed() {
    every_class_that_seeds_reach_was_searched("examples/halfjoin/scenarios/fixed.yaml", 2);
}

#[test]
fn every_class_that_seeds_reach_was_searched_latejoin_trio_fixed() {
    every_class_that_seeds_reach_was_searched("examples/latejoin/scenarios/trio-fixed.yaml", 3);
}

#[test]
fn every_class_that_seeds_reach_was_searched_latejoin_fixed() {
    every_class_that_seeds_reach_was_searched("examples/latejoin/scenarios/fixed.yaml", 3);
}

#[test]
fn every_class_that_seeds_reach_was_searched_orderbug_fixed() {
    every_class_that_seeds_reach_was_searched("examples/orderbug/scenarios/fixed.yaml", 3);
}

/// A unit hears of remote units' changes one at a time, in name order.
#[test]
fn every_class_that_seeds_reach_was_searched_feeds_heard_in_order() {
    every_class_that_seeds_reach_was_searched("tests/scenarios/feeds-heard-in-order.yaml", 6);
}

/// The same, then a source leaves: departed hooks and a unit's teardown.
#[test]
fn every_class_that_seeds_reach_was_searched_feeds_one_leaves() {
    every_class_that_seeds_reach_was_searched("tests/scenarios/feeds-one-leaves.yaml", 8);
}

/// Peers, and leader settings read in their hooks.
#[test]
fn every_class_that_seeds_reach_was_searched_token_ring() {
    every_class_that_seeds_reach_was_searched("tests/scenarios/token-ring.yaml", 12);
}

/// An application bag written by the leader, unit bags by each unit.
#[test]
fn every_class_that_seeds_reach_was_searched_app_data_read() {
    every_class_that_seeds_reach_was_searched("tests/scenarios/app-data-read.yaml", 8);
}

/// Leadership moving between hooks (`--faults leader`, two moves a schedule): where it moves
/// among the hooks of units that share nothing else. Before a fault was a step of its own, the
/// search ran 9 schedules of this scenario with one move, and 150 seeds reached 14 classes it
/// had not run; and with two moves, a new leader's leader-elected was never run before
/// leadership moved on.
#[test]
fn every_class_that_seeds_reach_was_searched_leader_moves_with_faults() {
    every_class_that_seeds_reach_was_searched_with(
        "tests/scenarios/leader-moves.yaml",
        &["--faults", "leader=40,budget=2"],
        15,
    );
}
