//! `--backend auto` without root: units still get machines of their own, from user
//! namespaces (the `ns` backend without root).
//!
//! The tests start as root (CI runs as root) and run `formula sim` as the unprivileged user
//! `nobody` (uid 65534), with a directory of its own for the run, the scenario, the trace,
//! and a link to (or copy of) the built binary and the formulas (the checkout may be where
//! `nobody` cannot go). Without root to start from they fail, saying so.

use crate::support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The user the runs drop to.
const NOBODY: u32 = 65534;

/// A directory owned by `nobody` for one run (its TMPDIR, HOME, scenario and trace).
struct NobodyDir {
    dir: tempfile::TempDir,
}

impl NobodyDir {
    fn new() -> NobodyDir {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
        assert!(root, "these tests start as root to drop to an unprivileged user (CI runs as root)");
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["tmp", "home", "formulas"] {
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        let binary = dir.path().join("formula");
        if std::fs::hard_link(env!("CARGO_BIN_EXE_formula"), &binary).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_formula"), &binary).expect("copy the formula binary");
        }
        let formulas = [
            repo().join("examples/wiki/formulas/wiki"),
            repo().join("tests/formulas/ns-web"),
            repo().join("tests/formulas/ns-bomb"),
            repo().join("tests/formulas/ns-probe"),
            repo().join("tests/formulas/ns-hog"),
        ];
        for formula in formulas {
            let copied = Command::new("cp").arg("-a").arg(&formula).arg(dir.path().join("formulas")).status();
            assert!(copied.is_ok_and(|s| s.success()), "cannot copy {}", formula.display());
        }
        let chown = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(dir.path().join("tmp"))
            .arg(dir.path().join("home"))
            .arg(dir.path().join("formulas"))
            .status()
            .expect("chown");
        assert!(chown.success());
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        NobodyDir { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `formula sim ARGS` as `nobody`, with its trace in this directory.
    fn sim(&self, args: &[&str]) -> SimRun {
        let trace = self.path().join("home/trace.jsonl");
        let _ = std::fs::remove_file(&trace);
        let output = Command::new("setpriv")
            .args(["--reuid", &NOBODY.to_string(), "--regid", &NOBODY.to_string(), "--clear-groups"])
            .arg(self.path().join("formula"))
            .arg("sim")
            .args(args)
            .arg("--trace")
            .arg(&trace)
            .args(["--keep", "never"])
            .env("TMPDIR", self.path().join("tmp"))
            .env("HOME", self.path().join("home"))
            .output()
            .expect("run formula sim as nobody");
        SimRun::from_output(output, &trace)
    }

    /// Writes a scenario, readable by `nobody`, whose `FORMULAS/` are the copied formulas.
    fn scenario(&self, text: &str) -> PathBuf {
        let path = self.path().join("scenario.yaml");
        let formulas = self.path().join("formulas");
        std::fs::write(&path, text.replace("FORMULAS", &formulas.to_string_lossy())).expect("write the scenario");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        path
    }
}

/// Fails unless the run chose the ns backend and says so in its status table.
fn assert_ran_on_ns(run: &SimRun) {
    assert!(run.stderr.contains("units on the ns backend"), "auto should pick ns:\n{}", run.stderr);
    let header = run.stdout.lines().find(|l| l.contains("Model")).unwrap_or_default();
    let first = run.stdout.lines().skip_while(|l| !l.contains("Model")).nth(1).unwrap_or_default();
    assert!(first.split_whitespace().any(|w| w == "ns"), "the status table names the backend:\n{header}\n{first}");
    let runs = run.runs();
    assert!(runs.iter().all(|e| e.backend == "ns"), "{runs:?}");
}

#[test]
fn auto_runs_the_example_stack_in_user_namespaces() {
    let home = NobodyDir::new();
    let run = home.sim(&["--backend", "auto"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_ran_on_ns(&run);
    assert!(run.stderr.contains("without root, in user namespaces"), "{}", run.stderr);
}

const ISOLATION: &str = r#"
formulas: {wiki: FORMULAS/wiki, web: FORMULAS/ns-web}
applications:
  wiki: {formula: wiki, units: 2}
  db: {formula: web, units: 1}
stubs:
  "*": {apt-get: "exit 0"}
steps:
  - settle
  - expect:
      status: {db/0: {status: active, message: "serving on 10.77.0.12:8080"}}
      run:
        - {unit: wiki/0, command: "echo only-on-wiki-0 > /etc/wiki/rootless-marker && hostname && hostname -I", exit: 0, stdout-contains: "wiki-0\n10.77.0.10 "}
        - {unit: wiki/1, command: "test ! -e /etc/wiki/rootless-marker && hostname && hostname -I", exit: 0, stdout-contains: "wiki-1\n10.77.0.11 "}
        - {unit: wiki/0, command: "cat /etc/wiki/rootless-marker", exit: 0, stdout-contains: only-on-wiki-0}
        # the unit's root is the unit base, which root built, not this machine's /
        - {unit: wiki/1, command: "cat /etc/formula-base && lsb_release -cs && command -v sudo git ifconfig", exit: 0, stdout-contains: "debian-bookworm-"}
        # db/0's daemon, started by its install hook, answers wiki/0 on db/0's address
        - {unit: wiki/0, command: "python3 -c \"import urllib.request; print(urllib.request.urlopen('http://10.77.0.12:8080/', timeout=5).read().decode())\"", exit: 0, stdout-contains: "hello from db/0"}
"#;

#[test]
fn units_without_root_are_machines_of_their_own() {
    let home = NobodyDir::new();
    let scenario = home.scenario(ISOLATION);
    let run = home.sim(&["--backend", "auto", &scenario.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_ran_on_ns(&run);
    let base = run.runs()[0].base.clone().expect("a rootless ns run names its base");
    assert!(base.recipe.starts_with("debian-bookworm-") && base.digest.starts_with("sha256:"), "{base:?}");
    assert!(!Path::new("/etc/wiki/rootless-marker").exists(), "wiki/0's file reached the machine");
    let addresses: Vec<String> = run
        .tools()
        .into_iter()
        .filter(|e| e.tool == "unit-get")
        .map(|e| format!("{} {}", e.unit, e.stdout.trim()))
        .collect();
    assert!(addresses.contains(&"db/0 10.77.0.12".to_string()), "{addresses:?}");
    // Nothing of the run stays: no unit's pid 1, no daemon, no directory.
    let left: Vec<String> = std::fs::read_dir(home.path().join("tmp"))
        .map(|rd| rd.flatten().map(|e| e.path().display().to_string()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "the run left {left:?}");
}

#[test]
fn without_root_a_fork_bomb_meets_a_process_limit_and_the_timeout() {
    let home = NobodyDir::new();
    let scenario = home.scenario(
        r#"
formulas: {bomb: FORMULAS/ns-bomb, probe: FORMULAS/ns-probe}
# one failure is the point: no automatic retries of the runaway hook (spec §6.5)
model-config: {automatically-retry-hooks: false}
applications:
  bomb: {formula: bomb}
  probe: {formula: probe}
steps:
  - settle
  - expect:
      agent: {bomb/0: error}
      status: {probe/0: {status: active, message: probed}}
"#,
    );
    let run = home.sim(&["--backend", "auto", "--unit-pids", "64", "--hook-timeout", "4", &scenario.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ran_on_ns(&run);
    // Where no cgroup is delegated to the user, the run says so and limits each hook's
    // processes instead; either way the forks fail and the timeout ends the hook.
    assert!(
        run.stderr.contains("limited to 64 tasks")
            || run.stderr.contains("at most 64 processes of the unit (RLIMIT_NPROC)"),
        "{}",
        run.stderr
    );
    let result = run.unit_hooks("bomb/0").first().map(|h| h.result.clone()).unwrap_or_default();
    assert!(result.contains("timed out"), "{}", run.stderr);
    assert!(run.stderr.contains("Resource temporarily unavailable"), "the limit should stop the forks: {}", run.stderr);
    assert_eq!(run.unit_hook_names("probe/0"), ["install", "leader-elected", "config-changed", "start"]);
}

#[test]
fn without_root_a_memory_hog_meets_a_memory_limit() {
    let home = NobodyDir::new();
    let scenario = home.scenario(
        r#"
formulas: {hog: FORMULAS/ns-hog, probe: FORMULAS/ns-probe}
# one failure is the point: no automatic retries of the runaway hook (spec §6.5)
model-config: {automatically-retry-hooks: false}
applications:
  hog: {formula: hog}
  probe: {formula: probe}
steps:
  - settle
  - expect:
      agent: {hog/0: error}
      status: {probe/0: {status: active, message: probed}}
"#,
    );
    let run = home.sim(&["--backend", "auto", "--unit-memory", "256", &scenario.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ran_on_ns(&run);
    // With a delegated cgroup the unit is limited; without, each of the hook's processes.
    assert!(
        run.stderr.contains("256 MiB") && (run.stderr.contains("RLIMIT_AS") || run.stderr.contains("limited to")),
        "{}",
        run.stderr
    );
    let result = run.unit_hooks("hog/0").first().map(|h| h.result.clone()).unwrap_or_default();
    assert!(result.starts_with("failed"), "the hog should fail at the limit: {result}\n{}", run.stderr);
    assert_eq!(run.unit_hook_names("probe/0"), ["install", "leader-elected", "config-changed", "start"]);
}

#[test]
fn without_root_a_killed_run_leaves_only_what_clean_removes() {
    let home = NobodyDir::new();
    let copied = Command::new("cp")
        .arg("-a")
        .arg(repo().join("tests/formulas/sleeper"))
        .arg(home.path().join("formulas"))
        .status();
    assert!(copied.is_ok_and(|s| s.success()));
    let scenario =
        home.scenario("formulas: {sleeper: FORMULAS/sleeper}\napplications:\n  sleeper: {formula: sleeper}\n");
    let as_nobody = |args: &[&str]| {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid", &NOBODY.to_string(), "--regid", &NOBODY.to_string(), "--clear-groups"])
            .arg(home.path().join("formula"))
            .args(args)
            .env("TMPDIR", home.path().join("tmp"))
            .env("HOME", home.path().join("home"));
        command
    };
    let mut child = as_nobody(&["sim", "--backend", "auto", "-q", &scenario.to_string_lossy()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start formula sim as nobody");
    // Wait until the unit runs its (endless) install hook.
    let sleeping = || {
        std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|e| {
            std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c.starts_with(b"sleep\x00600"))
                && std::fs::read_to_string(e.path().join("status"))
                    .is_ok_and(|s| s.lines().any(|l| l.starts_with("Uid:") && l.contains("65534")))
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !sleeping() {
        assert!(std::time::Instant::now() < deadline, "the run did not start its unit");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // setpriv executes `formula` in its own process.
    let simulator = child.id();
    child.kill().expect("kill formula sim");
    child.wait().expect("reap formula sim");
    // The unit dies with its simulator (its pid 1 had the simulator as parent).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while sleeping() {
        assert!(std::time::Instant::now() < deadline, "the unit outlived its simulator");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let runs: Vec<PathBuf> =
        std::fs::read_dir(home.path().join("tmp")).expect("tmp").flatten().map(|e| e.path()).collect();
    let run_dir = runs.iter().find(|p| p.join("ns/state").is_file()).expect("the killed run's directory").clone();
    let cleaned = as_nobody(&["sim", "--clean", "--backend", "ns"]).output().expect("formula sim --clean");
    let said = String::from_utf8_lossy(&cleaned.stderr).into_owned();
    assert!(cleaned.status.success(), "{said}");
    assert!(said.contains(&format!("removed {}", run_dir.display())), "{said}");
    assert!(!run_dir.exists(), "{said}");
    // The run's layer, kept in memory, went too.
    let layers: Vec<String> = std::fs::read_dir("/dev/shm")
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let mine = format!("formula-sim-{simulator}-");
    assert!(!layers.iter().any(|l| l.starts_with(&mine)), "{layers:?}\n{said}");
}

#[test]
fn without_root_a_host_run_has_a_machine_of_its_own() {
    // Without namespaces `nobody` could not write /etc/wiki: the run passes only in its own
    // copy of /etc, which goes with it.
    let home = NobodyDir::new();
    let marker = format!("/etc/wiki/host-rootless-marker-{}", std::process::id());
    let scenario = home.scenario(&format!(
        "formulas: {{wiki: FORMULAS/wiki}}\napplications:\n  wiki: {{formula: wiki}}\nstubs:\n  \"*\": {{apt-get: \"exit 0\"}}\nsteps:\n  - settle\n  - expect:\n      run: {{unit: wiki/0, command: \"echo mark > {marker} && cat /etc/wiki/wiki.conf {marker}\", exit: 0, stdout-contains: mark}}\n"
    ));
    let run = home.sim(&[scenario.to_str().expect("utf-8 path"), "--backend", "host"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert!(run.stderr.contains("note: the run has a machine of its own"), "{}", run.stderr);
    assert!(!Path::new(&marker).exists(), "the run wrote {marker} on this machine");
}

#[test]
fn without_root_explored_seeds_pass_and_leave_no_run_layer() {
    // A worker keeps the run's layer of the machine's writable trees from one seed to the
    // next, and removes it when exploring ends.
    let home = NobodyDir::new();
    let scenario = home.scenario(
        "formulas: {probe: FORMULAS/ns-probe}\napplications:\n  probe: {formula: probe, units: 2}\nsteps:\n  - settle\n  - expect: {status: {probe/0: active, probe/1: active}}\n",
    );
    let output = Command::new("setpriv")
        .args(["--reuid", &NOBODY.to_string(), "--regid", &NOBODY.to_string(), "--clear-groups"])
        .arg(home.path().join("formula"))
        .args(["sim", &scenario.to_string_lossy(), "--backend", "ns", "--seeds", "0..4", "--jobs", "1"])
        .args(["--allow-repeats", "--keep-going", "--out"])
        .arg(home.path().join("tmp"))
        .env("TMPDIR", home.path().join("tmp"))
        .env("HOME", home.path().join("home"))
        .output()
        .expect("explore as nobody");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("4 runs, 0 failed"), "{stderr}");
    let layers: Vec<String> = std::fs::read_dir("/dev/shm")
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.metadata().is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == NOBODY))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("formula-sim-") && name.ends_with("-base"))
                // Another test's live run has one too: left behind is one whose process is gone.
                .filter(|name| {
                    let pid = name.trim_start_matches("formula-sim-").split('-').next().unwrap_or_default();
                    // (and not the layer `clean_removes_a_run_layer_…` makes for `--clean`)
                    pid != FAKE_DEAD_WORKER && !Path::new("/proc").join(pid).exists()
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(layers.is_empty(), "run layers left: {layers:?}");
    let left: Vec<String> = std::fs::read_dir(home.path().join("tmp"))
        .map(|rd| rd.flatten().map(|e| e.path().display().to_string()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "the exploration left {left:?}");
}

/// The process id in the name of a run layer whose process is gone (no pid is that high).
const FAKE_DEAD_WORKER: &str = "999999999";

#[test]
fn clean_removes_a_run_layer_whose_worker_died_between_runs() {
    // What a worker killed between two runs leaves: its layer, named after it, and no run.
    // Any `--clean` would remove it: not while the ns tests, which expect to find nothing
    // left, clean.
    let _guard = crate::sim_ns::ns_guard();
    let home = NobodyDir::new();
    let layer = PathBuf::from(format!("/dev/shm/formula-sim-{FAKE_DEAD_WORKER}-1-base"));
    std::fs::create_dir_all(layer.join("etc")).expect("make a layer");
    std::fs::write(layer.join("etc/hostname"), "machine\n").expect("write");
    let chown = Command::new("chown").args(["-R", "65534:65534"]).arg(&layer).status().expect("chown");
    assert!(chown.success());
    let cleaned = Command::new("setpriv")
        .args(["--reuid", &NOBODY.to_string(), "--regid", &NOBODY.to_string(), "--clear-groups"])
        .arg(home.path().join("formula"))
        .args(["sim", "--clean", "--backend", "ns"])
        .env("TMPDIR", home.path().join("tmp"))
        .env("HOME", home.path().join("home"))
        .output()
        .expect("formula sim --clean");
    let said = String::from_utf8_lossy(&cleaned.stderr).into_owned();
    assert!(cleaned.status.success(), "{said}");
    assert!(said.contains(&format!("removed {}", layer.display())), "{said}");
    assert!(!layer.exists(), "{said}");
}
