//! The host backend and this machine: a run (and `formula shell`, `formula test`) has a
//! machine of its own by default and leaves nothing behind; `--no-isolate` runs on this
//! machine, says what the run wrote there, and `formula sim --clean --backend host` removes it.
//!
//! Tests run at once, so each looks only at paths of its own: the `host-probe` formula writes
//! `/etc/formula-host-probe-TAG/…`, `/usr/local/bin/formula-host-probe-TAG` and
//! `/var/lib/formula-host-probe-TAG/…`, with TAG the test's.

use crate::support::*;
use std::path::{Path, PathBuf};

/// The paths the probe formula writes with `tag`.
fn probe_paths(tag: &str) -> [PathBuf; 3] {
    [
        PathBuf::from(format!("/etc/formula-host-probe-{tag}")),
        PathBuf::from(format!("/usr/local/bin/formula-host-probe-{tag}")),
        PathBuf::from(format!("/var/lib/formula-host-probe-{tag}")),
    ]
}

/// A tag no other test, nor another run of this one, uses.
fn unique_tag(test: &str) -> String {
    format!("{test}-{}", std::process::id())
}

/// Removes the probe's paths when the test ends, passed or not.
struct ProbeCleanup(String);

impl Drop for ProbeCleanup {
    fn drop(&mut self) {
        for path in probe_paths(&self.0) {
            let _ = std::fs::remove_dir_all(&path);
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A scenario of two probe units writing with `tag` (and `extra` after the application's
/// settings), in `dir`.
fn probe_scenario(dir: &Path, tag: &str, extra: &str) -> PathBuf {
    scenario_file(
        dir,
        &format!(
            "formulas: {{probe: FORMULAS/host-probe}}\napplications:\n  probe: {{formula: probe, units: 2, config: {{tag: {tag}}}{extra}}}\nsteps:\n  - settle\n  - expect:\n      files: {{probe/1: {{/etc/formula-host-probe-{tag}/probe.conf: {{contains: written by}}}}}}\n"
        ),
    )
}

fn existing(paths: &[PathBuf]) -> Vec<&PathBuf> {
    paths.iter().filter(|p| p.symlink_metadata().is_ok()).collect()
}

#[test]
fn a_host_run_leaves_nothing_of_what_its_formulas_wrote_on_the_machine() {
    let tag = unique_tag("isolated");
    let _cleanup = ProbeCleanup(tag.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(&probe_scenario(dir.path(), &tag, ""), &["--backend", "host"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("note: the run has a machine of its own"), "{}", run.stderr);
    assert_eq!(existing(&probe_paths(&tag)), Vec::<&PathBuf>::new(), "{}", run.stderr);

    // The example stack: its formulas write these, and start daemons on fixed ports.
    let stack_paths: Vec<PathBuf> =
        ["/etc/wiki", "/etc/cache", "/usr/local/bin/wiki-server", "/var/lib/db"].map(PathBuf::from).to_vec();
    let before = existing(&stack_paths);
    let name = format!("Host Wiki {}", std::process::id());
    let formulas = repo().join("examples/wiki/formulas");
    let text = std::fs::read_to_string(repo().join("examples/wiki/scenarios/stack.yaml")).expect("read stack.yaml");
    let stack = dir.path().join("stack.yaml");
    let text = text.replace("../formulas", &formulas.to_string_lossy()).replace("Formula Wiki Demo", &name);
    std::fs::write(&stack, text).expect("write the stack");
    let run = sim(&stack, &["--backend", "host"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Paths that earlier versions may have left are not this run's to answer for.
    assert_eq!(existing(&stack_paths), before, "the stack's run left files on this machine");
    let conf = std::fs::read_to_string("/etc/wiki/wiki.conf").unwrap_or_default();
    assert!(!conf.contains(&name), "the run wrote this machine's /etc/wiki/wiki.conf:\n{conf}");
}

#[test]
fn a_run_without_isolation_says_what_it_wrote_and_clean_removes_it() {
    let tag = unique_tag("plain");
    let _cleanup = ProbeCleanup(tag.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(&probe_scenario(dir.path(), &tag, ""), &["--backend", "host", "--no-isolate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let paths = probe_paths(&tag);
    assert_eq!(existing(&paths).len(), 3, "the units wrote on this machine: {}", run.stderr);
    assert!(run.stderr.contains("warning: the run wrote on this machine, outside its directory"), "{}", run.stderr);
    for (path, below) in paths.iter().zip([" (and 1 path in it)", "", " (and 1 path in it)"]) {
        let line = format!("warning:   created {}{below}\n", path.display());
        assert!(run.stderr.contains(&line), "no `{line}` in:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("`formula sim --clean --backend host` removes what it created"), "{}", run.stderr);

    let clean = formula().args(["sim", "--clean", "--backend", "host"]).output().expect("formula sim --clean");
    let said = String::from_utf8_lossy(&clean.stderr);
    assert!(clean.status.success(), "{said}");
    // Another test's `--clean` may have come first; then the paths are gone all the same.
    assert_eq!(existing(&paths), Vec::<&PathBuf>::new(), "--clean left the run's files: {said}");
}

/// A trace or page written straight into a directory the run overlays (`/tmp`) is kept: the
/// run shares that directory as it was before its overlays, not with them.
#[test]
fn a_trace_and_page_in_an_overlaid_directory_stay_on_the_machine() {
    let tag = unique_tag("kept-in-tmp");
    let trace = PathBuf::from(format!("/tmp/formula-e2e-{tag}.trace.jsonl"));
    let page = PathBuf::from(format!("/tmp/formula-e2e-{tag}.html"));
    struct Remove(Vec<PathBuf>);
    impl Drop for Remove {
        fn drop(&mut self) {
            self.0.iter().for_each(|p| drop(std::fs::remove_file(p)));
        }
    }
    let _remove = Remove(vec![trace.clone(), page.clone()]);
    let out = formula()
        .arg("sim")
        .arg(repo().join("examples/orderbug/scenarios/fixed.yaml"))
        .args(["--backend", "host", "-q", "--trace"])
        .arg(&trace)
        .arg("--html")
        .arg(&page)
        .output()
        .expect("run formula sim");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&trace).unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", trace.display()));
    assert!(text.starts_with("{\"event\":\"run\""), "{text}");
    assert!(page.is_file(), "{} is missing\n{stderr}", page.display());
}

#[test]
fn a_host_run_traces_the_same_bytes_isolated_or_not() {
    // A pair that writes nothing outside its units: run on this machine, it cannot meet the
    // other tests' files (or have them cleaned away under it).
    let scenario = repo().join("examples/orderbug/scenarios/fixed.yaml");
    let args = ["--backend", "host", "--seed", "4", "--faults", "leader=20,fail=20,restart=20,tick=20"];
    let isolated = sim(&scenario, &args);
    let plain = sim(&scenario, &[&args[..], &["--no-isolate"]].concat());
    assert_eq!(isolated.code, 0, "{}", isolated.stderr);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(isolated.stderr.contains("note: the run has a machine of its own"), "{}", isolated.stderr);
    assert!(
        plain.stderr.contains("note: the run's units write on this machine itself (--no-isolate)"),
        "{}",
        plain.stderr
    );
    assert!(!isolated.trace_bytes.is_empty());
    assert!(isolated.trace_bytes == plain.trace_bytes, "the isolated run's trace differs from the plain one's");
}

#[test]
fn a_kept_isolated_run_is_kept_on_the_machine_and_its_shell_sees_what_the_units_wrote() {
    let tag = unique_tag("kept");
    let _cleanup = ProbeCleanup(tag.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(&probe_scenario(dir.path(), &tag, ""), &["--backend", "host", "--keep", "always"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept = run.kept_dir().expect("the run says where it is kept");
    assert!(kept.join("run.json").is_file() && kept.join("units/probe-0").is_dir(), "{}", run.stderr);
    let mut shell = formula();
    shell.args(["shell", "probe/0", "--run"]).arg(&kept);
    let typed = format!("cat /etc/formula-host-probe-{tag}/probe.conf\nexit 0\n");
    let output = run_typing(&mut shell, &typed);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("written by probe/"), "{stdout}\n{stderr}");
    assert_eq!(existing(&probe_paths(&tag)), Vec::<&PathBuf>::new(), "{stderr}");
    std::fs::remove_dir_all(&kept).expect("remove the kept run");
}

#[test]
fn an_application_on_the_host_network_keeps_the_machines_network() {
    let tag = unique_tag("network");
    let _cleanup = ProbeCleanup(tag.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let run = sim(&probe_scenario(dir.path(), &tag, ", network: host"), &["--backend", "host"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("but this machine's network, since `probe` asks for it"), "{}", run.stderr);
    assert_eq!(existing(&probe_paths(&tag)), Vec::<&PathBuf>::new(), "{}", run.stderr);
}

#[test]
fn formula_test_on_the_host_leaves_nothing_on_the_machine() {
    let tag = unique_tag("test");
    let _cleanup = ProbeCleanup(tag.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let formula_dir = dir.path().join("probe");
    for sub in ["", "hooks", "tests"] {
        std::fs::create_dir_all(formula_dir.join(sub)).expect("make the formula's directories");
    }
    let source = repo().join("tests/formulas/host-probe");
    for file in ["metadata.yaml", "config.yaml", "hooks/install"] {
        std::fs::copy(source.join(file), formula_dir.join(file)).expect("copy the probe formula");
    }
    std::fs::write(
        formula_dir.join("tests/basic.yaml"),
        format!("formulas: {{probe: ..}}\napplications:\n  probe: {{formula: probe, config: {{tag: {tag}}}}}\n"),
    )
    .expect("write the formula's scenario");
    let junit = dir.path().join("out/results.xml");
    std::fs::create_dir_all(junit.parent().expect("a parent")).expect("make the junit directory");
    let out = formula()
        .current_dir(dir.path())
        .args(["test", "probe", "--backend", "host", "--junit"])
        .arg(&junit)
        .output()
        .expect("run formula test");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("test probe/tests/basic.yaml ... ok"), "{said}");
    assert!(junit.is_file(), "the junit file is written on this machine: {said}");
    assert_eq!(existing(&probe_paths(&tag)), Vec::<&PathBuf>::new(), "{said}");
}
