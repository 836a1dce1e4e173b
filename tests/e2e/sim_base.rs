//! The unit base: `ns` units start from a Debian root built from packages (`formula base`),
//! not from this machine's `/`. What the machine holds in `/etc`, `/usr/local`, `/opt` and
//! `/var` is not seen by units and changes no trace; a copy of the base (same digest,
//! another place) gives the same trace bytes; a trace taken on another base says so on
//! replay; units look like a Juju machine of their series; with `network: host`, apt
//! installs from the machine's mirror.
//!
//! Files are planted in a mount namespace of the test's own (overlays over the machine's
//! directories), so that other tests running meanwhile do not see them. Needs root, as CI.

use crate::sim_examples::{hook_lines, nix_is_root};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const STACK: &str = "examples/wiki/scenarios/stack.yaml";

/// What the example formulas leave on a machine when run there without isolation, and files
/// the base probe looks for.
const PLANTED: &[&str] = &[
    "/etc/wiki/wiki.conf",
    "/etc/cache/cache.conf",
    "/etc/formula-planted",
    "/usr/local/bin/wiki-server",
    "/usr/local/bin/minicached",
    "/usr/local/bin/formula-planted",
    "/opt/formula-planted",
    "/var/lib/db/planted",
    "/var/lib/formula-planted",
];

fn assert_root() {
    assert!(nix_is_root(), "the unit base tests run ns units and need root (CI runs as root)");
}

/// Runs `formula sim SCENARIO --backend ns ARGS` in a mount namespace where the machine's
/// `/etc`, `/usr/local`, `/opt` and `/var/lib` hold the [`PLANTED`] files (overlays on a
/// tmpfs of the test's own; the machine itself is not changed).
fn sim_on_a_machine_with_leftovers(scenario: &Path, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let (layers, trace) = (dir.path().join("layers"), dir.path().join("trace.jsonl"));
    std::fs::create_dir(&layers).expect("mkdir");
    let mut script = format!("set -e\nmount -t tmpfs planted '{}'\n", layers.display());
    for (n, tree) in ["/etc", "/usr/local", "/opt", "/var/lib"].iter().enumerate() {
        let (upper, work) = (layers.join(format!("{n}-upper")), layers.join(format!("{n}-work")));
        script.push_str(&format!(
            "mkdir -p '{u}' '{w}' {tree}\nmount -t overlay planted -o 'lowerdir={tree},upperdir={u},workdir={w}' {tree}\n",
            u = upper.display(),
            w = work.display(),
        ));
    }
    for file in PLANTED {
        script.push_str(&format!("mkdir -p \"$(dirname {file})\"\necho planted > {file}\n"));
    }
    script.push_str("chmod +x /usr/local/bin/wiki-server /usr/local/bin/minicached\n");
    script.push_str("exec \"$@\"\n");
    let output = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script, "sh"])
        .arg(env!("CARGO_BIN_EXE_formula"))
        .args(["sim", "--backend", "ns", "--keep", "never", "--trace"])
        .arg(&trace)
        .arg(scenario)
        .args(args)
        .output()
        .expect("run unshare");
    SimRun::from_output(output, &trace)
}

/// The store the runs use (the machine's, unless FORMULA_BASE_CACHE says otherwise).
fn store_dir() -> PathBuf {
    std::env::var_os("FORMULA_BASE_CACHE").map(PathBuf::from).unwrap_or_else(|| "/var/cache/formula-sim/base".into())
}

