//! Helpers shared by the end-to-end tests: run the built `formula` binary, read traces.
#![allow(dead_code)]

use serde_json::Value;
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
    /// The trace's raw bytes.
    pub trace_bytes: Vec<u8>,
    /// The trace's events.
    pub events: Vec<Value>,
}

impl SimRun {
    /// A finished `formula sim` and the trace it wrote.
    pub fn from_output(output: Output, trace: &Path) -> SimRun {
        let trace_bytes = std::fs::read(trace).unwrap_or_default();
        let events =
            String::from_utf8_lossy(&trace_bytes).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
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
            match e["event"].as_str() {
                Some("hook") => out.push(Hook {
                    step: e["step"].as_u64().unwrap_or(0),
                    unit: e["unit"].as_str().unwrap_or("").to_string(),
                    name: e["hook"].as_str().unwrap_or("").to_string(),
                    remote: e["remote-unit"].as_str().map(str::to_string),
                    relation: e["relation"].as_i64(),
                    result: String::new(),
                }),
                Some("exit") | Some("action-result") => {
                    if let Some(h) = out.iter_mut().rev().find(|h| Some(h.step) == e["step"].as_u64()) {
                        h.result = e["result"].as_str().or(e["status"].as_str()).unwrap_or("").to_string();
                    }
                }
                _ => {}
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

    /// Events of one kind.
    pub fn events_of(&self, kind: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["event"] == kind).collect()
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
    let scenario = scenario_file(
        scenario_dir,
        "formulas: {sleeper: FORMULAS/sleeper}\napplications:\n  sleeper: {formula: sleeper}\n",
    );
    formula()
        .env("TMPDIR", tmpdir)
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
            if *first != "install" && *first != "remove" {
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
            if h.name.ends_with("-relation-joined") && succeeded {
                let want = h.name.replace("-joined", "-changed");
                if !next.is_some_and(|n| n.name == want && n.remote == h.remote && n.relation == h.relation) {
                    say(&mut problems, format!("{} ({:?}) not immediately followed by {want}", h.name, h.remote));
                }
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
