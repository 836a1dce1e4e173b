//! The `ns` backend end to end: units as machines of their own (files, host name, network
//! between units), the machine's network on request, another root file system, limits and
//! timeouts for runaway hooks, and nothing left behind: after a run, after a failed run and,
//! with `formula sim --clean`, after a run whose simulator was killed.
//!
//! These tests need root (namespaces, mounts, links); without it they fail, saying so. They
//! run one at a time, so that each can check the machine for leftovers.

use crate::support::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Takes the lock (the tests judge the whole machine, so they run one at a time). The ns
/// backend needs root; CI runs as root, and a run without it fails rather than skipping.
pub(crate) fn ns_guard() -> std::sync::MutexGuard<'static, ()> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    assert!(root, "the ns backend tests need root (CI runs as root)");
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn run_ns(text: &str, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    run_ns_file(&scenario_file(dir.path(), text), args)
}

fn run_ns_file(scenario: &Path, args: &[&str]) -> SimRun {
    let mut all = vec!["--backend", "ns"];
    all.extend_from_slice(args);
    sim(scenario, &all)
}

/// The namespaces (`net:[…]`, …) that hooks logged with `ns-ids`.
fn logged_namespaces(run: &SimRun) -> Vec<String> {
    run.log_lines()
        .into_iter()
        .filter_map(|l| l.split_once("ns-ids ").map(|(_, ids)| ids.to_string()))
        .flat_map(|ids| ids.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|rd| rd.flatten().filter_map(|e| e.file_name().to_string_lossy().parse().ok()).collect())
        .unwrap_or_default()
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Start time (clock ticks since boot) of a process, field 22 of /proc/PID/stat.
fn start_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

/// Whether a run cgroup `formula-sim-PID-START-N` belongs to a run older than this test process.
fn started_before_this_test(name: &str) -> bool {
    let start: Option<u64> = name.trim_start_matches("formula-sim-").split('-').nth(1).and_then(|s| s.parse().ok());
    match (start, start_ticks("self")) {
        (Some(run), Some(me)) => run < me,
        _ => false,
    }
}

/// Whether a run cgroup `formula-sim-PID-START-N` belongs to a simulator that still runs: a
/// run of another session on a shared machine (this test's runs have ended when it looks).
fn owner_still_runs(name: &str) -> bool {
    let mut parts = name.trim_start_matches("formula-sim-").split('-');
    match (parts.next(), parts.next().and_then(|s| s.parse::<u64>().ok())) {
        (Some(pid), Some(start)) => start_ticks(pid) == Some(start),
        _ => false,
    }
}

/// Whether a process descends from a `formula` that still runs: a process of another
/// session's live run (the kernel reuses the numbers of namespaces that ended, so one of
/// them may now carry a number that this test's run logged).
fn in_a_live_run(pid: u32) -> bool {
    let mut current = pid;
    for _ in 0..16 {
        match parent(current) {
            Some(p) if p > 1 => {
                if is_a_formula(p) {
                    return true;
                }
                current = p;
            }
            _ => return false,
        }
    }
    false
}

/// Whether a process is a `formula` binary: the built one, or a copy under another name
/// (`formula-1.2`) that another session runs on a shared machine.
fn is_a_formula(pid: u32) -> bool {
    comm(pid).starts_with("formula")
}

/// The parent of a process.
fn parent(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("PPid:")).and_then(|p| p.trim().parse().ok())
}

/// Cgroup directories named like a run's, anywhere in the machine's hierarchies.
fn run_cgroups() -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("formula-sim-") {
                // Runs that started before this test process (killed runs of other sessions
                // on a shared machine) are not this test's to judge.
                if started_before_this_test(&name) || owner_still_runs(&name) {
                    continue;
                }
                out.push(entry.path());
            } else if depth > 0 {
                walk(&entry.path(), depth - 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("/sys/fs/cgroup"), 4, &mut out);
    out
}

