//! The simulator end to end: real formulas (tests/formulas), real hook processes, the
//! orderings of spec §6.2 under many seeds, commit and discard, teardown, upgrade,
//! leadership, actions, stubs, dispatch, Ensemble formulas, timeouts and scenario errors.

use crate::support::*;

const BASIC: &str = r#"
formulas: {server: FORMULAS/server, client: FORMULAS/client}
applications:
  server: {formula: server, units: 2}
  client: {formula: client, units: 2}
relations:
  - [server:api, client:api]
"#;

fn run_text(text: &str, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = scenario_file(dir.path(), text);
    sim(&path, args)
}

#[test]
fn a_unit_sets_up_in_the_order_juju_guarantees() {
    let run = run_text(BASIC, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = run.unit_hook_names("server/0");
    let setup: Vec<&str> = names.iter().take(6).map(String::as_str).collect();
    assert_eq!(
        setup,
        ["install", "api-relation-created", "ring-relation-created", "leader-elected", "config-changed", "start"],
        "{names:?}"
    );
    let follower = run.unit_hook_names("server/1");
    assert!(follower.contains(&"leader-settings-changed".to_string()), "{follower:?}");
    // The status table says where the units lived (`--backend auto` chose it).
    let backend = run.runs().first().map(|e| e.backend.clone()).unwrap_or_default();
    let header: Vec<Vec<&str>> = run.stdout.lines().take(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(header, [vec!["Model", "Backend", "Seed"], vec!["scenario", backend.as_str(), "0"]], "{}", run.stdout);
    assert!(!follower.contains(&"leader-elected".to_string()), "{follower:?}");
}

#[test]
fn orderings_hold_under_many_seeds() {
    let text = format!(
        "{BASIC}steps:\n  - settle\n  - config: {{application: server, values: {{generation: 5}}}}\n  - add-unit: {{application: client, count: 1}}\n  - settle\n  - remove-unit: server/1\n  - settle\n  - unrelate: [server:api, client:api]\n  - settle\n  - relate: [server, client]\n  - remove-application: client\n  - settle\n"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = scenario_file(dir.path(), &text);
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..24 {
        let run = sim(&path, &["--seed", &seed.to_string(), "-q"]);
        assert_eq!(run.code, 0, "seed {seed}: {}", run.stderr);
        let problems = ordering_violations(&run);
        assert!(problems.is_empty(), "seed {seed}:\n{}", problems.join("\n"));
        orders.insert(run.hooks().iter().map(|h| format!("{} {}", h.unit, h.name)).collect::<Vec<_>>().join(";"));
    }
    assert!(orders.len() > 10, "seeds should explore different orders, got {} distinct", orders.len());
}

#[test]
fn same_seed_same_trace_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = scenario_file(dir.path(), BASIC);
    let a = sim(&path, &["--seed", "3", "-q"]);
    let b = sim(&path, &["--seed", "3", "-q"]);
    assert!(!a.trace_bytes.is_empty());
    assert_eq!(a.trace_bytes, b.trace_bytes);
    let c = sim(&path, &["--seed", "4", "-q"]);
    assert_ne!(a.trace_bytes, c.trace_bytes);
    let text = String::from_utf8_lossy(&a.trace_bytes);
    // The run's own directory (`formula-sim-…`) is written `$SIM`; the scenario's path, as
    // given, is in the `run` event for --replay.
    assert!(!text.contains("/formula-sim-"), "the trace must not name the run's directory");
    assert!(text.contains("$SIM/"), "paths under the run's directory are written $SIM");
}

#[test]
fn a_failed_hook_discards_its_writes_and_stops_the_unit_until_resolved() {
    // With Juju's default the hook would be retried on its own (sim_clock.rs); this is the
    // operator's way, with automatic retries off.
    let text = format!(
        "{BASIC}model-config: {{automatically-retry-hooks: false}}\nsteps:\n  - settle\n  - fail-next-hook: {{unit: server/0, hook: config-changed}}\n  - config: {{application: server, values: {{generation: 9}}}}\n  - settle\n  - expect:\n      agent: {{server/0: error}}\n      status: {{server/0: {{status: error, message: 'hook failed: \"config-changed\"'}}}}\n      relation-data:\n        - {{relation: \"client:api server:api\", unit: server/0, data: {{generation: '1'}}}}\n        - {{relation: \"client:api server:api\", unit: server/1, data: {{generation: '9'}}}}\n  - action: {{unit: server/0, name: ping, params: {{word: still}}}}\n  - settle\n  - expect:\n      action: {{server/0: {{status: completed, results: {{reply: pong still}}}}}}\n  - resolve: {{unit: server/0, retry: true}}\n  - settle\n  - expect:\n      agent: {{server/0: idle}}\n      relation-data:\n        - {{relation: \"client:api server:api\", unit: server/0, data: {{generation: '9'}}}}\n"
    );
    let run = run_text(&text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.discards().iter().any(|e| e.unit == "server/0"));
}

#[test]
fn a_failed_run_keeps_its_directory_unless_told_not_to() {
    let failing = format!("{BASIC}steps:\n  - settle\n  - expect: {{status: {{server/0: blocked}}}}\n");
    let failed = run_text(&failing, &["--keep", "failed"]);
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    let dir = failed.kept_dir().expect("a failed run says where its directory is");
    assert!(dir.join("tools").is_dir(), "the kept directory holds the run: {}", dir.display());
    std::fs::remove_dir_all(&dir).expect("remove the kept directory");
    let passed = run_text(BASIC, &["--keep", "failed"]);
    assert_eq!(passed.code, 0, "{}", passed.stderr);
    assert_eq!(passed.kept_dir(), None, "{}", passed.stderr);
    let never = run_text(&failing, &["--keep", "never"]);
    assert_eq!(never.kept_dir(), None, "{}", never.stderr);
    let always = run_text(BASIC, &["--keep"]);
    let dir = always.kept_dir().expect("`--keep` alone keeps a run that passed");
    std::fs::remove_dir_all(&dir).expect("remove the kept directory");
}

/// `formula sim --debug-hooks …` with `shell` as what is typed into the debugging shell.
fn debug_hooks(target: &str, shell: &str) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    // Retries off: a retry would open the shell again, with nothing left to type.
    let scenario = scenario_file(dir.path(), &format!("{BASIC}model-config: {{automatically-retry-hooks: false}}\n"));
    let trace = dir.path().join("trace.jsonl");
    let mut command = formula();
    command.arg("sim").arg(&scenario).args(["--keep", "never", "--debug-hooks", target, "--trace"]).arg(&trace);
    SimRun::from_output(run_typing(&mut command, shell), &trace)
}

#[test]
fn debug_hooks_opens_a_shell_with_the_hooks_environment_and_tools_instead_of_the_hook() {
    let shell = "juju-log \"debugging $JUJU_HOOK_NAME in $(pwd)\"\nstatus-set maintenance 'in the shell'\n./hooks/install\nexit $?\n";
    let run = debug_hooks("server/0:install", shell);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("debug-hooks: server/0 is about to run `install`"), "{}", run.stderr);
    let debugged: Vec<_> = run.debug_hooks().into_iter().map(|e| (e.unit.as_str(), e.hook.as_str())).collect();
    assert_eq!(debugged, [("server/0", "install")]);
    let logs = run.log_lines();
    assert!(logs.iter().any(|l| l.contains("debugging install in") && l.contains("/charm")), "{logs:?}");
    let statuses: Vec<Vec<&str>> = run
        .tools()
        .into_iter()
        .filter(|e| e.unit == "server/0" && e.tool == "status-set")
        .map(|e| e.args.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(statuses.first().map(Vec::as_slice), Some(&["maintenance", "in the shell"][..]), "{statuses:?}");
    assert!(
        statuses.iter().any(|args| args.iter().any(|a| a.contains("installing"))),
        "the hook ran from the shell: {statuses:?}"
    );
    assert_eq!(run.unit_hooks("server/0").first().map(|h| h.result.as_str()), Some("ok"));
}

#[test]
fn debug_hooks_shell_exit_status_is_the_hooks() {
    let run = debug_hooks("server/1", "relation-set -r api:0 nope=1 2>/dev/null; exit 7\n");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let first = run.unit_hooks("server/1").first().cloned().expect("server/1 ran a hook");
    assert_eq!((first.name.as_str(), first.result.as_str()), ("install", "failed (exit 7)"), "{}", run.stderr);
    assert!(run.stderr.contains("hook failed: \"install\""), "{}", run.stderr);
    assert_eq!(run.unit_hooks("server/1").len(), 1, "a unit in error runs no more hooks");
}

#[test]
fn shell_opens_in_a_unit_of_a_kept_run_with_working_tools() {
    // The shell runs the kept run again: its scenario must still be there.
    let scenario_dir = tempfile::tempdir().expect("temp dir");
    let kept = sim(&scenario_file(scenario_dir.path(), BASIC), &["--keep", "always", "--seed", "3"]);
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    let dir = kept.kept_dir().expect("the run says where it is kept");
    let mut shell = formula();
    shell.args(["shell", "client/1", "--run"]).arg(&dir);
    let typed = "echo \"unit=$JUJU_UNIT_NAME hook=[$JUJU_HOOK_NAME]\"\nrelation-ids api\nrelation-list -r \"$(relation-ids api)\"\nrelation-get -r \"$(relation-ids api)\" nope server/0 || echo refused\nexit 0\n";
    let output = run_typing(&mut shell, typed);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("--seed 3"), "the kept run is replayed with its seed: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"unit=client/1 hook=[]"), "{stdout}");
    assert!(lines.get(1).is_some_and(|l| l.starts_with("api:")), "{stdout}");
    assert_eq!(lines.get(2..4), Some(&["server/0", "server/1"][..]), "{stdout}");
    std::fs::remove_dir_all(&dir).expect("remove the kept run");
    let gone = formula().args(["shell", "client/1", "--run"]).arg(&dir).output().expect("run formula shell");
    assert_eq!(gone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("is not a kept run"), "{gone:?}");
}

#[test]
fn a_real_failing_hook_shows_its_output_and_fails_the_run() {
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 1, config: {fail-install: true}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("install failed on purpose"), "{}", run.stderr);
    assert!(run.stderr.contains("server/0: hook failed: \"install\""), "{}", run.stderr);
    // Juju retries the failed install on its own (automatically-retry-hooks is on by
    // default); settle moves the clock on to each retry, then gives up and says so.
    let names = run.unit_hook_names("server/0");
    let retries = simulator::sim::MAX_SETTLE_RETRIES as usize;
    assert_eq!(names, vec!["install"; 1 + retries], "only install runs, again and again");
    assert!(run.stderr.contains(&format!("(retried {retries} times)")), "{}", run.stderr);
    let limit = run.events.iter().find_map(|e| match e {
        simulator::trace::Event::RetryLimit(l) => Some(l.clone()),
        _ => None,
    });
    assert_eq!(limit.map(|l| l.units), Some(vec!["server/0 install".to_string()]));
}

