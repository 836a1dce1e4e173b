//! The `lxd` backend end to end: the example stack reaches the same final model as on the
//! `host` and `ns` backends; units are machines of their own (files, host names, addresses,
//! a service one unit serves to another); a hook that runs out of time is killed with what it
//! started; and `formula sim --clean` deletes the containers of a run whose simulator was
//! killed.
//!
//! These tests need root and a ready LXD (`sudo bash dev/lxd-setup.sh`, which `.ci/run`
//! runs): without them they fail, saying so.

use crate::support::*;
use regex::Regex;
use simulator::trace::BagKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const IMAGE: &str = "formula-sim-bookworm";

/// Fails, naming the setup script, unless this runs as root with LXD and its image ready.
pub(crate) fn lxd_ready() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    assert!(root, "the lxd backend tests need root (CI runs as root)");
    let image = Command::new("lxc").args(["query", &format!("/1.0/images/aliases/{IMAGE}")]).output();
    let ready = image.as_ref().is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "LXD is not ready (no `lxc`, no daemon, or no image {IMAGE}): run `sudo bash dev/lxd-setup.sh` ({:?})",
        image.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
    );
}

/// The containers that exist now, by name.
fn containers() -> Vec<String> {
    let out = Command::new("lxc").args(["list", "--format", "csv", "-c", "n"]).output().expect("lxc list");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// `text` with every IPv4 address replaced by `ADDR` and runs of spaces by one (a status
/// table's columns are as wide as its longest address).
fn mask_addresses(text: &str) -> String {
    let address = Regex::new(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").unwrap();
    let spaces = Regex::new(r"[ \t]+").unwrap();
    spaces.replace_all(&address.replace_all(text, "ADDR"), " ").into_owned()
}

/// The relation settings a run ended with, from its commits: (relation, owner of the bag,
/// key) → value, with addresses masked, and the db formula's password too: it is a hash of
/// the hook's context id, which follows the order of hooks, and that order may differ where
/// units see leftovers of other runs on this machine (host units, and ns units through their
/// lower layer, which is this machine's root).
fn final_relation_data(run: &SimRun) -> BTreeMap<(i64, String, String), String> {
    let mut data = BTreeMap::new();
    for commit in run.commits() {
        let unit = commit.unit.as_str();
        for change in &commit.changes.relations {
            let relation = change.relation;
            let owner = match change.bag {
                BagKind::App => unit.split('/').next().unwrap_or_default().to_string(),
                BagKind::Unit => unit.to_string(),
            };
            for (key, value) in &change.changes {
                let slot = (relation, owner.clone(), key.clone());
                match value.as_deref() {
                    Some(_) if key == "password" => data.insert(slot, "PASSWORD".into()),
                    Some(v) if !v.is_empty() => data.insert(slot, mask_addresses(v)),
                    _ => data.remove(&slot),
                };
            }
        }
    }
    data
}

#[test]
fn the_example_stack_reaches_the_same_model_on_host_ns_and_lxd() {
    lxd_ready();
    let stack = repo().join("examples/wiki/scenarios/stack.yaml");
    // ns and lxd units are machines of their own and may run side by side. Host units write
    // /etc and /usr/local as their formulas do: they run last, and in namespaces of their own
    // (`--isolate`), so that nothing is left on this machine for every later ns unit to see
    // through its lower layer (other tests' runs, the stack's snapshot among them).
    let (ns, lxd) = std::thread::scope(|scope| {
        let ns = scope.spawn(|| sim(&stack, &["--backend", "ns"]));
        let lxd = scope.spawn(|| sim(&stack, &["--backend", "lxd"]));
        (ns.join().expect("ns run"), lxd.join().expect("lxd run"))
    });
    let host = sim(&stack, &["--backend", "host", "--isolate"]);
    let runs = [("host", &host), ("ns", &ns), ("lxd", &lxd)];
    for (backend, run) in runs {
        assert_eq!(run.code, 0, "{backend}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("units on the {backend} backend")), "{backend}: {}", run.stderr);
    }
    // The same final model: status table (workloads, ports, messages, relations) and
    // relation data, but for addresses.
    let expected = final_relation_data(&host);
    let database = expected.iter().find(|((_, owner, key), _)| owner == "db/0" && key == "database");
    assert_eq!(database.map(|(_, v)| v.as_str()), Some("wiki"), "{expected:#?}");
    for (backend, run) in &runs[1..] {
        // The table's first block names the backend; the rest must be the same.
        let model = |stdout: &str| mask_addresses(stdout.split_once("\n\n").map_or(stdout, |(_, rest)| rest));
        assert_eq!(model(&run.stdout), model(&host.stdout), "{backend}: status table");
        assert_eq!(final_relation_data(run), expected, "{backend}: relation data");
    }
    // Addresses come from each backend's own network: LXD's bridge for lxd.
    let address = |unit: &str| -> String {
        let line = lxd.stdout.lines().find(|l| l.starts_with(unit)).unwrap_or_default();
        line.split_whitespace().nth(3).unwrap_or_default().to_string()
    };
    let (wiki0, wiki1) = (address("wiki/0"), address("wiki/1"));
    assert!(Regex::new(r"^\d+\.\d+\.\d+\.\d+$").unwrap().is_match(&wiki0), "{}", lxd.stdout);
    assert_ne!(wiki0, wiki1, "{}", lxd.stdout);
    assert!(!wiki0.starts_with("127.") && !wiki0.starts_with("10.77."), "{}", lxd.stdout);
}

const MACHINES: &str = r#"
formulas: {probe: FORMULAS/ns-probe, web: FORMULAS/ns-web, fetch: FORMULAS/ns-fetch}
applications:
  probe: {formula: probe, units: 2}
  web: {formula: web, units: 1}
  fetch: {formula: fetch, units: 1, network: host}
relations:
  - [web, fetch]
steps:
  - settle
  - expect:
      files:
        probe/0: {/etc/probe.conf: {equals: "probe/0\n"}, /root/hostname: {equals: "probe-0\n"}}
        probe/1: {/etc/probe.conf: {equals: "probe/1\n"}, /root/hostname: {equals: "probe-1\n"}}
        # web/0's daemon, started by its install hook, answers fetch/0 on web/0's address
        fetch/0: {/etc/fetched: {equals: "hello from web/0\n"}}
      run:
        - {unit: probe/0, command: "touch /root/only-on-probe-0", exit: 0}
        - {unit: probe/1, command: "test -e /root/only-on-probe-0", exit: 1}
        - {unit: probe/1, command: "cat /etc/probe.conf; hostname", stdout-contains: "probe/1\nprobe-1\n"}
        # a process in a unit gets the environment it was given, nothing of `lxc exec`'s own
        - {unit: probe/0, command: "env | grep -c -e '^container=' -e '^USER='", exit: 1}
        # unit-get private-address is the address of the unit's eth0
        - {unit: probe/0, command: "test \"$(cat /root/address)\" = \"$(cat /root/interfaces)\"", exit: 0}
        - {unit: probe/1, command: "test \"$(cat /root/address)\" = \"$(cat /root/interfaces)\"", exit: 0}
"#;

#[test]
fn lxd_units_are_machines_of_their_own() {
    lxd_ready();
    let machine_probe = std::fs::read("/etc/probe.conf").ok();
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(&scenario_file(dir.path(), MACHINES), &["--backend", "lxd"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read("/etc/probe.conf").ok(), machine_probe, "the machine's /etc/probe.conf changed");
    let addresses = run.unit_get_answers("probe/");
    assert_eq!(addresses.len(), 2, "{addresses:?}");
    assert_ne!(addresses[0], addresses[1], "two units, one address");
    // The namespaces the probes logged: their own, not this machine's.
    let mine = std::fs::read_link("/proc/self/ns/net").unwrap().to_string_lossy().into_owned();
    let logged: Vec<String> =
        run.log_lines().into_iter().filter_map(|l| l.split_once("ns-ids ").map(|(_, ids)| ids.to_string())).collect();
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(logged.iter().all(|ids| !ids.contains(&mine)), "a unit is on the machine's network: {logged:?}");
}

#[test]
fn a_timed_out_hook_is_killed_with_what_it_started() {
    lxd_ready();
    let text = TIMED_OUT_HOOK_WITH_ESCAPED_PROCESSES;
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "lxd", "--hook-timeout", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results: Vec<(String, String)> =
        run.unit_hooks("escape/0").iter().map(|h| (h.name.clone(), h.result.clone())).collect();
    assert!(
        results.iter().any(|(hook, result)| hook == "config-changed" && result.contains("timed out")),
        "{results:?}"
    );
    // The hook's own `sleep 1003` would have held the run for 17 minutes.
    assert!(started.elapsed() < Duration::from_secs(600), "the timed-out hook was not killed");
}

#[test]
fn clean_deletes_the_containers_of_a_killed_run() {
    lxd_ready();
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = start_endless_run("lxd", temp.path(), dir.path());
    let (run_dir, name) = wait_for_endless_install(temp.path());
    child.kill().expect("kill formula sim");
    child.wait().expect("reap formula sim");
    // LXD's containers outlive their simulator; --clean deletes them and the run's directory.
    assert!(containers().contains(&name), "{name} should outlive its simulator");
    // `--backend lxd`: the ns tests of this crate clean their own killed runs beside this one.
    let cleaned = formula()
        .env("TMPDIR", temp.path())
        .args(["sim", "--clean", "--backend", "lxd"])
        .output()
        .expect("formula sim --clean");
    let said = String::from_utf8_lossy(&cleaned.stderr).into_owned();
    assert!(cleaned.status.success(), "{said}");
    assert!(said.contains(&format!("deleted container {name}")), "{said}");
    assert!(said.contains(&format!("removed {}", run_dir.display())), "{said}");
    assert!(!containers().contains(&name), "{said}");
    assert!(!run_dir.exists(), "{said}");
}

#[test]
fn the_units_limits_stop_a_fork_bomb_and_a_memory_hog_and_the_others_go_on() {
    lxd_ready();
    let text = r#"
# one failure is the point: no automatic retries of the runaway hooks (spec §6.5)
model-config: {automatically-retry-hooks: false}
formulas: {bomb: FORMULAS/ns-bomb, hog: FORMULAS/ns-hog, probe: FORMULAS/ns-probe}
applications:
  bomb: {formula: bomb}
  hog: {formula: hog}
  probe: {formula: probe}
steps:
  - settle
  - expect:
      agent: {bomb/0: error, hog/0: error}
      status: {probe/0: {status: active, message: probed}}
      files: {probe/0: {/etc/probe.conf: {equals: "probe/0\n"}}}
      run:
        # the bomb counted its forks: the task limit stopped them (it would go on to 2000);
        # and its unit runs commands again (the timeout killed every process it made)
        - {unit: bomb/0, command: "test $(cat /tmp/forks) -lt 64", exit: 0}
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(
        &scenario_file(dir.path(), text),
        &["--backend", "lxd", "--unit-pids", "64", "--unit-memory", "128", "--hook-timeout", "8"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("units are limited to 64 tasks and 128 MiB (LXD limits)"), "{}", run.stderr);
    let result = |unit: &str| run.unit_hooks(unit).first().map(|h| h.result.clone()).unwrap_or_default();
    // The task limit made the bomb's forks fail; the timeout then killed what it had made.
    assert!(result("bomb/0").contains("timed out"), "{}", run.stderr);
    // The memory limit killed the hog, reported as on ns.
    assert_eq!(result("hog/0"), "failed (killed by signal 9)", "{}", run.stderr);
    assert_eq!(run.unit_hook_names("probe/0"), ["install", "leader-elected", "config-changed", "start"]);
}

#[test]
fn an_interrupted_run_deletes_its_containers() {
    lxd_ready();
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = start_endless_run("lxd", temp.path(), dir.path());
    let (run_dir, name) = wait_for_endless_install(temp.path());
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill -INT");
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for formula sim") {
            break status;
        }
        assert!(Instant::now() < deadline, "formula sim did not end after SIGINT");
        std::thread::sleep(Duration::from_millis(100));
    };
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(2), "the run ends by the signal it got: {status:?}");
    let run_id = name.rsplitn(3, '-').last().unwrap_or_default().to_string();
    let left: Vec<String> = containers().into_iter().filter(|c| c.starts_with(&run_id)).collect();
    assert!(left.is_empty(), "containers of the interrupted run remain: {left:?}");
    assert!(!run_dir.exists(), "the run's directory remains: {}", run_dir.display());
}

/// The run directory and container of an endless run in `runs`, once its unit's container
/// runs the (endless) install hook.
fn wait_for_endless_install(runs: &Path) -> (PathBuf, String) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let state = std::fs::read_dir(runs)
            .ok()
            .and_then(|rd| rd.flatten().map(|e| e.path().join("lxd/state")).find(|p| p.is_file()));
        let named = state.as_ref().and_then(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            text.lines().find_map(|l| l.strip_prefix("container ").map(str::to_string))
        });
        if let (Some(state), Some(name)) = (state, named) {
            let sleeping = Command::new("lxc")
                .args([
                    "exec",
                    &name,
                    "--",
                    "sh",
                    "-c",
                    "cat /proc/[0-9]*/cmdline | tr '\\0' ' ' | grep -q 'sleep 600'",
                ])
                .output()
                .is_ok_and(|o| o.status.success());
            if sleeping {
                return (state.parent().and_then(Path::parent).unwrap().to_path_buf(), name);
            }
        }
        assert!(Instant::now() < deadline, "the run did not start its unit");
        std::thread::sleep(Duration::from_millis(200));
    }
}