/// Fails if anything of a run is still on the machine: a process in one of `namespaces`, a
/// unit's pid 1, a hook's daemon, a mount, a named network namespace or a cgroup.
fn assert_nothing_left(namespaces: &[String]) {
    // A pid namespace ends a moment after its pid 1; give the kernel that moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    // The kernel gives a freed namespace's number to the next namespace made, and systemd makes
    // one for each service it starts: a host service can be in a mount namespace that bears
    // a finished run's number. No process leaves its pid namespace, and every process of a
    // unit is in the unit's, so a process in the machine's own pid namespace is not the run's.
    let machine_pid_ns = std::fs::read_link("/proc/self/ns/pid").ok();
    loop {
        let mut problems = Vec::new();
        for pid in pids() {
            let in_machines_pid_ns = std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok() == machine_pid_ns;
            for kind in ["net", "pid", "mnt"].into_iter().filter(|_| !in_machines_pid_ns) {
                let Ok(link) = std::fs::read_link(format!("/proc/{pid}/ns/{kind}")) else { continue };
                let link = link.to_string_lossy().into_owned();
                if namespaces.contains(&link) && !in_a_live_run(pid) {
                    problems.push(format!("process {pid} ({}) is still in {link}", cmdline(pid)));
                }
            }
            // A unit's pid 1 whose simulator still runs belongs to another session's run.
            if comm(pid) == "unit-init" && parent(pid).is_none_or(|p| !is_a_formula(p)) {
                problems.push(format!("a unit's pid 1 outlived its simulator: {pid}"));
            }
            if cmdline(pid).contains("/srv/ns-web") {
                problems.push(format!("the web daemon is still running: {pid}"));
            }
        }
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        for line in mounts.lines() {
            if line.contains("formula-sim-") || namespaces.iter().any(|n| line.contains(n.as_str())) {
                problems.push(format!("still mounted: {line}"));
            }
        }
        if let Ok(out) = std::process::Command::new("ip").args(["netns", "list"]).output() {
            let list = String::from_utf8_lossy(&out.stdout).into_owned();
            if list.contains("formula") {
                problems.push(format!("named network namespaces remain: {list}"));
            }
        }
        for cgroup in run_cgroups() {
            problems.push(format!("cgroup remains: {}", cgroup.display()));
        }
        if problems.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "left behind:\n{}", problems.join("\n"));
        std::thread::sleep(Duration::from_millis(50));
    }
}

const MACHINES: &str = r#"
formulas: {probe: FORMULAS/ns-probe, web: FORMULAS/ns-web, fetch: FORMULAS/ns-fetch}
applications:
  probe: {formula: probe, units: 2}
  web: {formula: web, units: 1}
  fetch: {formula: fetch, units: 1}
relations:
  - [web, fetch]
steps:
  - settle
  - expect:
      files:
        probe/0:
          /etc/probe.conf: {equals: "probe/0\n"}
          /root/hostname: {equals: "probe-0\n"}
          /root/address: {equals: "10.77.0.10\n"}
          /root/interfaces: {equals: "10.77.0.10\n"}
          # the hardware address follows the address, the same in every run
          /root/hardware-address: {equals: "02:00:0a:4d:00:0a\n"}
        probe/1: {/etc/probe.conf: {equals: "probe/1\n"}, /root/hostname: {equals: "probe-1\n"}}
        fetch/0: {/etc/fetched: {equals: "hello from web/0\n"}}
      run:
        - {unit: probe/1, command: "cat /etc/probe.conf; hostname", stdout-contains: "probe/1\nprobe-1\n"}
        # no route leaves the unit network: the connection fails at once, nothing is sent
        - {unit: fetch/0, command: "python3 -c \"import socket; socket.create_connection(('192.0.2.1', 80), timeout=2)\"", exit: 1}
  # a removed unit's machine goes; a new one gets the next address
  - remove-unit: probe/1
  - add-unit: {application: probe, count: 1}
  - settle
  - expect:
      units: {probe/1: false}
      files: {probe/2: {/etc/probe.conf: {equals: "probe/2\n"}, /root/address: {equals: "10.77.0.14\n"}}}