#[test]
fn resolve_without_retry_marks_the_hook_done() {
    // Retries off: the failed install waits for the operator, as before automatic retries.
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 1, config: {fail-install: true}}\nmodel-config: {automatically-retry-hooks: false}\nsteps:\n  - settle\n  - resolve: {unit: server/0, retry: false}\n  - settle\n  - expect: {agent: {server/0: idle}, status: {server/0: active}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = run.unit_hook_names("server/0");
    assert_eq!(names.iter().filter(|n| *n == "install").count(), 1, "{names:?}");
    assert!(names.contains(&"start".to_string()));
}

#[test]
fn removing_a_unit_tears_it_down_and_its_peers_see_it_depart() {
    let text = format!("{BASIC}steps:\n  - settle\n  - remove-unit: client/1\n  - settle\n  - expect: {{units: {{client/1: false}}}}\n");
    let run = run_text(&text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = run.unit_hook_names("client/1");
    let tail: Vec<&str> = names.iter().rev().take(5).rev().map(String::as_str).collect();
    assert_eq!(
        tail,
        ["api-relation-departed", "api-relation-departed", "api-relation-broken", "stop", "remove"],
        "{names:?}"
    );
    for server in ["server/0", "server/1"] {
        let departed = run
            .unit_hooks(server)
            .into_iter()
            .any(|h| h.name == "api-relation-departed" && h.remote.as_deref() == Some("client/1"));
        assert!(departed, "{server} must see client/1 depart");
    }
    let logs = run.log_lines();
    assert!(logs.iter().any(|l| l.contains("departing: client/1")), "JUJU_DEPARTING_UNIT is the unit itself: {logs:?}");
}

#[test]
fn juju_sets_the_teardown_statuses_around_stop_and_remove() {
    // Spec §6.1: before stop, maintenance "stopping charm software" over the formula's own
    // status; before remove, "cleaning up prior to charm deletion" over what stop set.
    let text = "formulas: {t: FORMULAS/teardown-status}\napplications:\n  t: {formula: t, units: 1}\nsteps:\n  - settle\n  - expect: {status: {t/0: {status: active, message: running}}}\n  - remove-unit: t/0\n  - settle\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.unit_hook_names("t/0").iter().rev().take(2).collect::<Vec<_>>(), ["remove", "stop"]);
    let logs = run.log_lines();
    let stop = r#"stop sees {"message":"stopping charm software","status":"maintenance","status-data":{}}"#;
    let remove =
        r#"remove sees {"message":"cleaning up prior to charm deletion","status":"maintenance","status-data":{}}"#;
    assert!(logs.iter().any(|l| l.contains(stop)), "{logs:?}");
    assert!(logs.iter().any(|l| l.contains(remove)), "{logs:?}");
}

#[test]
fn unrelate_and_remove_application_run_broken() {
    let text = format!(
        "{BASIC}steps:\n  - settle\n  - unrelate: [server:api, client:api]\n  - settle\n  - expect: {{status: {{client/0: {{status: blocked, message: no server}}}}, hooks: {{client/0: {{ran: [api-relation-broken]}}}}}}\n  - relate: [server:api, client:api]\n  - settle\n  - remove-application: server\n  - settle\n  - expect: {{units: {{server/0: false, server/1: false}}, status: {{client/1: blocked}}}}\n"
    );
    let run = run_text(&text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(ordering_violations(&run).is_empty(), "{:?}", ordering_violations(&run));
    assert!(run.stdout.contains("client"), "{}", run.stdout);
    assert!(!run.stdout.contains("server/0"), "{}", run.stdout);
}

#[test]
fn upgrade_runs_upgrade_charm_then_config_changed() {
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 1}\nsteps:\n  - settle\n  - upgrade: {application: server, formula: FORMULAS/server}\n  - settle\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = run.unit_hook_names("server/0");
    let at = names.iter().position(|n| n == "upgrade-charm").expect("upgrade-charm ran");
    assert_eq!(names[at + 1], "config-changed", "{names:?}");
}

#[test]
fn leadership_moves_and_followers_see_leader_settings() {
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 3}\nsteps:\n  - settle\n  - elect: server/2\n  - settle\n  - expect: {leader: {server: server/2}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.unit_hook_names("server/2").contains(&"leader-elected".to_string()));
    assert!(!run.unit_hook_names("server/0").contains(&"leader-deposed".to_string()), "Juju runs no leader-deposed");
    let logs: Vec<&str> = run.logs().into_iter().filter(|e| e.unit == "server/1").map(|e| e.line.as_str()).collect();
    assert!(logs.iter().any(|l| l.contains("token-of-server/2")), "{logs:?}");
}

