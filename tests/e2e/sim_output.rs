//! `formula sim -v`: each hook's output, line by line after its unit and hook, while the hook
//! runs; the trace the same with it or without.

use crate::support::{formula, repo, scenario_file, sim};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[test]
fn a_hook_is_heard_while_it_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let flag = tmp.path().join("flag");
    let scenario = scenario_file(
        tmp.path(),
        &format!(
            "formulas: {{talker: FORMULAS/talker}}\napplications:\n  talker: {{formula: talker, config: {{flag: {}}}}}\nmodel-config: {{automatically-retry-hooks: false}}\n",
            flag.display()
        ),
    );
    // The hook waits for the flag, which is made only once its first line has been read: a
    // line shown only after the hook ends would never come, and the hook would time out
    // (once: it is not retried).
    let mut child = formula()
        .args(["sim", "-v", "--backend", "host", "--no-isolate", "--keep", "never", "--hook-timeout", "30"])
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start formula sim");
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut lines = Vec::new();
    for line in stderr.lines() {
        let line = line.expect("a line");
        if line == format!("talker/0 install | waiting for {}", flag.display()) {
            std::fs::write(&flag, "").expect("make the flag");
        }
        lines.push(line);
    }
    assert!(child.wait().expect("wait").success(), "{lines:#?}");
    let at =
        |want: &str| lines.iter().position(|l| l.contains(want)).unwrap_or_else(|| panic!("no `{want}` in {lines:#?}"));
    let waiting = at("talker/0 install | waiting for");
    let seen = at("talker/0 install | saw the flag");
    let last = at("talker/0 install | no newline at the end");
    let ran = at("] talker/0   install ");
    assert!(waiting < seen && seen <= last && last < ran, "{lines:#?}");
}

#[test]
fn the_trace_is_the_same_with_or_without_it() {
    let needy = repo().join("tests/formulas/alone-needy");
    let plain = sim(&needy, &[]);
    let verbose = sim(&needy, &["-v"]);
    assert_eq!((plain.code, verbose.code), (1, 1), "{}", verbose.stderr);
    assert!(plain.trace_bytes == verbose.trace_bytes, "the traces differ");
    let streamed = "alone-needy/0 db-relation-changed | db-companion/0 sent no password";
    assert!(verbose.stderr.contains(streamed), "{}", verbose.stderr);
    // Without it, a failed hook's output comes once the hook has ended, under its line.
    assert!(!plain.stderr.contains(streamed) && plain.stderr.contains("       | db-companion/0 sent no password"));
    assert!(!verbose.stderr.contains("       | db-companion/0"), "{}", verbose.stderr);
}
