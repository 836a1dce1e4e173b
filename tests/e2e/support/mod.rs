//! Helpers shared by the end-to-end tests: run the built `formula` binary, read traces.
#![allow(dead_code)]

use simulator::trace::{self, Event};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `formula` binary.
pub fn formula() -> Command {
    Command::new(env!("CARGO_BIN_EXE_formula"))
}

/// One Cargo target directory for the Rust formulas a test binary builds (`formula new
/// --template rust`, then `formula test`/`pack` build them): their dependencies compile once.
pub fn formula_builds_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("formula-builds")
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The result of a simulation.
pub struct SimRun {
    /// Exit code.
    pub code: i32,
    /// Standard error (the hook log and the verdict).
    pub stderr: String,
    /// Standard output (the status table).
    pub stdout: String,
    /// The trace's raw bytes (empty when the run wrote no trace).
    pub trace_bytes: Vec<u8>,
    /// The trace's events, as `simulator::trace::read` reads them.
    pub events: Vec<Event>,
}

/// Methods that give the events of one kind, in order, as their typed fields.
macro_rules! events_of_kind {
    ($($(#[$doc:meta])* $method:ident: $variant:ident => $fields:ty;)*) => {
        impl SimRun {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Vec<&$fields> {
                    self.events.iter().filter_map(|e| match e { Event::$variant(x) => Some(x), _ => None }).collect()
                }
            )*
        }
    };
}

events_of_kind! {
    /// The `run` events (a trace has one, first).
    runs: Run => trace::Run;
    /// The `add-unit` events.
    added_units: AddUnit => trace::UnitNamed;
    /// The `hook` events, with their environment and draws ([`SimRun::hooks`] pairs them with
    /// how they ended).
    hook_events: Hook => trace::Hook;
    /// The `debug-hooks` events.
    debug_hooks: DebugHooks => trace::DebugHooks;
    /// The `fault` events.
    faults: Fault => trace::Fault;
    /// The hook tool calls (`tool` events).
    tools: Tool => trace::Tool;
    /// The tool calls Juju refused (`refused` events).
    refused: Refused => trace::Refused;
    /// The `juju-log` lines (`log` events).
    logs: Log => trace::Log;
    /// The calls of stubbed commands (`stub` events).
    stubs: Stub => trace::Stub;
    /// The `exit` events.
    exits: Exit => trace::Exit;
    /// The `commit` events.
    commits: Commit => trace::Commit;
    /// The `discard` events.
    discards: Discard => trace::Discard;
    /// The `idempotence` events.
    idempotence: Idempotence => trace::Idempotence;
    /// The `result` events.
    results: RunResult => trace::RunResult;
}

impl SimRun {
    /// A finished `formula sim` and the trace it wrote. A run that wrote no trace file (one
    /// stopped before it began) has no events; a trace that does not read fails the test.
    pub fn from_output(output: Output, trace: &Path) -> SimRun {
        let trace_bytes = std::fs::read(trace).unwrap_or_default();
        let text = std::str::from_utf8(&trace_bytes)
            .unwrap_or_else(|e| panic!("the trace {} is not UTF-8: {e}", trace.display()));
        let events = trace::read(text).unwrap_or_else(|e| panic!("the trace does not read: {}:{e}", trace.display()));
        SimRun {
            code: output.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            trace_bytes,
            events,
        }
    }

    /// The directory a kept run says it left (`--keep`), if it kept one.
    pub fn kept_dir(&self) -> Option<PathBuf> {
        self.stderr
            .lines()
            .find_map(|l| l.strip_prefix("kept the run's directory: "))
            .map(|rest| PathBuf::from(rest.split(" (").next().unwrap_or_default()))
    }

    /// Every hook event, in order: (unit, hook name, remote unit, relation id).
    pub fn hooks(&self) -> Vec<Hook> {
        let mut out: Vec<Hook> = Vec::new();
        for e in &self.events {
            let (step, result) = match e {
                Event::Hook(hook) => {
                    out.push(Hook {
                        step: hook.step,
                        unit: hook.unit.clone(),
                        name: hook.hook.clone(),
                        remote: hook.remote_unit.clone(),
                        relation: hook.relation,
                        result: String::new(),
                    });
                    continue;
                }
                Event::Exit(exit) => (exit.step, &exit.result),
                Event::ActionResult(action) => (action.step, &action.status),
                _ => continue,
            };
            if let Some(h) = out.iter_mut().rev().find(|h| h.step == step) {
                h.result = result.clone();
            }
        }
        out
    }

    /// The hooks one unit ran, in order.
    pub fn unit_hooks(&self, unit: &str) -> Vec<Hook> {
        self.hooks().into_iter().filter(|h| h.unit == unit).collect()
    }

    /// The names of the hooks one unit ran.
    pub fn unit_hook_names(&self, unit: &str) -> Vec<String> {
        self.unit_hooks(unit).into_iter().map(|h| h.name).collect()
    }

    /// The lines of the `log` events, in order.
    pub fn log_lines(&self) -> Vec<&str> {
        self.logs().into_iter().map(|l| l.line.as_str()).collect()
    }

    /// What `unit-get` answered (its output, trimmed) to the units whose names start with
    /// `units` (`probe/`), in order.
    pub fn unit_get_answers(&self, units: &str) -> Vec<String> {
        self.tools()
            .into_iter()
            .filter(|t| t.tool == "unit-get" && t.unit.starts_with(units))
            .map(|t| t.stdout.trim().to_string())
            .collect()
    }
}

/// One hook from a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    /// Step number.
    pub step: u64,
    /// Unit.
    pub unit: String,
    /// Hook name.
    pub name: String,
    /// Remote unit.
    pub remote: Option<String>,
    /// Relation id.
    pub relation: Option<i64>,
    /// `ok`, `failed (exit 1)`, `missing (skipped)`, …
    pub result: String,
}