#[test]
fn actions_record_results_and_failures() {
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server, units: 1}\nsteps:\n  - settle\n  - action: {unit: server/0, name: explode}\n  - settle\n  - expect: {action: {server/0: {status: failed}}, agent: {server/0: idle}}\n  - action: {unit: server/0, name: ping}\n  - settle\n  - expect: {action: {server/0: {status: completed, results: {reply: pong hello}}}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn stubs_replace_commands_and_are_traced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let formula = dir.path().join("stubby");
    std::fs::create_dir_all(formula.join("hooks")).unwrap();
    std::fs::write(formula.join("metadata.yaml"), "name: stubby\nsummary: s\ndescription: d\n").unwrap();
    std::fs::write(
        formula.join("hooks/install"),
        "#!/bin/sh\nset -e\napt-get install -y memcached\nstatus-set active \"$(mysql --version)\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(formula.join("hooks/install"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let scenario = dir.path().join("s.yaml");
    std::fs::write(&scenario, "formulas: {stubby: ./stubby}\napplications:\n  stubby: {formula: stubby}\nstubs:\n  \"*\": {apt-get: exit 0}\n  stubby: {mysql: echo mysql-stub}\nsteps:\n  - settle\n  - expect: {status: {stubby/0: {status: active, message: mysql-stub}}}\n").unwrap();
    let run = sim(&scenario, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = run.stubs();
    assert!(calls.iter().any(|c| c.command == "apt-get" && c.args == ["install", "-y", "memcached"]), "{calls:?}");
}

#[test]
fn dispatch_runs_for_every_hook() {
    let text = "formulas: {server: FORMULAS/server, dispatcher: FORMULAS/dispatcher}\napplications:\n  server: {formula: server}\n  dispatcher: {formula: dispatcher}\nrelations:\n  - [server:api, dispatcher:api]\nsteps:\n  - settle\n  - expect:\n      status: {dispatcher/0: active}\n      files: {dispatcher/0: {}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hooks = run.unit_hooks("dispatcher/0");
    assert!(hooks.iter().all(|h| h.result == "ok"), "dispatch runs every hook: {hooks:?}");
    let env = run
        .hook_events()
        .into_iter()
        .find(|e| e.unit == "dispatcher/0" && e.hook == "api-relation-joined")
        .expect("joined ran");
    assert_eq!(env.env.get("JUJU_DISPATCH_PATH").map(String::as_str), Some("hooks/api-relation-joined"));
}

#[test]
fn ensemble_formulas_get_their_names_and_ensemble_log() {
    let text = "formulas: {server: FORMULAS/server, oldstyle: FORMULAS/oldstyle}\napplications:\n  server: {formula: server}\n  oldstyle: {formula: oldstyle}\nrelations:\n  - [server:api, oldstyle:api]\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hook = run
        .hook_events()
        .into_iter()
        .find(|e| e.unit == "oldstyle/0" && e.hook == "api-relation-changed")
        .expect("changed ran");
    assert_eq!(hook.env.get("ENSEMBLE_REMOTE_UNIT").map(String::as_str), Some("server/0"));
    assert_eq!(hook.env.get("ENSEMBLE_UNIT_NAME").map(String::as_str), Some("oldstyle/0"));
    assert_eq!(hook.env.get("ENSEMBLE_RELATION").map(String::as_str), Some("api"));
    // The 2011 agent's variables only; a Juju formula's hooks get none of them.
    let juju: Vec<&String> = hook.env.keys().filter(|k| k.starts_with("JUJU_") || *k == "CHARM_DIR").collect();
    assert!(juju.is_empty(), "an Ensemble hook got Juju's variables {juju:?}");
    let server = run.hook_events().into_iter().find(|e| e.unit == "server/0").expect("server ran");
    let ensemble: Vec<&String> = server.env.keys().filter(|k| k.starts_with("ENSEMBLE_")).collect();
    assert!(ensemble.is_empty(), "a Juju hook got Ensemble's variables {ensemble:?}");
    assert!(server.env.contains_key("JUJU_UNIT_NAME") && server.env.contains_key("JUJU_CONTEXT_ID"));
    let logs = run.log_lines();
    assert!(logs.iter().any(|l| l.contains("installing oldstyle/0")), "{logs:?}");
    assert!(logs.iter().any(|l| l.contains("server server/0 is at ")), "{logs:?}");
}

#[test]
fn each_agent_has_its_own_tools_only() {
    // No Go Juju has `ensemble-log`; the 2011 agent had no `status-set`. Both kinds of
    // formula share the model.
    let text = "applications:\n  new: {formula: FORMULAS/juju-calls-ensemble-log}\n  old: {formula: FORMULAS/ensemble-calls-status-set}\n  oldstyle: {formula: FORMULAS/oldstyle}\nsteps:\n  - settle\n  - expect: {agent: {new/0: error, old/0: error, oldstyle/0: idle}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    for unit in ["new/0", "old/0"] {
        let hooks = run.unit_hooks(unit);
        assert_eq!(hooks[0].name, "install");
        assert!(hooks[0].result.contains("exit 127"), "{unit}: {hooks:?}");
    }
    assert!(run.stderr.contains("ensemble-log: command not found"), "{}", run.stderr);
    assert!(run.stderr.contains("status-set: command not found"), "{}", run.stderr);
}

#[test]
fn missing_hooks_are_skipped_and_non_executable_ones_fail() {
    // Retries off, so that the one failure is the only hook (sim_clock.rs covers retries).
    let text = "formulas: {broken: FORMULAS/broken}\napplications:\n  broken: {formula: broken}\nmodel-config: {automatically-retry-hooks: false}\nsteps:\n  - settle\n  - expect: {agent: {broken/0: error}}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hooks = run.unit_hooks("broken/0");
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].result.contains("not executable"), "{hooks:?}");
}

