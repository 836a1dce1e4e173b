//! `formula` as `juju`: the built binary run through a link named `juju`, against a controller
//! of its own (in a temporary directory), on the examples' formulas in containers (`ns`).
//!
//! The controller runs hooks in real time, so the test waits as jubilant's `wait` does: it
//! polls `juju status --format json` until what it waits for holds (with a bound, so that a
//! model that never gets there fails the test instead of hanging it).

use crate::support::{formula, repo};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a wait may take before the test fails: far more than the hooks need.
const WAIT_BOUND: Duration = Duration::from_secs(180);

/// A controller of the test's own, and `juju` as a link to the built binary; the controller
/// is stopped when this is dropped (also when the test fails).
struct Juju {
    dir: tempfile::TempDir,
    link: PathBuf,
}

impl Juju {
    fn new() -> Juju {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let link = bin.join("juju");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_formula"), &link).unwrap();
        Juju { dir, link }
    }

    fn controller_dir(&self) -> PathBuf {
        self.dir.path().join("controller")
    }

    /// `juju ARGS…`, from the repository's root, with this test's controller.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.link)
            .args(args)
            .current_dir(repo())
            .env("FORMULA_CONTROLLER_DIR", self.controller_dir())
            .env_remove("JUJU_MODEL")
            .output()
            .unwrap()
    }

    /// `juju ARGS…`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "juju {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// `juju status --format json`, parsed.
    fn status(&self) -> Value {
        serde_json::from_str(&self.ok(&["status", "--format", "json"])).unwrap()
    }

    /// Polls the status until `ready` holds of it, as jubilant's `wait` does; the status then.
    fn wait(&self, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let status = self.status();
            if ready(&status) {
                return status;
            }
            assert!(start.elapsed() < WAIT_BOUND, "the model never got to: {what}; status: {status:#}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Juju {
    fn drop(&mut self) {
        let _ = formula().args(["controller", "stop", "--dir"]).arg(self.controller_dir()).output();
    }
}

/// Every unit of the model, subordinates included.
fn units(status: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for app in status["applications"].as_object().unwrap().values() {
        for (name, unit) in app["units"].as_object().into_iter().flatten() {
            out.push((name.clone(), unit.clone()));
            for (sub, sub_unit) in unit["subordinates"].as_object().into_iter().flatten() {
                out.push((sub.clone(), sub_unit.clone()));
            }
        }
    }
    out
}

/// Whether every unit is active with an idle agent (jubilant's `all_active` and
/// `all_agents_idle`), and there are some.
fn all_active(status: &Value) -> bool {
    let units = units(status);
    !units.is_empty()
        && units
            .iter()
            .all(|(_, u)| u["workload-status"]["current"] == "active" && u["juju-status"]["current"] == "idle")
}

/// The status with what changes from run to run (times, addresses) replaced.
fn normalized(mut status: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match key.as_str() {
                        "since" | "timestamp" => *v = Value::String("[time]".into()),
                        "public-address" | "dns-name" => *v = Value::String("[address]".into()),
                        "ip-addresses" => *v = serde_json::json!(["[address]"]),
                        _ => walk(v),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut status);
    status
}

fn path(relative: &str) -> String {
    repo().join(relative).canonicalize().unwrap().to_string_lossy().into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn juju_deploys_integrates_configures_scales_and_reports_as_juju_does() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    // The first command starts the controller; `formula juju` is the same command line.
    let version = juju.ok(&["version"]);
    assert!(version.starts_with("3.6.") && version.ends_with("-genericlinux-amd64\n"), "{version}");
    let via_formula =
        formula().args(["juju", "version"]).env("FORMULA_CONTROLLER_DIR", juju.controller_dir()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&via_formula.stdout), version);
    assert!(Path::new(&juju.controller_dir()).join("controller.sock").exists());

    juju.ok(&["add-model", "test"]);
    juju.ok(&["deploy", &path("examples/wiki/formulas/cache")]);
    juju.ok(&["deploy", &path("examples/latejoin/formulas/store"), "db", "-n", "2"]);
    juju.ok(&["deploy", &path("examples/latejoin/formulas/catalog-fixed"), "catalog"]);
    juju.ok(&["integrate", "catalog:db", "db"]);
    let status = juju.wait("every unit active", |s| {
        all_active(s)
            && s["applications"]["catalog"]["units"]["catalog/0"]["workload-status"]["message"]
                == "using database db-data"
    });
    insta::assert_json_snapshot!("status_active", normalized(status));

    // Config: all of it in Juju's layout, one key, a change the hooks act on, a reset.
    let config: Value = serde_json::from_str(&juju.ok(&["config", "--format", "json", "cache"])).unwrap();
    assert_eq!(config["settings"]["port"]["value"], 11211);
    assert_eq!(config["settings"]["port"]["source"], "default");
    assert_eq!(config["application-config"]["trust"]["value"], false);
    juju.ok(&["config", "cache", "port=11300"]);
    assert_eq!(juju.ok(&["config", "cache", "port"]), "11300\n");
    let config: Value = serde_json::from_str(&juju.ok(&["config", "cache", "--format=json"])).unwrap();
    assert_eq!(config["settings"]["port"]["source"], "user");
    juju.wait("the cache on its new port", |s| {
        s["applications"]["cache"]["units"]["cache/0"]["open-ports"] == serde_json::json!(["11300/tcp"])
    });
    juju.ok(&["config", "cache", "--reset", "port"]);
    assert_eq!(juju.ok(&["config", "cache", "port"]), "11211\n");
    juju.wait("the cache back on its default port", |s| {
        s["applications"]["cache"]["units"]["cache/0"]["open-ports"] == serde_json::json!(["11211/tcp"])
    });

    // Model config: get, set, reset.
    let model_config: Value = serde_json::from_str(&juju.ok(&["model-config", "--format", "json"])).unwrap();
    assert_eq!(model_config["automatically-retry-hooks"]["Value"], true);
    juju.ok(&["model-config", "update-status-hook-interval=10m"]);
    assert_eq!(juju.ok(&["model-config", "update-status-hook-interval"]), "10m\n");
    juju.ok(&["model-config", "--reset", "update-status-hook-interval"]);
    assert_eq!(juju.ok(&["model-config", "update-status-hook-interval"]), "5m\n");

    // A unit more, then one fewer: the leader goes, another leads.
    juju.ok(&["add-unit", "db"]);
    juju.wait("db/2 active", |s| s["applications"]["db"]["units"]["db/2"]["workload-status"]["current"] == "active");
    juju.ok(&["remove-unit", "db/0"]);
    // Another unit leads once the leader has gone (on Juju, once its lease runs out).
    let leaders = |s: &Value| {
        s["applications"]["db"]["units"]
            .as_object()
            .map_or(0, |units| units.values().filter(|u| u["leader"] == true).count())
    };
    let status = juju.wait("db/0 gone and another leader", |s| {
        s["applications"]["db"]["units"].get("db/0").is_none() && leaders(s) == 1
    });
    let db_units = status["applications"]["db"]["units"].as_object().unwrap();
    assert_eq!(db_units.keys().collect::<Vec<_>>(), ["db/1", "db/2"]);

    // The relation goes: neither side lists it once its hooks have run.
    juju.ok(&["remove-relation", "catalog", "db"]);
    juju.wait("the relation gone", |s| {
        s["applications"]["catalog"].get("relations").is_none() && s["applications"]["db"].get("relations").is_none()
    });

    // What is not there, and what is not simulated, as Juju says it.
    let missing = juju.run(&["config", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(stderr(&missing), "ERROR application \"nope\" not found (not found)\n");
    let missing_unit = juju.run(&["remove-unit", "db/9"]);
    assert_eq!(missing_unit.status.code(), Some(1));
    assert!(stderr(&missing_unit).contains("not found"), "{}", stderr(&missing_unit));
    let unsimulated = juju.run(&["add-machine"]);
    assert_eq!(unsimulated.status.code(), Some(1));
    assert!(
        stderr(&unsimulated).starts_with("ERROR add-machine is not simulated by formula ("),
        "{}",
        stderr(&unsimulated)
    );
    let usage = juju.run(&["status", "--bogus"]);
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(stderr(&usage), "ERROR option provided but not defined: --bogus\n");

    // The controller lists the model and its trace; once the model is destroyed it is gone.
    let listed = formula().args(["controller", "status", "--dir"]).arg(juju.controller_dir()).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains("model test*: 3 applications"), "{listed}");
    let trace = juju.controller_dir().join("models/test/trace.jsonl");
    assert!(listed.contains(&trace.display().to_string()), "{listed}");
    juju.ok(&["destroy-model", "test", "--no-prompt"]);
    let gone = juju.run(&["status", "-m", "test"]);
    assert_eq!(stderr(&gone), "ERROR model formula:admin/test not found\n");
    // The trace of the destroyed model stays, names the scenario the controller wrote of its
    // commands and steps, and `formula sim --replay` runs the same hooks again.
    let text = std::fs::read_to_string(&trace).unwrap();
    let events = simulator::trace::read(&text).unwrap();
    let hooks = events.iter().filter(|e| matches!(e, simulator::trace::Event::Hook(_))).count();
    let scenario = juju.controller_dir().join("models/test/test.yaml");
    let written = std::fs::read_to_string(&scenario).unwrap();
    assert!(written.contains(r#"{"relate":["catalog:db","db"]}"#), "{written}");
    assert!(written.contains(r#"{"config":{"application":"cache","values":{"port":null}}}"#), "{written}");
    let replay = formula().args(["sim", "--quiet", "--keep", "never", "--replay"]).arg(&trace).output().unwrap();
    let said = stderr(&replay);
    assert!(replay.status.success(), "{said}");
    assert!(said.contains(&format!("replay: this run followed the trace's {hooks} hooks")), "{said}");
}

#[test]
fn failed_hooks_show_as_juju_shows_them_and_are_retried_as_time_passes() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    juju.ok(&["add-model", "errors"]);
    // `broken` fails its install every time; `flaky` fails once, then its retry succeeds.
    juju.ok(&["deploy", &path("tests/formulas/broken")]);
    juju.ok(&["deploy", &path("tests/formulas/flaky")]);
    let status = juju.wait("broken/0 in error", |s| {
        s["applications"]["broken"]["units"]["broken/0"]["workload-status"]["current"] == "error"
    });
    let broken = &status["applications"]["broken"]["units"]["broken/0"];
    assert_eq!(broken["workload-status"]["message"], "hook failed: \"install\"");
    // As `juju status` prints it: the error is the workload's, the agent idle (spec §6.4).
    assert_eq!(broken["juju-status"]["current"], "idle");
    assert_eq!(status["applications"]["broken"]["application-status"]["current"], "error");
    // The retry comes with the wall clock (Juju's first backoff), not with a command.
    juju.wait("flaky/0 active after its retry", |s| {
        let workload = &s["applications"]["flaky"]["units"]["flaky/0"]["workload-status"];
        workload["current"] == "active" && workload["message"] == "tries: second"
    });
    // The log has what the hook wrote on stderr and that it failed, then that its retry ran.
    let log = juju.ok(&["debug-log", "--no-tail", "--include", "flaky/0", "--level", "WARNING"]);
    let lines: Vec<&str> = log.lines().map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest)).collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].ends_with("WARNING unit.flaky/0.install install: the package mirror is not up yet"), "{log}");
    assert!(lines[1].ends_with("ERROR juju.worker.uniter.operation hook \"install\" failed: exit 1"), "{log}");
    let last = juju.ok(&["debug-log", "--limit", "1", "-i", "flaky"]);
    assert!(last.starts_with("unit-flaky-0: ") && last.trim_end().ends_with("ran \"start\" hook"), "{last}");
    // Resolved without a retry, the failed install counts as done and the unit goes on.
    let not_in_error = juju.run(&["resolve", "flaky/0"]);
    assert_eq!(stderr(&not_in_error), "ERROR unit \"flaky/0\" is not in an error state\n");
    juju.ok(&["resolve", "--no-retry", "broken/0"]);
    juju.wait("broken/0 out of error", |s| {
        let unit = &s["applications"]["broken"]["units"]["broken/0"];
        unit["workload-status"]["current"] != "error" && unit["juju-status"]["current"] == "idle"
    });
    // Trust is the application's, shown by `config`.
    juju.ok(&["trust", "flaky"]);
    assert_eq!(juju.ok(&["config", "flaky", "trust"]), "true\n");
    // A subordinate sits under its principal unit, and names it.
    juju.ok(&["deploy", &path("examples/wiki/formulas/monitor")]);
    juju.ok(&["integrate", "monitor", "flaky"]);
    let status = juju.wait("monitor/0 active", |s| {
        s["applications"]["flaky"]["units"]["flaky/0"]["subordinates"]["monitor/0"]["workload-status"]["current"]
            == "active"
    });
    assert_eq!(status["applications"]["monitor"]["subordinate-to"], serde_json::json!(["flaky"]));
    assert!(status["applications"]["monitor"].get("units").is_none());
    let table = juju.ok(&["status"]);
    assert!(table.lines().any(|l| l.starts_with("  monitor/0*") && l.contains("active")), "{table}");
}