"#;

#[test]
fn units_are_machines_of_their_own() {
    let _guard = ns_guard();
    let host_probe = std::fs::read("/etc/probe.conf").ok();
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = scenario_file(dir.path(), MACHINES);
    let run = run_ns_file(&scenario, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Each unit wrote /etc/probe.conf on its own machine; the machine's /etc is untouched.
    assert_eq!(std::fs::read("/etc/probe.conf").ok(), host_probe, "the machine's /etc/probe.conf changed");

    // unit-get private-address is the address of the unit's eth0 on the run's switch, and it
    // depends only on the unit's place in the model.
    let addresses = run.unit_get_answers("probe/");
    assert_eq!(addresses, ["10.77.0.10", "10.77.0.11", "10.77.0.14"], "{:?}", run.tools());
    for address in ["10.77.0.10", "10.77.0.14"] {
        assert!(run.stdout.contains(address), "status shows {address}:\n{}", run.stdout);
    }

    // Same scenario, same trace (but for the namespaces the probe logs).
    let again = run_ns_file(&scenario, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let without_ids = |r: &SimRun| -> Vec<String> {
        String::from_utf8_lossy(&r.trace_bytes).lines().filter(|l| !l.contains("ns-ids")).map(str::to_string).collect()
    };
    let (first, second) = (without_ids(&run), without_ids(&again));
    let differ = first.iter().zip(&second).find(|(a, b)| a != b);
    assert!(differ.is_none() && first.len() == second.len(), "two runs gave different traces: {differ:?}");

    let mut namespaces = logged_namespaces(&run);
    namespaces.extend(logged_namespaces(&again));
    assert_eq!(namespaces.len(), 2 * 3 * 3, "three probes, three namespaces each, two runs: {namespaces:?}");
    let mine: BTreeSet<String> = ["net", "pid", "mnt"]
        .iter()
        .map(|k| std::fs::read_link(format!("/proc/self/ns/{k}")).unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(namespaces.iter().all(|n| !mine.contains(n)), "a unit shared a namespace with the machine: {namespaces:?}");
    assert_nothing_left(&namespaces);
}

#[test]
fn host_network_units_share_the_machines_network_only() {
    let _guard = ns_guard();
    let resolv = std::fs::read_to_string("/etc/resolv.conf").ok();
    let files = match &resolv {
        Some(text) => {
            format!("      files: {{probe/0: {{/etc/resolv.conf: {{equals: {}}}}}}}\n", serde_json::json!(text))
        }
        None => String::new(),
    };
    let text = format!(
        "formulas: {{probe: FORMULAS/ns-probe}}\napplications:\n  probe: {{formula: probe, network: host}}\nsteps:\n  - settle\n  - expect:\n      status: {{probe/0: active}}\n{files}      run: {{unit: probe/0, command: hostname, stdout-contains: probe-0}}\n"
    );
    let run = run_ns(&text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let namespaces = logged_namespaces(&run);
    let mine = |k: &str| std::fs::read_link(format!("/proc/self/ns/{k}")).unwrap().to_string_lossy().into_owned();
    assert_eq!(namespaces.len(), 3, "{namespaces:?}");
    assert_eq!(namespaces[0], mine("net"), "the unit should be on the machine's network");
    assert_ne!(namespaces[1], mine("pid"));
    assert_ne!(namespaces[2], mine("mnt"));
    assert!(run.stdout.contains("127.0.1.10"), "{}", run.stdout);
    assert_nothing_left(&namespaces[1..]);
}

#[test]
fn runaway_hooks_are_stopped_and_failed_runs_leave_nothing() {
    let _guard = ns_guard();
    let text = r#"
formulas: {bomb: FORMULAS/ns-bomb, hog: FORMULAS/ns-hog, probe: FORMULAS/ns-probe}
# one failure is the point: no automatic retries of the runaway hook (spec §6.5)
model-config: {automatically-retry-hooks: false}
applications:
  bomb: {formula: bomb}
  hog: {formula: hog}
  probe: {formula: probe}
steps:
  - settle
  - expect:
      agent: {bomb/0: error}
      run:
        # the timeout killed every process the hook started
        - {unit: bomb/0, command: "test $(ls -d /proc/[0-9]* | wc -l) -le 4", exit: 0}
  - expect:
      files: {probe/0: {/etc/probe.conf: {equals: "not what the unit wrote"}}}
"#;
    let run = run_ns(text, &["--unit-pids", "64", "--unit-memory", "128", "--hook-timeout", "4"]);
    // The deliberately wrong expectation fails the run; everything must go all the same.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("not what the unit wrote"), "{}", run.stderr);
    let result = |unit: &str| run.unit_hooks(unit).first().map(|h| h.result.clone()).unwrap_or_default();
    assert!(result("bomb/0").contains("timed out"), "{}", run.stderr);
    let limited = run.stderr.contains("limited to 64 tasks and 128 MiB");
    if limited {
        assert!(result("hog/0").contains("signal 9"), "the memory limit should kill the hog: {}", run.stderr);
        assert!(run.stderr.contains("Resource temporarily unavailable"), "the task limit should stop the forks");
    } else {
        eprintln!("note: this machine gave no cgroup limits; only the timeout was checked:\n{}", run.stderr);
    }
    assert_nothing_left(&logged_namespaces(&run));
}

#[test]
fn a_timed_out_hook_is_killed_with_what_left_its_process_group() {
    let _guard = ns_guard();
    let text = TIMED_OUT_HOOK_WITH_ESCAPED_PROCESSES;
    let run = run_ns(text, &["--hook-timeout", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results: Vec<(String, String)> =
        run.unit_hooks("escape/0").iter().map(|h| (h.name.clone(), h.result.clone())).collect();
    assert!(
        results.iter().any(|(hook, result)| hook == "config-changed" && result.contains("timed out")),
        "{results:?}"
    );
    assert_nothing_left(&logged_namespaces(&run));
}

#[test]
fn a_hook_cannot_take_down_its_own_machine() {
    let _guard = ns_guard();
    let text = r#"
formulas: {regicide: FORMULAS/ns-regicide, probe: FORMULAS/ns-probe}
applications:
  regicide: {formula: regicide}
  probe: {formula: probe}
steps:
  - settle
  - expect:
      # every signal the install hook sent to pid 1 was ignored: the unit ran start after it
      status: {regicide/0: {status: active, message: survived}, probe/0: active}
      files: {regicide/0: {/etc/regicide: {contains: still here}}}
      run:
        - {unit: regicide/0, command: "cat /etc/regicide", exit: 0, stdout-contains: still here}
"#;
    let run = run_ns(text, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.unit_hook_names("regicide/0"), ["install", "leader-elected", "config-changed", "start"]);
    assert_nothing_left(&logged_namespaces(&run));
}

#[test]
fn rootfs_replaces_the_machines_root() {
    let _guard = ns_guard();
    let rootfs = tempfile::tempdir().expect("temp dir");
    mini_rootfs(rootfs.path());
    let text = "formulas: {tiny: FORMULAS/ns-rootfs}\napplications:\n  tiny: {formula: tiny}\nsteps:\n  - settle\n  - expect:\n      status: {tiny/0: active}\n      files: {tiny/0: {/etc/rootfs-probe: {equals: \"tiny/0\\n\"}}}\n";
    let run = run_ns(text, &["--rootfs", &rootfs.path().to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!rootfs.path().join("etc/rootfs-probe").exists(), "the unit wrote into its lower layer");
    assert_nothing_left(&[]);
}

#[test]
fn a_unit_whose_root_cannot_be_built_fails_its_step_and_leaves_nothing() {
    // Units' roots are built in the background while the next is made; a failure still
    // belongs to the unit and to the step that made it.
    let _guard = ns_guard();
    let rootfs = tempfile::tempdir().expect("temp dir");
    mini_rootfs(rootfs.path());
    // A file where the unit's /proc goes: its pid 1 cannot mount it.
    let _ = std::fs::remove_dir_all(rootfs.path().join("proc"));
    std::fs::write(rootfs.path().join("proc"), "not a directory\n").expect("write");
    let text =
        "formulas: {tiny: FORMULAS/ns-rootfs}\napplications:\n  tiny: {formula: tiny, units: 2}\nsteps:\n  - settle\n";
    let run = run_ns(text, &["--rootfs", &rootfs.path().to_string_lossy(), "--keep", "never"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot create unit tiny/0: cannot mount proc (proc) on /proc")
            && run.stderr.contains("Not a directory"),
        "{}",
        run.stderr
    );
    assert_nothing_left(&[]);
}

#[test]
fn clean_removes_what_a_killed_run_left() {
    let _guard = ns_guard();
    let temp = tempfile::tempdir().expect("temp dir");
    clean_removes_what_a_killed_run_left_in(Some(temp.path()), temp.path());
}

#[test]
fn clean_finds_a_killed_run_where_runs_go_by_default() {
    // Without TMPDIR a run's directory goes in memory where the machine has room for it
    // (`run_dirs`), and `--clean` must look there.
    let _guard = ns_guard();
    let parent = simulator::run_dirs::parent(simulator::backend::Kind::Ns);
    if std::env::var_os("TMPDIR").is_none_or(|d| d.is_empty()) {
        let in_memory =
            simulator::run_dirs::in_memory(simulator::run_dirs::ROOM_FOR_RUNS).is_some() && !is_tmpfs_temp();
        assert_eq!(parent == Path::new("/dev/shm"), in_memory, "{}", parent.display());
    }
    clean_removes_what_a_killed_run_left_in(None, &parent);
}

/// Whether the temporary directory is in memory already (runs then stay there).
fn is_tmpfs_temp() -> bool {
    let out = std::process::Command::new("stat").args(["-f", "-c", "%T"]).arg(std::env::temp_dir()).output();
    out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "tmpfs")
}

/// Starts an endless run with `TMPDIR` set to `tmpdir` (or unset), finds its directory in
/// `parent`, kills it, and checks that `formula sim --clean` removes what it left.
fn clean_removes_what_a_killed_run_left_in(tmpdir: Option<&Path>, parent: &Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = start_endless_run_in("ns", tmpdir, dir.path());
    let owner = format!("owner {} ", child.id());
    // Wait until the unit runs its (endless) install hook.
    let deadline = Instant::now() + Duration::from_secs(30);
    let state = loop {
        let found = std::fs::read_dir(parent).ok().and_then(|rd| {
            rd.flatten()
                .map(|e| e.path().join("ns/state"))
                .find(|p| std::fs::read_to_string(p).is_ok_and(|s| s.starts_with(&owner) && s.contains("\nunit ")))
        });
        let sleeping = pids().into_iter().any(|p| cmdline(p).starts_with("sleep 600"));
        if let (Some(state), true) = (found, sleeping) {
            break state;
        }
        assert!(Instant::now() < deadline, "the run did not start its unit");
        std::thread::sleep(Duration::from_millis(50));
    };
    let run_dir = state.parent().and_then(Path::parent).unwrap().to_path_buf();
    // The unit's pid 1, as the state file names it (`unit SLUG PID START`).
    let text = std::fs::read_to_string(&state).unwrap_or_default();
    let init: u32 =
        text.lines().find_map(|l| l.strip_prefix("unit ")?.split_whitespace().nth(1)?.parse().ok()).unwrap();
    child.kill().expect("kill formula sim");
    child.wait().expect("reap formula sim");
    // The unit dies with its simulator; its cgroup and directory stay until --clean.
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids().into_iter().any(|p| (p == init && comm(p) == "unit-init") || cmdline(p).starts_with("sleep 600")) {
        assert!(Instant::now() < deadline, "the unit outlived its simulator");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(run_dir.is_dir());
    // `--backend ns`: the lxd tests of this crate run beside these, with containers of their own.
    let clean = || {
        let mut command = formula();
        match tmpdir {
            Some(dir) => command.env("TMPDIR", dir),
            None => command.env_remove("TMPDIR"),
        };
        command.args(["sim", "--clean", "--backend", "ns"]).output().expect("formula sim --clean")
    };
    let cleaned = clean();
    let said = String::from_utf8_lossy(&cleaned.stderr).into_owned();
    assert!(cleaned.status.success(), "{said}");
    assert!(said.contains(&format!("removed {}", run_dir.display())), "{said}");
    assert!(!run_dir.exists(), "{said}");
    assert_nothing_left(&[]);
    if tmpdir.is_some() {
        // Where runs go by default, other tests' runs may be dying at this moment.
        let again = clean();
        let said_again = String::from_utf8_lossy(&again.stderr);
        assert!(said_again.contains("nothing to clean"), "{said_again}");
    }
}

/// A root file system with only /bin/sh and the libraries it needs: the hook tools (the
/// small client, statically linked) need none of `formula`'s.
fn mini_rootfs(root: &Path) {
    for dir in ["bin", "etc", "proc", "sys", "dev", "tmp", "run", "root", "var"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    let shell = Path::new("/bin/sh").canonicalize().unwrap();
    std::fs::copy(&shell, root.join("bin/sh")).unwrap();
    let out = std::process::Command::new("ldd").arg(&shell).output().expect("ldd");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let path = line.split_whitespace().find(|w| w.starts_with('/'));
        if let Some(path) = path {
            let dest = root.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(path, &dest).unwrap();
        }
    }
}

#[test]
fn a_worker_runs_ns_run_after_ns_run_as_processes_of_their_own_and_leaves_nothing() {
    let _guard = ns_guard();
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = scenario_file(dir.path(), MACHINES);
    let scenario = scenario.to_str().expect("utf-8 path");
    let without_ids = |trace: &Path| -> Vec<String> {
        let text = std::fs::read_to_string(trace).expect("read trace");
        text.lines().filter(|l| !l.contains("ns-ids")).map(str::to_string).collect()
    };
    let mut worker = SimWorker::start();
    let mut descriptors = Vec::new();
    for seed in ["1", "2", "1"] {
        let trace = dir.path().join(format!("worker-{seed}.jsonl"));
        let trace_arg = trace.to_str().expect("utf-8 path");
        let args = [scenario, "-q", "--keep", "never", "--backend", "ns", "--trace", trace_arg, "--seed", seed];
        let answer = worker.run(&args);
        assert_eq!(answer["code"], 0, "{answer}");
        descriptors.push(answer["open_fds"].clone());
        // Between runs the worker has no child: no unit's pid 1, no daemon, nothing.
        let tasks = std::fs::read_dir(format!("/proc/{}/task", worker.pid())).expect("the worker's threads");
        let children: String =
            tasks.flatten().map(|t| std::fs::read_to_string(t.path().join("children")).unwrap_or_default()).collect();
        assert_eq!(children.trim(), "", "the worker still has children after a run");
        let fresh = dir.path().join(format!("fresh-{seed}.jsonl"));
        let fresh_arg = fresh.to_str().expect("utf-8 path");
        let args = [scenario, "-q", "--keep", "never", "--backend", "ns", "--trace", fresh_arg, "--seed", seed];
        let output = formula().arg("sim").args(args).output().expect("run formula sim");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(without_ids(&trace), without_ids(&fresh), "seed {seed}: the worker's run differs from a process's");
    }
    assert!(descriptors.windows(2).all(|w| w[0] == w[1]), "the worker's descriptors grew: {descriptors:?}");
    assert_eq!(worker.finish(), 0);
    assert_nothing_left(&[]);
}