#[test]
fn files_planted_on_the_machine_are_not_in_units_and_change_no_trace() {
    assert_root();
    let stack = repo().join(STACK);
    let clean = sim(&stack, &["--backend", "ns", "-q"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let dirty = sim_on_a_machine_with_leftovers(&stack, &["-q"]);
    assert_eq!(dirty.code, 0, "{}", dirty.stderr);
    assert_eq!(
        String::from_utf8_lossy(&dirty.trace_bytes),
        String::from_utf8_lossy(&clean.trace_bytes),
        "the machine's leftovers changed the trace"
    );
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("stack_seed_0_hooks", hook_lines(&dirty));
    });
    // A unit that looks for the planted files finds none.
    let dir = tempfile::tempdir().expect("temp dir");
    let probe = scenario_file(
        dir.path(),
        "applications:\n  probe: {formula: FORMULAS/base-probe}\nsteps:\n  - settle\n  - expect:\n      status: {probe/0: active}\n",
    );
    let run = sim_on_a_machine_with_leftovers(&probe, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
}

#[test]
fn the_trace_names_the_base_and_a_copy_of_it_gives_the_same_bytes() {
    assert_root();
    let stack = repo().join(STACK);
    let here = sim(&stack, &["--backend", "ns", "-q"]);
    assert_eq!(here.code, 0, "{}", here.stderr);
    let base = here.runs()[0].base.clone().expect("an ns run names its base");
    assert!(base.recipe.starts_with("debian-bookworm-"), "{base:?}");
    assert!(base.digest.starts_with("sha256:") && base.digest.len() == 7 + 64, "{base:?}");

    // Another machine's base: the same recipe built elsewhere, at another path, other times.
    let other = tempfile::tempdir().expect("temp dir");
    let copied =
        Command::new("cp").arg("-a").arg(store_dir().join(&base.recipe)).arg(other.path()).status().expect("cp");
    assert!(copied.success());
    let shown =
        formula().args(["base", "show", "--verify"]).env("FORMULA_BASE_CACHE", other.path()).output().expect("run");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.status.success() && text.contains("verified: the files are as built"), "{text}");
    assert!(text.contains(&base.digest), "{text}");
    let there = {
        let dir = tempfile::tempdir().expect("temp dir");
        let trace = dir.path().join("trace.jsonl");
        let output = formula()
            .env("FORMULA_BASE_CACHE", other.path())
            .args(["sim", "--backend", "ns", "-q", "--keep", "never", "--trace"])
            .arg(&trace)
            .arg(&stack)
            .output()
            .expect("run formula sim");
        SimRun::from_output(output, &trace)
    };
    assert_eq!(there.code, 0, "{}", there.stderr);
    assert_eq!(
        String::from_utf8_lossy(&there.trace_bytes),
        String::from_utf8_lossy(&here.trace_bytes),
        "two bases of one digest gave different traces"
    );

    // A base of another digest: the replay says the trace was taken elsewhere.
    let trace_dir = tempfile::tempdir().expect("temp dir");
    let trace = trace_dir.path().join("here.jsonl");
    std::fs::write(&trace, &here.trace_bytes).expect("write trace");
    let changed = other.path().join(&base.recipe);
    std::fs::write(changed.join("root/etc/formula-changed"), "a file the built base does not have\n").expect("write");
    std::fs::write(changed.join("digest"), "sha256:0000\n").expect("write digest");
    let replay = formula()
        .env("FORMULA_BASE_CACHE", other.path())
        .args(["sim", "--backend", "ns", "-q", "--keep", "never", "--replay"])
        .arg(&trace)
        .output()
        .expect("run formula sim --replay");
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert!(
        stderr.contains(&format!("the trace was taken on units of base {} ({})", base.recipe, base.digest))
            && stderr.contains("this run's units are of base")
            && stderr.contains("sha256:0000"),
        "{stderr}"
    );
    let verify =
        formula().args(["base", "show", "--verify"]).env("FORMULA_BASE_CACHE", other.path()).output().expect("run");
    assert_eq!(verify.status.code(), Some(1), "a changed base fails verification");
    assert!(String::from_utf8_lossy(&verify.stdout).contains("CHANGED"));
}

#[test]
fn units_answer_as_the_series_they_are_deployed_on_and_have_what_juju_machines_have() {
    assert_root();
    // The model's default applies where the formula lists it or lists none; an application's
    // own series or base wins; else the formula's first series; else Juju's default, jammy.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = r#"
applications:
  listed: {formula: FORMULAS/base-probe}
  asked: {formula: FORMULAS/base-probe, series: trusty}
  free: {formula: FORMULAS/base-probe-any}
  based: {formula: FORMULAS/base-probe-any, base: "ubuntu@24.04"}
steps:
  - settle
  - expect:
      status:
        listed/0: {status: active, message: "xenial 16.04"}
        asked/0: {status: active, message: "trusty 14.04"}
        free/0: {status: active, message: "jammy 22.04"}
        based/0: {status: active, message: "noble 24.04"}
"#;
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let with_default = format!("series: focal\n{}", text.replace("jammy 22.04", "focal 20.04"));
    let run = sim(&scenario_file(dir.path(), &with_default), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let unknown =
        sim(&scenario_file(dir.path(), "series: centos7\napplications:\n  x: {formula: FORMULAS/base-probe}\n"), &[]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("scenario.yaml:1:9: `centos7` is not an Ubuntu series or base that Juju knew"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn apt_get_in_a_unit_on_the_machines_network_installs_from_its_mirror() {
    assert_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "applications:\n  pkg: {formula: FORMULAS/base-apt, network: host}\nsteps:\n  - settle\n  - expect:\n      status:\n        pkg/0: {status: active, message: \"Hello, world!\"}\n";
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
}