/// Runs `formula sim` on a scenario file with extra arguments.
pub fn sim(scenario: &Path, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = dir.path().join("trace.jsonl");
    let mut command = formula();
    command.arg("sim").arg(scenario).arg("--trace").arg(&trace);
    // Failed runs keep their directory by default; tests fail runs on purpose.
    if !args.contains(&"--keep") {
        command.args(["--keep", "never"]);
    }
    let output: Output = command.args(args).output().expect("run formula sim");
    SimRun::from_output(output, &trace)
}

/// Runs `command` with `typed` as its standard input (what a person types into a shell it
/// opens), collecting its output.
pub fn run_typing(command: &mut Command, typed: &str) -> Output {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start formula");
    child.stdin.take().expect("stdin").write_all(typed.as_bytes()).expect("type into the shell");
    child.wait_with_output().expect("wait for formula")
}

/// Starts `formula sim -q` on `backend` with a unit whose install hook never ends (its
/// `sleep 600`), with TMPDIR at `tmpdir` so that its run directory is found there; the
/// scenario is written into `scenario_dir`. For tests of what a killed run leaves.
pub fn start_endless_run(backend: &str, tmpdir: &Path, scenario_dir: &Path) -> std::process::Child {
    start_endless_run_in(backend, Some(tmpdir), scenario_dir)
}

/// [`start_endless_run`] with `TMPDIR` set to `tmpdir`, or, with none, unset: the run's
/// directory then goes where runs go by default (`simulator::run_dirs::parent`).
pub fn start_endless_run_in(backend: &str, tmpdir: Option<&Path>, scenario_dir: &Path) -> std::process::Child {
    let scenario = scenario_file(
        scenario_dir,
        "formulas: {sleeper: FORMULAS/sleeper}\napplications:\n  sleeper: {formula: sleeper}\n",
    );
    let mut command = formula();
    match tmpdir {
        Some(dir) => command.env("TMPDIR", dir),
        None => command.env_remove("TMPDIR"),
    };
    command
        .args(["sim", "--backend", backend, "-q"])
        .arg(&scenario)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start formula sim")
}

