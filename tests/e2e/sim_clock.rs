//! Model time (spec §6.5): update-status on its interval as `wait` moves the clock, automatic
//! hook retries with Juju's backoff (and without them, `resolve`), `model-config:`, the `fail`
//! fault striking a hook part-way, and `juju-reboot`.

use crate::support::*;
use simulator::trace::Event;
use std::path::Path;

fn run_text(text: &str, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    sim(&scenario_file(dir.path(), text), args)
}

fn host(text: &str) -> SimRun {
    run_text(text, &["--backend", "host"])
}

/// The `clock` events' instants, in order.
fn clock_moves(run: &SimRun) -> Vec<String> {
    run.events
        .iter()
        .filter_map(|e| match e {
            Event::Clock(c) => Some(c.now.clone()),
            _ => None,
        })
        .collect()
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|n| *n == name).count()
}

const TICKER: &str = "formulas: {ticker: FORMULAS/ticker}\napplications:\n  ticker: {formula: ticker}\n";

#[test]
fn update_status_runs_every_interval_of_model_time_and_settle_does_not_move_the_clock() {
    let text = format!(
        "{TICKER}steps:\n  - settle\n  - settle\n  - expect: {{status: {{ticker/0: {{status: active, message: started}}}}}}\n  - wait: 11m\n  - expect: {{status: {{ticker/0: {{status: active, message: update-status ran 2 times}}}}}}\n  - wait: 4m\n  - expect: {{status: {{ticker/0: {{status: active, message: update-status ran 3 times}}}}}}\n"
    );
    let run = host(&text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&run.unit_hook_names("ticker/0"), "update-status"), 3);
    assert_eq!(clock_moves(&run), ["5m0s", "10m0s", "11m0s", "15m0s"]);
    let waits: Vec<(String, String)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Wait(w) => Some((w.from.clone(), w.until.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [("0s".to_string(), "11m0s".to_string()), ("11m0s".into(), "15m0s".into())]);
}

#[test]
fn the_interval_comes_from_model_config_and_the_update_status_step_still_runs_once() {
    let text = format!(
        "{TICKER}model-config: {{update-status-hook-interval: 1m}}\nsteps:\n  - settle\n  - wait: 3m30s\n  - expect: {{status: {{ticker/0: {{status: active, message: update-status ran 3 times}}}}}}\n  - update-status\n  - settle\n  - expect: {{status: {{ticker/0: {{status: active, message: update-status ran 4 times}}}}}}\n"
    );
    let run = host(&text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(clock_moves(&run), ["1m0s", "2m0s", "3m0s", "3m30s"]);
}

const FLAKY: &str = "formulas: {flaky: FORMULAS/flaky}\napplications:\n  flaky: {formula: flaky}\n";

#[test]
fn a_hook_that_fails_once_is_retried_after_5s_and_the_unit_settles() {
    let text = format!(
        "{FLAKY}steps:\n  - settle\n  - expect: {{agent: {{flaky/0: idle}}, status: {{flaky/0: {{status: active, message: \"tries: second\"}}}}}}\n"
    );
    let run = host(&text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&run.unit_hook_names("flaky/0"), "install"), 2);
    let scheduled: Vec<_> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RetryScheduled(r) => Some((r.hook.clone(), r.retry, r.after.clone(), r.due.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(scheduled, [("install".to_string(), 1, "5s".to_string(), "5s".to_string())]);
    assert!(run.events.iter().any(|e| matches!(e, Event::Retry(r) if r.unit == "flaky/0" && r.retry == 1)));
    assert_eq!(clock_moves(&run), ["5s"], "settle moved the clock to the retry, and no further");
    // The first try's `state-set` was discarded with its failure: start reads the second's.
    assert!(run.discards().iter().any(|d| d.unit == "flaky/0" && d.buffered));
}

#[test]
fn without_automatic_retries_the_unit_stays_in_error_until_resolved() {
    let text = format!(
        "{FLAKY}model-config: {{automatically-retry-hooks: false}}\nsteps:\n  - settle\n  - expect: {{agent: {{flaky/0: error}}, status: {{flaky/0: {{status: error, message: 'hook failed: \"install\"'}}}}}}\n  - wait: 1h\n  - expect: {{agent: {{flaky/0: error}}}}\n  - resolve: flaky/0\n  - settle\n  - expect: {{agent: {{flaky/0: idle}}, status: {{flaky/0: active}}}}\n"
    );
    let run = host(&text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&run.unit_hook_names("flaky/0"), "install"), 2);
    assert!(!run.events.iter().any(|e| matches!(e, Event::RetryScheduled(_))));
}

#[test]
fn a_unit_between_retries_shows_error_and_resolve_still_works() {
    // fail-next-hook twice: the first retry (5s later) fails too, the next is due 10s after.
    let text = format!(
        "{FLAKY}steps:\n  - settle\n  - fail-next-hook: flaky/0\n  - fail-next-hook: flaky/0\n  - upgrade: {{application: flaky, formula: FORMULAS/flaky}}\n  - wait: 5s\n  - expect: {{agent: {{flaky/0: error}}, status: {{flaky/0: {{status: error, message: 'hook failed: \"upgrade-charm\"'}}}}}}\n  - resolve: flaky/0\n  - settle\n  - expect: {{agent: {{flaky/0: idle}}, status: {{flaky/0: active}}}}\n"
    );
    let run = host(&text);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retries: Vec<(u32, String)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RetryScheduled(r) if r.hook == "upgrade-charm" => Some((r.retry, r.after.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [(1, "5s".to_string()), (2, "10s".to_string())], "the backoff doubles");
}

#[test]
fn model_config_and_wait_errors_name_the_place_and_the_known_keys() {
    let text = format!("{TICKER}model-config:\n  automatically-retry-hooks: false\n  logging-config: x\nsteps:\n  - wait: 5 parsecs\n  - wait: -5s\n");
    let run = host(&text);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "scenario.yaml:6:3: unknown model-config key `logging-config`; known keys: automatically-retry-hooks, update-status-hook-interval"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("scenario.yaml:8:11: `5 parsecs`"), "{}", run.stderr);
    assert!(run.stderr.contains("scenario.yaml:9:11: `-5s` is negative"), "{}", run.stderr);
    let bad = host(&format!("{TICKER}model-config: {{update-status-hook-interval: 10s}}\n"));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("must be from 1m to 60m"), "{}", bad.stderr);
}

