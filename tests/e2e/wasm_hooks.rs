//! WebAssembly hooks: guests written here in WAT (compiled by wasmtime when the simulator
//! loads them), and the Rust example formula `cache-rs` built natively and to wasm32-wasip1
//! by `formula build` and run through the same scenario both ways.

use crate::support::*;
use simulator::trace::{self, Event};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A formula whose only hook is `hooks/install.wasm` holding `wat` (WAT text: wasmtime
/// compiles it when the simulator loads the module). Failed hooks are not retried: each
/// test looks at one run of the hook.
fn wat_formula(dir: &Path, wat: &str) -> PathBuf {
    let formula = dir.join("watty");
    std::fs::create_dir_all(formula.join("hooks")).expect("mkdir");
    std::fs::write(formula.join("metadata.yaml"), "name: watty\nsummary: s\ndescription: d\n").expect("metadata");
    std::fs::write(formula.join("hooks/install.wasm"), wat).expect("module");
    let scenario = dir.join("scenario.yaml");
    let text = format!(
        "model-config: {{automatically-retry-hooks: false}}\nformulas: {{watty: {}}}\napplications:\n  watty: {{formula: watty, units: 1}}\nsteps:\n  - settle\n",
        formula.display()
    );
    std::fs::write(&scenario, text).expect("scenario");
    scenario
}

/// The `exit` event of the unit's install hook.
fn install_exit(run: &SimRun) -> trace::Exit {
    let hooks = run.hooks();
    let step = hooks.iter().find(|h| h.name == "install").map(|h| h.step).expect("an install hook");
    run.exits().into_iter().find(|e| e.step == step).cloned().expect("its exit event")
}

const LOOP_FOREVER: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $again (br $again))))"#;

/// Counts to 100 000, then returns: a finite amount of work.
const COUNT: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 100000))))))"#;

#[test]
fn a_hook_looping_forever_runs_out_of_fuel_with_the_same_count_every_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = wat_formula(dir.path(), LOOP_FOREVER);
    let runs: Vec<trace::Exit> =
        (0..2).map(|_| install_exit(&sim(&scenario, &["--backend", "host", "-q", "--hook-fuel", "5000000"]))).collect();
    assert_eq!(runs[0].result, "failed (out of fuel after 5000000 units)", "{:#?}", runs[0]);
    assert_eq!(runs[0].fuel, Some(5_000_000));
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn fuel_used_by_a_finite_hook_is_the_same_every_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = wat_formula(dir.path(), COUNT);
    let fuel: Vec<u64> = (0..2)
        .map(|_| {
            let exit = install_exit(&sim(&scenario, &["--backend", "host", "-q"]));
            assert_eq!(exit.result, "ok", "{exit:#?}");
            exit.fuel.expect("fuel recorded")
        })
        .collect();
    assert!(fuel[0] > 100_000, "{fuel:?}");
    assert_eq!(fuel[0], fuel[1]);
}

#[test]
fn a_hook_past_its_deadline_is_interrupted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = wat_formula(dir.path(), LOOP_FOREVER);
    let run =
        sim(&scenario, &["--backend", "host", "-q", "--hook-timeout", "1", "--hook-fuel", "18446744073709551615"]);
    assert_eq!(install_exit(&run).result, "failed (timed out after 1s, killed)");
}

/// Calls `status-set active from-wat`, `state-set k=v` and `juju-log hello` through
/// `formula.tool_call`, then traps (`unreachable`) when `trap` is set.
fn tool_caller(trap: bool) -> String {
    let requests = [
        r#"{"tool":"status-set","args":["active","from-wat"]}"#,
        r#"{"tool":"state-set","args":["k=v"]}"#,
        r#"{"tool":"juju-log","args":["hello"]}"#,
    ];
    let mut data = String::new();
    let mut calls = String::new();
    for (i, request) in requests.iter().enumerate() {
        let offset = i * 512;
        data.push_str(&format!("  (data (i32.const {offset}) {request:?})\n"));
        calls.push_str(&format!(
            "    (drop (call $tool_call (i32.const {offset}) (i32.const {})))\n    (call $tool_response (i32.const 4096))\n",
            request.len()
        ));
    }
    let ending = if trap { "    unreachable\n" } else { "" };
    format!(
        r#"(module
  (import "formula" "tool_call" (func $tool_call (param i32 i32) (result i32)))
  (import "formula" "tool_response" (func $tool_response (param i32)))
  (memory (export "memory") 1)
{data}  (func (export "_start")
{calls}{ending}))"#
    )
}

