//! Sandboxes stay shut. Hostile WebAssembly modules (paths out of their one directory, an
//! endless loop, memory that grows without end, output without end) and hostile hooks against
//! the hook-tool server (garbage, requests over the limits or cut short, a flood of calls,
//! big arguments and input, output without end): each is stopped and reported, and the run
//! goes on, the other units' hooks answered as they should be. On the host backend and on
//! ns (whose units' files the WebAssembly hooks reach through `/proc`).

use crate::support::*;

const WASM: &str = r#"
model-config: {automatically-retry-hooks: false}
formulas: {escape: FORMULAS/wasm-escape, spin: FORMULAS/wasm-spin, hog: FORMULAS/wasm-hog, chatter: FORMULAS/wasm-chatter, steady: FORMULAS/steady}
applications:
  escape: {formula: escape}
  spin: {formula: spin}
  hog: {formula: hog}
  chatter: {formula: chatter}
  steady: {formula: steady}
steps:
  - settle
  - expect:
      status: {steady/0: {status: active, message: mood calm}}
"#;

const TOOLS: &str = r#"
model-config: {automatically-retry-hooks: false}
formulas: {garbage: FORMULAS/tool-garbage, flood: FORMULAS/tool-flood, bulk: FORMULAS/tool-bulk, output: FORMULAS/output-flood, steady: FORMULAS/steady}
applications:
  garbage: {formula: garbage}
  flood: {formula: flood}
  bulk: {formula: bulk}
  output: {formula: output}
  steady: {formula: steady}
steps:
  - settle
  - expect:
      status:
        garbage/0: {status: active, message: still answered}
        bulk/0: {status: active, message: bulk refused}
        steady/0: {status: active, message: mood calm}
"#;

/// The result of the install hook of `unit`.
fn install_result(run: &SimRun, unit: &str) -> String {
    run.hooks().iter().find(|h| h.unit == unit && h.name == "install").map(|h| h.result.clone()).unwrap_or_default()
}

/// The tools `unit`'s hooks called, in order.
fn tools_of(run: &SimRun, unit: &str) -> Vec<String> {
    run.tools().iter().filter(|t| t.unit == unit).map(|t| t.tool.clone()).collect()
}

fn backends() -> [&'static str; 2] {
    ["host", "ns"]
}

#[test]
fn hostile_webassembly_hooks_are_stopped_and_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = scenario_file(dir.path(), WASM);
    for backend in backends() {
        let _guard = (backend == "ns").then(crate::sim_ns::ns_guard);
        let args = ["--backend", backend, "--hook-fuel", "200000000", "--unit-memory", "64", "--keep", "always"];
        let run = sim(&scenario, &args);
        let kept = run.kept_dir().expect("a kept run");
        // Each hostile hook failed, saying why; the run says which units are in error.
        assert_eq!(install_result(&run, "spin/0"), "failed (out of fuel after 200000000 units)", "{backend}");
        assert_eq!(install_result(&run, "hog/0"), "failed (memory over the unit's limit of 64 MiB)", "{backend}");
        assert_eq!(install_result(&run, "chatter/0"), "failed (output over 64 MiB, stopped)", "{backend}");
        let chatter = run.exits().into_iter().find(|e| e.unit == "chatter/0").cloned().expect("its exit");
        assert_eq!(chatter.stdout.map(|s| s.len()), Some(64 * 1024), "{backend}: the trace keeps 64 KiB of it");
        for unit in ["spin/0", "hog/0", "chatter/0"] {
            assert!(
                run.stderr.contains(&format!("FAILED unit in error: {unit}: hook failed: \"install\"")),
                "{backend}"
            );
        }
        assert_ne!(run.code, 0, "{backend}");
        // Every way out of the unit's directory was refused (WASI's EPERM, 63), the way in
        // was not (00), and nothing was created beside the directory.
        let escape = run.exits().into_iter().find(|e| e.unit == "escape/0").cloned().expect("its exit");
        assert_eq!(escape.result, "ok", "{backend}: {:?}", escape.stdout);
        assert_eq!(escape.stdout.as_deref(), Some("0 00\n1 63\n2 63\n3 63\n4 63\n5 63\n"), "{backend}");
        assert!(!kept.join("units/wasm-escape-was-here").exists(), "{backend}");
        // The unit beside them ran its hooks, answered as it should be.
        assert!(run.results().iter().all(|r| r.failures.is_empty()), "{backend}: {}", run.stderr);
        assert_eq!(
            tools_of(&run, "steady/0"),
            ["config-get", "relation-ids", "relation-set", "status-set"],
            "{backend}"
        );
        let _ = std::fs::remove_dir_all(&kept);
    }
}

#[test]
fn hostile_hooks_against_the_tool_server_are_stopped_and_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = scenario_file(dir.path(), TOOLS);
    for backend in backends() {
        let _guard = (backend == "ns").then(crate::sim_ns::ns_guard);
        let run = sim(&scenario, &["--backend", backend, "--hook-timeout", "3"]);
        // Garbage, a frame or a request over the limits, text that is not UTF-8, a request
        // cut short: each refused, reported, and failing the run; a client that connects and
        // leaves is none of them. Its call made as it should be was answered.
        let malformed: Vec<&str> = run
            .events
            .iter()
            .filter_map(|e| match e {
                simulator::trace::Event::Malformed(m) if m.unit == "garbage/0" && m.hook == "install" => {
                    Some(m.what.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            malformed,
            [
                "frame of 1195725856 bytes is too large",
                "frame of 42991616 bytes is too large",
                "the context id is not UTF-8",
                "the connection closed inside a request (11 bytes)",
                "a request of more than 34603008 bytes is too large",
            ],
            "{backend}"
        );
        for what in &malformed {
            let line = format!("FAILED not a tool call on the agent's socket: garbage/0 install: {what}");
            assert!(run.stderr.contains(&line), "{backend}: {line}\n{}", run.stderr);
        }
        assert_eq!(install_result(&run, "garbage/0"), "ok", "{backend}");
        assert_eq!(tools_of(&run, "garbage/0"), ["status-set"], "{backend}");
        // The flood of calls was answered until the hook's timeout killed it with its loops.
        assert_eq!(install_result(&run, "flood/0"), "failed (timed out after 3s, killed)", "{backend}");
        let flood = tools_of(&run, "flood/0");
        assert!(flood.len() > 8 && flood.iter().all(|t| t == "config-get"), "{backend}: {} calls", flood.len());
        // A 60 KB argument was answered; 40 MB of input was refused by the client, unsent.
        let logs = run.log_lines();
        let refused = "INFO refused: ERROR cannot send the call: 40000000 bytes are over the limit of 33554432";
        assert!(logs.contains(&refused), "{backend}: {logs:?}");
        // Output without end: stopped at the limit.
        assert_eq!(install_result(&run, "output/0"), "failed (output over 64 MiB, stopped)", "{backend}");
        // Nothing of theirs reached the unit beside them: its calls are its own, answered.
        assert!(run.results().iter().all(|r| r.failures.is_empty()), "{backend}: {}", run.stderr);
        assert_eq!(
            tools_of(&run, "steady/0"),
            ["config-get", "relation-ids", "relation-set", "status-set"],
            "{backend}"
        );
        assert_ne!(run.code, 0, "{backend}");
    }
}