/// A unit whose install starts a daemon and whose config-changed starts processes (some in
/// a session of their own) and hangs: after the hook timeout the daemon lives on and the
/// hook's processes are gone. The same expectations hold on every container backend.
pub const TIMED_OUT_HOOK_WITH_ESCAPED_PROCESSES: &str = r#"
formulas: {escape: FORMULAS/ns-escape}
applications:
  escape: {formula: escape}
steps:
  - settle
  - expect:
      agent: {escape/0: error}
      run:
        # install's daemon lives on; config-changed's processes, in a session of their own
        # or not, went with the timeout
        - {unit: escape/0, command: "cat /proc/[0-9]*/cmdline | tr '\\0' ' ' | grep -o 'sleep 100[0-9]' | sort | tr '\\n' ,", exit: 0, stdout-contains: "sleep 1001,"}
        - {unit: escape/0, command: "cat /proc/[0-9]*/cmdline | tr '\\0' ' ' | grep -c 'sleep 100[23]'", exit: 1}
"#;

/// Writes a scenario text to a file next to the test formulas (so relative paths work).
pub fn scenario_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, text.replace("FORMULAS", &repo().join("tests/formulas").to_string_lossy()))
        .expect("write scenario");
    path
}

/// Checks the orderings Juju guarantees (spec §6.2) on every unit of a run; returns the
/// violations.
pub fn ordering_violations(run: &SimRun) -> Vec<String> {
    let mut problems = Vec::new();
    let hooks = run.hooks();
    let mut units: Vec<String> = hooks.iter().map(|h| h.unit.clone()).collect();
    units.sort();
    units.dedup();
    for unit in units {
        let seq: Vec<&Hook> = hooks.iter().filter(|h| h.unit == unit && !h.name.is_empty()).collect();
        let names: Vec<&str> = seq.iter().map(|h| h.name.as_str()).collect();
        let pos = |n: &str| names.iter().position(|x| *x == n);
        let say = |p: &mut Vec<String>, m: String| p.push(format!("{unit}: {m}; hooks: {names:?}"));
        if let Some(first) = names.first() {
            if *first != "install" {
                say(&mut problems, format!("first hook is {first}, not install"));
            }
        }
        if let (Some(cc), Some(start)) = (pos("config-changed"), pos("start")) {
            if start < cc {
                say(&mut problems, "start before the first config-changed".into());
            }
        }
        if let (Some(leadership), Some(cc)) =
            (pos("leader-settings-changed").or(pos("leader-elected")), pos("config-changed"))
        {
            if leadership > cc && pos("start").is_some_and(|s| s > cc) && leadership < pos("start").unwrap_or(0) {
                say(&mut problems, "leadership hook between config-changed and start".into());
            }
        }
        for (i, h) in seq.iter().enumerate() {
            let next = seq.get(i + 1);
            let succeeded = h.result.starts_with("ok") || h.result.starts_with("missing");
            // ChangedPending: the next hook *of the same relation* is the changed for the unit
            // that joined. Other relations' hooks, config-changed, leadership hooks and actions
            // may come between (spec §6.2).
            if h.name.ends_with("-relation-joined") && succeeded {
                let want = h.name.replace("-joined", "-changed");
                // (None when the unit went into error before it and stayed there.)
                let next_of_relation = seq[i + 1..].iter().find(|n| n.relation == h.relation);
                if next_of_relation.is_some_and(|n| n.name != want || n.remote != h.remote) {
                    say(&mut problems, format!("{} ({:?}) not followed by {want} in its relation", h.name, h.remote));
                }
            }
            // A queued start runs right after the first config-changed (spec §6.1).
            if h.name == "config-changed"
                && h.result.starts_with("ok")
                && !seq[..i].iter().any(|p| p.name == "start")
                && next.is_some_and(|n| n.name != "start" && n.name != "config-changed")
            {
                say(
                    &mut problems,
                    format!("{} between the first config-changed and start", next.map_or("", |n| n.name.as_str())),
                );
            }
            if h.name == "stop" && !seq[..i].iter().any(|p| p.name == "start") {
                say(&mut problems, "stop without a start before it".into());
            }
            if h.name == "remove" && !seq[..i].iter().any(|p| p.name == "install") {
                say(&mut problems, "remove without an install before it".into());
            }
            if h.name == "upgrade-charm"
                && h.result.starts_with("ok")
                && next.is_none_or(|n| n.name != "config-changed")
            {
                say(&mut problems, "upgrade-charm not followed by config-changed".into());
            }
            if h.name.ends_with("-relation-changed") && h.remote.is_some() {
                let departed_before = seq[..i].iter().any(|p| {
                    p.name.ends_with("-relation-departed") && p.remote == h.remote && p.relation == h.relation
                });
                if departed_before {
                    say(&mut problems, format!("{} for {:?} after it departed", h.name, h.remote));
                }
            }
            if h.name.ends_with("-relation-departed") {
                let joined = seq[..i]
                    .iter()
                    .any(|p| p.name.ends_with("-relation-joined") && p.remote == h.remote && p.relation == h.relation);
                if !joined {
                    say(&mut problems, format!("{} for {:?} that never joined", h.name, h.remote));
                }
            }
            if h.name.ends_with("-relation-broken") {
                if seq[i + 1..].iter().any(|p| p.relation == h.relation) {
                    say(&mut problems, format!("hooks of relation {:?} after {}", h.relation, h.name));
                }
                let joined: Vec<_> = seq[..i]
                    .iter()
                    .filter(|p| p.relation == h.relation && p.name.ends_with("-joined"))
                    .map(|p| p.remote.clone())
                    .collect();
                for member in joined {
                    if !seq[..i]
                        .iter()
                        .any(|p| p.relation == h.relation && p.name.ends_with("-departed") && p.remote == member)
                    {
                        say(&mut problems, format!("{} while {member:?} had not departed", h.name));
                    }
                }
            }
            if h.relation.is_some() && !h.name.ends_with("-relation-created") {
                let created =
                    seq[..i].iter().any(|p| p.relation == h.relation && p.name.ends_with("-relation-created"));
                if !created {
                    say(&mut problems, format!("{} before relation-created", h.name));
                }
            }
            if h.name == "stop" && seq[i + 1..].iter().any(|p| p.relation.is_some()) {
                say(&mut problems, "relation hooks after stop".into());
            }
            if h.name == "remove" && i + 1 != seq.len() {
                say(&mut problems, "hooks after remove".into());
            }
        }
    }
    problems
}