#[test]
fn a_guest_calls_the_hook_tools_and_its_writes_land_only_on_success() {
    for trap in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = wat_formula(dir.path(), &tool_caller(trap));
        let run = sim(&scenario, &["--backend", "host", "-q"]);
        let tools: Vec<(String, i32)> = run.tools().iter().map(|e| (e.tool.clone(), e.code)).collect();
        assert_eq!(
            tools,
            [("status-set".into(), 0), ("state-set".into(), 0), ("juju-log".into(), 0)],
            "{}",
            run.stderr
        );
        assert_eq!(run.logs().len(), 1);
        let exit = install_exit(&run);
        let commits = run.commits();
        if trap {
            assert!(exit.result.starts_with("failed (trap: "), "{exit:#?}");
            assert_eq!(run.discards().first().map(|d| d.buffered), Some(true));
        } else {
            assert_eq!(exit.result, "ok");
            let install_commit = commits.iter().find(|c| c.step == exit.step).expect("a commit");
            assert_eq!(install_commit.changes.state, BTreeMap::from([("k".to_string(), Some("v".to_string()))]));
        }
    }
}

/// The example formula, copied beside links to the wiki, db and proxy formulas (its
/// scenarios name `../wiki`, `../db`, `../proxy`) and built both ways, once per test binary. Its Cargo.toml names
/// formula-hook by a path relative to the repository; the copy names it absolutely. The
/// Cargo target directory is kept under this workspace's, so later runs build incrementally.
fn built_cache_rs() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cache-rs-build");
        let formulas = root.join("formulas");
        let _ = std::fs::remove_dir_all(&formulas);
        std::fs::create_dir_all(&formulas).expect("mkdir");
        let source = repo().join("examples/wiki/formulas");
        for name in ["wiki", "db", "proxy"] {
            std::os::unix::fs::symlink(source.join(name).canonicalize().expect("formula"), formulas.join(name))
                .expect("link formula");
        }
        let built = formulas.join("cache-rs");
        copy_source(&source.join("cache-rs"), &built);
        let manifest = std::fs::read_to_string(built.join("Cargo.toml")).expect("Cargo.toml");
        let hook = repo().join("formula-hook").canonicalize().expect("formula-hook");
        let relative = "\"../../../../formula-hook\"";
        assert!(manifest.contains(relative), "cache-rs names formula-hook by {relative}");
        let manifest = manifest.replace(relative, &format!("{:?}", hook.display().to_string()));
        std::fs::write(built.join("Cargo.toml"), manifest).expect("write Cargo.toml");
        let output = formula()
            .args(["build"])
            .arg(&built)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .output()
            .expect("run formula build");
        assert!(output.status.success(), "formula build failed:\n{}", String::from_utf8_lossy(&output.stderr));
        built
    })
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Copies the formula's sources (not what a build in place left).
fn copy_source(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read formula").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ["target", "dispatch", "dispatch.wasm", "hooks"].contains(&name.as_str()) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_source(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}

#[test]
fn formula_build_makes_dispatch_its_hooks_and_the_module() {
    let formula = built_cache_rs();
    assert!(formula.join("dispatch.wasm").is_file());
    let mut links: Vec<String> = std::fs::read_dir(formula.join("hooks"))
        .expect("hooks/")
        .flatten()
        .map(|e| {
            let script = std::fs::read_to_string(e.path()).expect("a hook script");
            assert!(script.starts_with("#!/bin/sh\n") && script.contains("/../dispatch\""), "{script}");
            e.file_name().to_string_lossy().into_owned()
        })
        .collect();
    links.sort();
    assert_eq!(
        links,
        [
            "cache-relation-broken",
            "cache-relation-changed",
            "cache-relation-departed",
            "cache-relation-joined",
            "config-changed",
            "install",
            "remove",
            "start",
            "stop",
            "upgrade-charm"
        ]
    );
}

/// The trace without what necessarily differs between a native and a WebAssembly hook:
/// the fuel a WebAssembly hook used (a process hook has none).
fn comparable(run: &SimRun) -> Vec<Event> {
    run.events
        .iter()
        .cloned()
        .map(|mut e| {
            if let Event::Exit(exit) = &mut e {
                exit.fuel = None;
            }
            e
        })
        .collect()
}

#[test]
fn cache_rs_native_and_wasm_builds_leave_the_same_trace() {
    assert!(is_root(), "the wiki stack runs units in namespaces and needs root (CI runs as root)");
    let scenario = built_cache_rs().join("scenario.yaml");
    let wasm = sim(&scenario, &["--backend", "ns", "-q"]);
    assert_eq!(wasm.code, 0, "{}", wasm.stderr);
    let native = sim(&scenario, &["--backend", "ns", "-q", "--native-hooks"]);
    assert_eq!(native.code, 0, "{}", native.stderr);
    // The cache's hooks really ran as WebAssembly in one run and as processes in the other.
    let cache_exits = |run: &SimRun| -> Vec<bool> {
        run.exits().iter().filter(|e| e.unit == "cache/0").map(|e| e.fuel.is_some()).collect()
    };
    assert!(cache_exits(&wasm).iter().all(|f| *f) && !cache_exits(&wasm).is_empty());
    assert!(cache_exits(&native).iter().all(|f| !*f));
    let (wasm, native) = (comparable(&wasm), comparable(&native));
    for (i, (w, n)) in wasm.iter().zip(&native).enumerate() {
        assert_eq!(w, n, "event {i} differs");
    }
    assert_eq!(wasm.len(), native.len());
}

#[test]
fn the_wiki_stack_with_cache_rs_in_webassembly_passes_the_stack_checks() {
    assert!(is_root(), "the wiki stack runs units in namespaces and needs root (CI runs as root)");
    let scenario = built_cache_rs().join("stack.yaml");
    let run = sim(&scenario, &["--backend", "ns", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cache_exits: Vec<&trace::Exit> = run.exits().into_iter().filter(|e| e.unit == "cache/0").collect();
    assert!(!cache_exits.is_empty() && cache_exits.iter().all(|e| e.fuel.is_some()), "{cache_exits:#?}");
}

#[test]
fn runs_share_compiled_modules_through_a_cache_and_a_damaged_entry_is_compiled_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = wat_formula(dir.path(), COUNT);
    let cache = dir.path().join("compiled");
    let run = |name: &str| {
        let trace = dir.path().join(name);
        let output = formula()
            .env(simulator::runner::wasm::COMPILED_CACHE_ENV, &cache)
            .args(["sim", scenario.to_str().expect("utf-8"), "--backend", "host", "-q", "--trace"])
            .arg(&trace)
            .output()
            .expect("run formula sim");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let events = trace::read(&std::fs::read_to_string(&trace).expect("trace")).expect("parse");
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Exit(exit) => Some((exit.result, exit.fuel)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let entries = || -> Vec<PathBuf> {
        let mut list: Vec<PathBuf> =
            std::fs::read_dir(&cache).expect("the cache").map(|e| e.expect("entry").path()).collect();
        list.sort();
        list
    };
    let first = run("first.jsonl");
    let kept = entries();
    assert_eq!(kept.len(), 1, "one module compiled and kept: {kept:?}");
    assert!(kept[0].extension().is_some_and(|x| x == "cwasm"), "{kept:?}");
    // The next run loads it: the file is not written again.
    let written = std::fs::metadata(&kept[0]).and_then(|m| m.modified()).expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(run("second.jsonl"), first);
    assert_eq!(std::fs::metadata(&kept[0]).and_then(|m| m.modified()).expect("mtime"), written);
    // A damaged entry is compiled again and replaced; the hook runs the same.
    std::fs::write(&kept[0], b"not a module").expect("damage");
    assert_eq!(run("third.jsonl"), first);
    assert_ne!(std::fs::read(&kept[0]).expect("entry"), b"not a module");
    assert_eq!(entries(), kept);
}