#[test]
fn a_hanging_hook_is_killed_after_the_timeout() {
    let text = "formulas: {sleeper: FORMULAS/sleeper}\napplications:\n  sleeper: {formula: sleeper}\n";
    let start = std::time::Instant::now();
    let run = run_text(text, &["--hook-timeout", "1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_model_that_never_settles_fails_and_shows_the_loop() {
    let text = "formulas: {pingpong: FORMULAS/pingpong}\napplications:\n  pingpong: {formula: pingpong, units: 2}\nmax-hooks: 200\n";
    let run = run_text(text, &["-q"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did not settle after 200 hooks"), "{}", run.stderr);
    assert!(run.stderr.contains("court-relation-changed"), "{}", run.stderr);
}

#[test]
fn scenario_errors_name_file_line_and_column_and_the_known_names() {
    let text = "formulas: {server: FORMULAS/server}\napplications:\n  server: {formula: server}\nsteps:\n  - settle\n  - remove-unit: server/7\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("scenario.yaml:6:5: unknown unit `server/7`; known: `server/0`"), "{}", run.stderr);
    let text = "applications:\n  server: {formula: FORMULAS/server, unitz: 2}\n";
    let run = run_text(text, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("scenario.yaml:2:")
            && run.stderr.contains("unknown key `unitz` in application `server`; known keys: formula"),
        "{}",
        run.stderr
    );
}

#[test]
fn hook_tools_are_the_small_client_and_formula_still_answers_under_a_tools_name() {
    // The hook's PATH gives the small client; `formula` itself, linked under a tool's name by
    // the hook, answers the same call.
    let dir = tempfile::tempdir().expect("temp dir");
    let formula = dir.path().join("caller");
    std::fs::create_dir_all(formula.join("hooks")).expect("mkdir");
    std::fs::write(formula.join("metadata.yaml"), "name: caller\nsummary: s\ndescription: d\n").expect("metadata");
    let install = format!(
        "#!/bin/sh\nset -e\njuju-log \"config-get is $(basename \"$(readlink -f \"$(command -v config-get)\")\")\"\nmkdir -p \"$CHARM_DIR/bin\"\nln -sf {:?} \"$CHARM_DIR/bin/status-set\"\n\"$CHARM_DIR/bin/status-set\" active \"set by formula\"\n",
        env!("CARGO_BIN_EXE_formula")
    );
    std::fs::write(formula.join("hooks/install"), install).expect("hook");
    std::fs::set_permissions(formula.join("hooks/install"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let text = format!(
        "formulas: {{caller: {}}}\napplications:\n  caller: {{formula: caller}}\nsteps:\n  - settle\n  - expect:\n      status: {{caller/0: {{status: active, message: set by formula}}}}\n",
        formula.display()
    );
    let run = run_text(&text, &["--backend", "host"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let logs = run.log_lines();
    assert!(logs.iter().any(|l| l.ends_with("config-get is formula-hook-tool")), "{logs:?}");
}