fn explore(name: &str, out: &Path) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = format!("formulas: {{m: FORMULAS/{name}}}\napplications:\n  m: {{formula: m}}\n");
    let scenario = scenario_file(dir.path(), &text);
    let output = formula()
        .arg("sim")
        .arg(&scenario)
        .args(["--backend", "host", "--seeds", "0..16", "--keep-going", "--no-shrink", "--faults", "fail=60"])
        .arg("--out")
        .arg(out)
        .output()
        .expect("run formula sim");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn the_fail_fault_strikes_mid_hook_and_finds_an_install_that_cannot_run_twice() {
    let out = tempfile::tempdir().expect("temp dir");
    let (code, stderr) = explore("mkdir-once", out.path());
    assert_eq!(code, 1, "{stderr}");
    // Killed after its mkdir (in the next tool call, or after it ran): every retry then fails.
    assert!(stderr.contains("unit in error: m/0: hook failed: \"install\" (retried 10 times)"), "{stderr}");
    let (code, stderr) = explore("mkdir-once-fixed", out.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("16 runs, 0 failed"), "{stderr}");
}

#[test]
fn a_failure_in_a_tool_call_kills_the_hook_there() {
    // Seeds draw where the failure strikes; a seed that kills install in its first tool call,
    // before the mkdir, lets its retry work, and the log line comes from the retry only.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "formulas: {m: FORMULAS/mkdir-once}\napplications:\n  m: {formula: m}\nfaults: {fail: 100, budget: 1}\n";
    let scenario = scenario_file(dir.path(), text);
    let mut seen = Vec::new();
    for seed in 0..40 {
        let run = sim(&scenario, &["--backend", "host", "--seed", &seed.to_string()]);
        let first = run.unit_hooks("m/0").first().cloned().expect("install ran");
        if first.result == "failed (injected fault: killed in tool call 1; retried)" {
            assert_eq!(run.code, 0, "seed {seed}: {}", run.stderr);
            let logs = run.log_lines();
            assert_eq!(logs.iter().filter(|l| l.contains("data directory made")).count(), 1, "{logs:?}");
        }
        if first.result.contains("killed in tool call 2") {
            // Killed in the `juju-log` after its mkdir: the directory stays, every retry fails.
            assert_eq!(run.code, 1, "seed {seed}: {}", run.stderr);
        }
        seen.push(first.result);
    }
    assert!(seen.iter().any(|r| r.contains("killed in tool call 1")), "{seen:?}");
    assert!(seen.iter().any(|r| r == "failed (injected fault; retried)"), "{seen:?}");
}

const REBOOTER: &str = "formulas: {r: FORMULAS/rebooter}\napplications:\n  r: {formula: r}\n";

#[test]
fn juju_reboot_runs_start_again_and_with_now_kills_the_hook_and_runs_it_again() {
    let text = format!(
        "{REBOOTER}steps:\n  - settle\n  - config: {{application: r, values: {{reboot-now: true}}}}\n  - settle\n  - expect: {{agent: {{r/0: idle}}}}\n"
    );
    let run = host(&text);
    let names = run.unit_hook_names("r/0");
    // install asked for a reboot after it: the unit had not started, so no extra start.
    // config-changed was killed by `--now`, ran again, then start ran after the reboot.
    assert_eq!(
        names,
        ["install", "leader-elected", "config-changed", "start", "config-changed", "config-changed", "start"],
        "{}",
        run.stderr
    );
    let reboots: Vec<(bool, bool)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Reboot(r) => Some((r.now, r.stopped)),
            _ => None,
        })
        .collect();
    assert_eq!(reboots, [(false, false), (true, false)], "the host backend cannot stop a unit's processes");
    let killed = run.unit_hooks("r/0")[4].clone();
    assert!(killed.result.contains("juju-reboot --now"), "{}", killed.result);
    // Nothing after the `--now` call ran, and its `state-set` was discarded with it.
    assert!(!run.log_lines().iter().any(|l| l.contains("after the reboot call")));
    assert!(run.discards().iter().any(|d| d.unit == "r/0" && d.buffered));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_reboot_ends_the_daemons_a_unit_started_on_ns() {
    let _guard = crate::sim_ns::ns_guard();
    let text = format!("{REBOOTER}steps:\n  - settle\n  - expect: {{status: {{r/0: {{status: active, message: \"daemon gone, start 1\"}}}}}}\n");
    let run = run_text(&text, &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.events.iter().any(|e| matches!(e, Event::Reboot(r) if r.stopped)));
}