#[test]
fn juju_run_and_exec_report_tasks_as_juju_does() {
    let juju = Juju::new();
    juju.ok(&["add-model", "tasks"]);
    juju.ok(&["deploy", &path("tests/formulas/server"), "server"]);
    juju.wait("server/0 idle", |s| {
        s["applications"]["server"]["units"]["server/0"]["juju-status"]["current"] == "idle"
    });

    // An action that sets results: the plain output is their YAML; progress goes to stderr.
    let ping = juju.run(&["run", "server/0", "ping", "word=there"]);
    assert!(ping.status.success(), "{}", stderr(&ping));
    assert_eq!(String::from_utf8_lossy(&ping.stdout), "reply: pong there\n\n");
    assert_eq!(
        stderr(&ping),
        "Running operation 1 with 1 task\n  - task 2 on unit-server-0\n\nWaiting for task 2...\n"
    );

    // `action-fail`: the task failed, the command did not (its return code is 0).
    let failed = juju.run(&["run", "server/0", "explode", "--format", "json"]);
    assert!(failed.status.success(), "{}", stderr(&failed));
    let report: Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(report["server/0"]["id"], "4");
    assert_eq!(report["server/0"]["status"], "failed");
    assert_eq!(report["server/0"]["message"], "it exploded");
    assert_eq!(report["server/0"]["results"]["return-code"], 0);

    // In the background: the ids, then show-task once the unit has run it.
    let queued = juju.run(&["run", "server/0", "ping", "--background"]);
    assert!(queued.status.success(), "{}", stderr(&queued));
    assert!(stderr(&queued).starts_with("Scheduled operation 5 with task 6\n"), "{}", stderr(&queued));
    let start = Instant::now();
    let task = loop {
        let task: Value = serde_json::from_str(&juju.ok(&["show-task", "6", "--format", "json"])).unwrap();
        if task["status"] != "pending" {
            break task;
        }
        assert!(start.elapsed() < WAIT_BOUND, "task 6 never ran: {task}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(task["status"], "completed");
    assert_eq!(task["results"]["reply"], "pong hello");

    // Receivers the controller refuses, as Juju's client reports them: an operation that
    // scheduled nothing is not an error, and prints nothing on stdout (jubilant reads that).
    let undefined = juju.run(&["run", "server/0", "nope"]);
    assert!(undefined.status.success(), "{}", stderr(&undefined));
    assert!(undefined.stdout.is_empty());
    assert_eq!(
        stderr(&undefined),
        "Operation 7 failed to schedule any tasks:\naction \"nope\" not defined on unit \"server/0\"\n"
    );
    let partly = juju.run(&["run", "server/0", "server/9", "ping"]);
    assert!(partly.status.success(), "{}", stderr(&partly));
    assert!(
        stderr(&partly).starts_with(
            "Some actions could not be scheduled:\nunit \"server/9\" not found\n\nRunning operation 8 with 1 task\n"
        ),
        "{}",
        stderr(&partly)
    );
    // A task that did not finish within --wait: it timed out (the unit still runs it).
    let hurried = juju.run(&["run", "server/0", "ping", "--wait", "0.001s"]);
    assert_eq!(hurried.status.code(), Some(1));
    assert_eq!(stderr(&hurried), "ERROR timed out waiting for results from: unit server/0\n");
    let missing = juju.run(&["show-task", "99"]);
    assert_eq!(stderr(&missing), "ERROR task 99 not found\n");

    // exec: the command in the unit's hook context; a non-zero exit fails the command.
    let exec = juju.run(&["exec", "--all", "--format", "json", "--", "echo $JUJU_UNIT_NAME; config-get --format json"]);
    assert!(exec.status.success(), "{}", stderr(&exec));
    let report: Value = serde_json::from_slice(&exec.stdout).unwrap();
    let stdout = report["server/0"]["results"]["stdout"].as_str().unwrap().to_string();
    assert!(stdout.starts_with("server/0\n{"), "{stdout}");
    let failing = juju.run(&["exec", "--unit", "server/0", "--", "exit 4"]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(
        stderr(&failing).contains("ERROR the following task failed:\n - id \"15\" with return code 4\n"),
        "{}",
        stderr(&failing)
    );
}

/// `juju ARGS…` with `input` on its standard input.
fn run_with_input(juju: &Juju, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(&juju.link)
        .args(args)
        .current_dir(repo())
        .env("FORMULA_CONTROLLER_DIR", juju.controller_dir())
        .env_remove("JUJU_MODEL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn juju_ssh_and_scp_reach_the_units_machine() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    juju.ok(&["add-model", "shell"]);
    juju.ok(&["deploy", &path("tests/formulas/server"), "server"]);
    juju.wait("server/0 idle", |s| {
        s["applications"]["server"]["units"]["server/0"]["juju-status"]["current"] == "idle"
    });

    // The command runs in the unit's machine (its hostname, its root's home); its exit code
    // is the command's. OpenSSH's options before the command are taken and ignored.
    let out = juju.run(&["ssh", "server/0", "-i", "key", "hostname; pwd; exit 3"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "server-0\n/root\n");
    // A machine id, as `juju status` shows it, and `user@`.
    assert_eq!(juju.ok(&["ssh", "ubuntu@0", "cat", "/etc/hostname"]).trim(), "server-0");
    // Without a command, a shell reads standard input.
    let shell = run_with_input(&juju, &["ssh", "server/0"], "echo $((6 * 7)) from $(hostname)\n");
    assert!(shell.status.success(), "{}", stderr(&shell));
    assert_eq!(String::from_utf8_lossy(&shell.stdout), "42 from server-0\n");
    let missing = juju.run(&["ssh", "server/9", "true"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(stderr(&missing), "ERROR unit \"server/9\" not found\n");

    // scp: a file each way (a relative path in the unit is in its home), and a directory.
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("note.txt");
    std::fs::write(&local, "written here\n").unwrap();
    juju.ok(&["scp", local.to_str().unwrap(), "server/0:"]);
    assert_eq!(juju.ok(&["ssh", "server/0", "cat /root/note.txt"]), "written here\n");
    let back = tmp.path().join("hostname");
    juju.ok(&["scp", "server/0:/etc/hostname", back.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&back).unwrap().trim(), "server-0");
    std::fs::create_dir_all(tmp.path().join("tree/sub")).unwrap();
    std::fs::write(tmp.path().join("tree/sub/leaf"), "leaf\n").unwrap();
    juju.ok(&["scp", "--", "-r", tmp.path().join("tree").to_str().unwrap(), "server/0:/tmp/copied"]);
    assert_eq!(juju.ok(&["ssh", "server/0", "cat /tmp/copied/sub/leaf"]), "leaf\n");
    let again = tmp.path().join("again");
    juju.ok(&["scp", "--", "-r", "server/0:/tmp/copied", again.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(again.join("sub/leaf")).unwrap(), "leaf\n");
    let absent = juju.run(&["scp", "server/0:/no/such/file", tmp.path().to_str().unwrap()]);
    assert_eq!(absent.status.code(), Some(1), "{}", stderr(&absent));

    // exec on a machine: reported by machine id.
    let exec = juju.run(&["exec", "--machine", "0", "--format", "json", "--", "echo $JUJU_UNIT_NAME"]);
    assert!(exec.status.success(), "{}", stderr(&exec));
    let report: Value = serde_json::from_slice(&exec.stdout).unwrap();
    assert_eq!(report["0"]["machine"], "0");
    assert_eq!(report["0"]["results"]["stdout"], "server/0\n");
    let nowhere = juju.run(&["exec", "--machine", "7", "--", "true"]);
    assert!(nowhere.status.success(), "{}", stderr(&nowhere));
    assert!(stderr(&nowhere).ends_with("failed to schedule any tasks:\nmachine 7 not found\n"), "{}", stderr(&nowhere));
    let too_slow = juju.run(&["exec", "--unit", "server/0", "--wait", "0.001s", "--", "sleep 0.2"]);
    assert_eq!(stderr(&too_slow), "ERROR timed out waiting for results from: unit server/0\n");
}

#[test]
fn juju_deploys_a_bundle_and_lists_actions_and_operations() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    juju.ok(&["add-model", "bundled"]);
    let dry = juju.run(&["deploy", "./tests/bundles/juju-deploy.yaml", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("- add relation client:api - server:api\n"));
    assert!(juju.status()["applications"].as_object().unwrap().is_empty(), "a dry run deploys nothing");
    let deployed = juju.run(&["deploy", "./tests/bundles/juju-deploy.yaml"]);
    assert!(deployed.status.success(), "{}", stderr(&deployed));
    assert!(stderr(&deployed).ends_with("Deploy of bundle completed.\n"), "{}", stderr(&deployed));
    let status = juju.wait("the bundle active", |s| {
        all_active(s)
            && s["applications"]["client"]["units"]["client/0"]["workload-status"]["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("generation 5"))
    });
    assert_eq!(status["applications"]["server"]["units"].as_object().unwrap().len(), 2);
    assert_eq!(status["applications"]["server"]["relations"]["api"][0]["related-application"], "client");
    assert_eq!(juju.ok(&["config", "server", "generation"]).trim(), "5");
    let config: Value = serde_json::from_str(&juju.ok(&["config", "server", "--format", "json"])).unwrap();
    assert_eq!(config["application-config"]["trust"]["value"], true);
    let again = juju.run(&["deploy", "./tests/bundles/juju-deploy.yaml"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("application already exists"), "{}", stderr(&again));

    // actions: Juju's table, a map, the schema.
    assert_eq!(
        juju.ok(&["actions", "server"]),
        "Action   Description\nexplode  an action that fails\nping     answer with pong and the given word\n"
    );
    let listed: Value = serde_json::from_str(&juju.ok(&["actions", "server", "--format", "json"])).unwrap();
    assert_eq!(listed["ping"], "answer with pong and the given word");
    let schema = juju.ok(&["actions", "server", "--schema", "--format", "json"]);
    let schema: Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(schema["ping"]["properties"]["word"]["default"], "hello");
    assert_eq!(schema["ping"]["type"], "object");
    assert_eq!(stderr(&juju.run(&["actions", "nope"])), "ERROR application \"nope\" not found (not found)\n");

    // operations: what run and exec made.
    assert_eq!(stderr(&juju.run(&["operations"])), "no matching operations\n");
    juju.ok(&["run", "server/0", "server/1", "ping", "word=you"]);
    juju.ok(&["exec", "--unit", "client/0", "--", "true"]);
    let table = juju.ok(&["operations"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID  Status     Started"), "{table}");
    assert!(
        lines[1].starts_with("1   completed")
            && lines[1].ends_with("2,3       ping run on unit-server-0,unit-server-1"),
        "{table}"
    );
    assert!(lines[2].ends_with("juju-exec run on unit-client-0"), "{table}");
    let only_exec: Value =
        serde_json::from_str(&juju.ok(&["operations", "--actions", "juju-exec", "--format", "json"])).unwrap();
    assert_eq!(only_exec.as_object().unwrap().keys().collect::<Vec<_>>(), ["4"]);
    let shown: Value = serde_json::from_str(&juju.ok(&["show-operation", "1", "--format", "json"])).unwrap();
    assert_eq!(shown["summary"], "ping run on unit-server-0,unit-server-1");
    assert_eq!(shown["status"], "completed");
    assert_eq!(shown["action"], serde_json::json!({"name": "ping", "parameters": {"word": "you"}}));
    assert_eq!(shown["tasks"]["3"]["host"], "server/1");
    assert_eq!(shown["tasks"]["3"]["results"]["reply"], "pong you");
    assert_eq!(stderr(&juju.run(&["show-operation", "9"])), "ERROR operation 9 not found\n");
}

#[test]
fn juju_debug_log_follows_the_log_until_interrupted() {
    use std::io::BufRead;
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    juju.ok(&["add-model", "follow"]);
    juju.ok(&["deploy", &path("tests/formulas/server"), "server"]);
    juju.wait("server/0 idle", |s| {
        s["applications"]["server"]["units"]["server/0"]["juju-status"]["current"] == "idle"
    });
    let mut child = Command::new(&juju.link)
        .args(["debug-log", "--replay", "--include", "server"])
        .current_dir(repo())
        .env("FORMULA_CONTROLLER_DIR", juju.controller_dir())
        .env_remove("JUJU_MODEL")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen: Vec<String> = Vec::new();
    let mut wait_for = |what: &str, count: usize| {
        let start = Instant::now();
        while seen.iter().filter(|l| l.contains(what)).count() < count {
            assert!(start.elapsed() < WAIT_BOUND, "never logged {count} × {what}: {seen:#?}");
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                seen.push(line);
            }
        }
    };
    // `--replay`: from the beginning.
    wait_for("ran \"install\" hook", 1);
    wait_for("ran \"config-changed\" hook", 1);
    // Then what comes, while it runs.
    juju.ok(&["config", "server", "generation=9"]);
    wait_for("ran \"config-changed\" hook", 2);
    assert!(child.try_wait().unwrap().is_none(), "debug-log stopped following");
    child.kill().unwrap();
    child.wait().unwrap();
    // `--limit` and `--no-tail` print what there is and exit.
    let limited = juju.ok(&["debug-log", "--limit", "1"]);
    assert_eq!(limited.lines().count(), 1, "{limited}");
}

#[test]
fn juju_models_survive_a_controller_restart() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    juju.ok(&["add-model", "other"]);
    juju.ok(&["add-model", "kept"]);
    juju.ok(&["deploy", &path("tests/formulas/server"), "server", "-n", "2", "--config", "generation=3"]);
    juju.ok(&["deploy", &path("tests/formulas/client"), "client"]);
    juju.ok(&["integrate", "client", "server"]);
    juju.ok(&["trust", "server"]);
    juju.ok(&["model-config", "logging-config=<root>=DEBUG"]);
    let ready = |s: &Value| {
        all_active(s)
            && s["applications"]["client"]["units"]["client/0"]["workload-status"]["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("generation 3"))
    };
    let before = juju.wait("the model settled", ready);
    let data_before = juju.ok(&["show-unit", "client/0", "--format", "json"]);
    let out = formula().args(["controller", "stop", "--dir"]).arg(juju.controller_dir()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    // A new controller brings the models back, the one in focus too.
    let models: Value = serde_json::from_str(&juju.ok(&["models", "--format", "json"])).unwrap();
    let names: Vec<&str> =
        models["models"].as_array().unwrap().iter().filter_map(|m| m["short-name"].as_str()).collect();
    assert_eq!(names, ["kept", "other"]);
    assert_eq!(models["current-model"], "kept");
    let after = juju.wait("the model restored", ready);
    let workloads = |s: &Value| -> Vec<(String, Value, Value)> {
        units(s).into_iter().map(|(n, u)| (n, u["workload-status"]["message"].clone(), u["leader"].clone())).collect()
    };
    assert_eq!(workloads(&after), workloads(&before));
    assert_eq!(after["applications"]["server"]["relations"], before["applications"]["server"]["relations"]);
    assert_eq!(juju.ok(&["config", "server", "generation"]).trim(), "3");
    let config: Value = serde_json::from_str(&juju.ok(&["config", "server", "--format", "json"])).unwrap();
    assert_eq!(config["application-config"]["trust"]["value"], true);
    assert_eq!(juju.ok(&["model-config", "logging-config"]).trim(), "<root>=DEBUG");
    let strip = |text: &str| -> Value {
        let mut v: Value = serde_json::from_str(text).unwrap();
        v["client/0"]["machine"] = Value::Null;
        normalized(v)
    };
    assert_eq!(strip(&juju.ok(&["show-unit", "client/0", "--format", "json"])), strip(&data_before));
    // And it goes on.
    juju.ok(&["config", "server", "generation=4"]);
    juju.wait("the restored model changed", |s| {
        s["applications"]["client"]["units"]["client/0"]["workload-status"]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("generation 4"))
    });
    // A destroyed model stays gone.
    juju.ok(&["destroy-model", "other", "--no-prompt"]);
    let out = formula().args(["controller", "stop", "--dir"]).arg(juju.controller_dir()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let models: Value = serde_json::from_str(&juju.ok(&["models", "--format", "json"])).unwrap();
    assert_eq!(models["models"].as_array().unwrap().len(), 1, "{models}");
}

#[test]
fn juju_deploy_trusts_and_attaches_resources_that_an_ops_charm_reads() {
    let _guard = crate::sim_ns::ns_guard();
    let juju = Juju::new();
    let motd = juju.dir.path().join("motd.txt");
    std::fs::write(&motd, "v7\n").unwrap();
    juju.ok(&["add-model", "keeper"]);
    let refused = juju.run(&["deploy", &path("tests/charms/keeper"), "--resource", "logo=x.png"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("invalid resource name \"logo\""), "{}", stderr(&refused));
    let resource = format!("motd={}", motd.display());
    juju.ok(&["deploy", &path("tests/charms/keeper"), "-n", "2", "--trust", "--resource", &resource]);
    // The leader's status names the cloud credential-get gave it; the version is the resource's.
    let status = juju.wait("the keeper's units active", |s| {
        all_active(s)
            && s["applications"]["keeper"]["units"].as_object().is_some_and(|u| u.len() == 2)
            && s["applications"]["keeper"]["units"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(_, u)| u["workload-status"]["message"] == "keeps first on localhost")
    });
    assert_eq!(status["applications"]["keeper"]["version"], "v7", "{status:#}");
    // A new token reaches the follower through secret-changed.
    juju.ok(&["config", "keeper", "token=second"]);
    juju.wait("the follower reads the second token", |s| {
        s["applications"]["keeper"]["units"]
            .as_object()
            .into_iter()
            .flatten()
            .any(|(_, u)| u["workload-status"]["message"] == "reads second")
    });
    // The model keeps its own copy of the resource, and its scenario the trust and the
    // resource: with the client's file gone, the trace replays hook for hook.
    std::fs::remove_file(&motd).unwrap();
    let out = formula().args(["controller", "stop", "--dir"]).arg(juju.controller_dir()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let trace = juju.controller_dir().join("models/keeper/trace.jsonl");
    let replay = formula().arg("sim").arg("--replay").arg(&trace).output().unwrap();
    let said = String::from_utf8_lossy(&replay.stderr);
    assert!(said.contains("replay: this run followed the trace's"), "{said}");
}

#[test]
fn a_users_secrets_are_kept_shown_granted_and_read_by_units() {
    let juju = Juju::new();
    juju.ok(&["add-model", "secrets"]);
    juju.ok(&["deploy", &path("tests/formulas/server"), "server"]);
    juju.wait("server/0 idle", |s| {
        s["applications"]["server"]["units"]["server/0"]["juju-status"]["current"] == "idle"
    });
    let content = juju.dir.path().join("content.yaml");
    std::fs::write(&content, "username: ann\npassword: first\n").unwrap();
    let uri = juju.ok(&["add-secret", "db-login", "--file", content.to_str().unwrap(), "--info", "the login"]);
    let uri = uri.trim().to_string();
    assert!(uri.starts_with("secret:") && uri.len() == 27, "{uri}");
    let id = &uri["secret:".len()..];
    let again = juju.run(&["add-secret", "db-login", "a=b"]);
    assert_eq!(stderr(&again), "ERROR secret with name \"db-login\" already exists\n");
    // Shown by name or URI; the content only with --reveal, as Juju's JSON has it.
    let shown: Value = serde_json::from_str(&juju.ok(&["show-secret", "db-login", "--format", "json"])).unwrap();
    assert_eq!(shown[id]["name"], "db-login");
    assert_eq!(shown[id]["owner"], "<model>");
    assert_eq!(shown[id]["revision"], 1);
    assert_eq!(shown[id]["description"], "the login");
    assert!(shown[id].get("content").is_none(), "{shown}");
    let revealed: Value =
        serde_json::from_str(&juju.ok(&["show-secret", &uri, "--reveal", "--format", "json"])).unwrap();
    assert_eq!(revealed[id]["content"]["Data"]["password"], "first");
    // A unit reads it once its application is granted it; it keeps the revision it read.
    let get = ["exec", "--unit", "server/0", "--format", "json", "--", &format!("secret-get {uri} password")];
    let before: Value = serde_json::from_str(&String::from_utf8_lossy(&juju.run(&get).stdout)).unwrap();
    assert_ne!(before["server/0"]["results"]["return-code"], 0, "{before}");
    juju.ok(&["grant-secret", "db-login", "server"]);
    let read: Value = serde_json::from_str(&juju.ok(&get)).unwrap();
    assert_eq!(read["server/0"]["results"]["stdout"], "first\n", "{read}");
    juju.ok(&["update-secret", "db-login", "password=second"]);
    let kept: Value = serde_json::from_str(&juju.ok(&get)).unwrap();
    assert_eq!(kept["server/0"]["results"]["stdout"], "first\n", "{kept}");
    let listed: Value = serde_json::from_str(&juju.ok(&["secrets", "--format", "json"])).unwrap();
    assert_eq!(listed[id]["revision"], 2, "{listed}");
    assert_eq!(listed[id]["access"][0]["target"], "application-server", "{listed}");
    // Revoked, the unit reads nothing; removed, the secret is gone.
    juju.ok(&["revoke-secret", "db-login", "server"]);
    let after: Value = serde_json::from_str(&String::from_utf8_lossy(&juju.run(&get).stdout)).unwrap();
    assert_ne!(after["server/0"]["results"]["return-code"], 0, "{after}");
    juju.ok(&["remove-secret", "db-login"]);
    assert_eq!(stderr(&juju.run(&["show-secret", "db-login"])), "ERROR secret \"db-login\" not found\n");
    assert_eq!(juju.ok(&["secrets", "--format", "json"]).trim(), "{}");
}