/// A `formula sim-worker`, the explorer's long-lived runner, driven as the explorer drives it:
/// a JSON request per run on its stdin, a JSON answer per run on its stdout.
pub struct SimWorker {
    child: std::process::Child,
    answers: std::io::BufReader<std::process::ChildStdout>,
}

impl SimWorker {
    /// A new worker.
    pub fn start() -> SimWorker {
        let mut child = formula()
            .arg("sim-worker")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start formula sim-worker");
        let answers = std::io::BufReader::new(child.stdout.take().expect("worker stdout"));
        SimWorker { child, answers }
    }

    /// The worker's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Runs `formula sim ARGS` in the worker; its answer (`code`, `last_line`, `open_fds`).
    pub fn run(&mut self, args: &[&str]) -> serde_json::Value {
        use std::io::{BufRead, Write};
        let mut all = vec!["sim"];
        all.extend_from_slice(args);
        let request = serde_json::json!({"args": all, "env": []});
        let stdin = self.child.stdin.as_mut().expect("worker stdin");
        writeln!(stdin, "{request}").expect("write a request");
        let mut line = String::new();
        self.answers.read_line(&mut line).expect("read an answer");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not an answer ({e}): {line:?}"))
    }

    /// Closes its requests; its exit code.
    pub fn finish(mut self) -> i32 {
        drop(self.child.stdin.take());
        self.child.wait().expect("wait for the worker").code().unwrap_or(-1)
    }
}
