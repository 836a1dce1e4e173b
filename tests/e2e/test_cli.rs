//! `formula test`: one line per scenario, a summary, exit 1 on a failure, JUnit XML.

use crate::support::formula;
use std::path::Path;
use std::process::{Output, Stdio};

fn run(cwd: &Path, args: &[&str]) -> Output {
    formula().current_dir(cwd).args(args).stdin(Stdio::null()).output().expect("run formula")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn reports_like_cargo_test_and_writes_junit() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["alpha", "beta"] {
        let out = run(tmp.path(), &["new", name, "--provides", "website:http"]);
        assert!(out.status.success(), "{}", text(&out));
    }
    // A scenario that fails, with text that XML must escape.
    std::fs::write(
        tmp.path().join("beta/tests/broken.yaml"),
        "formulas: {beta: ..}\napplications:\n  beta: {formula: beta}\nsteps:\n  - settle\n  - expect:\n      status: {beta/0: {status: active, message: \"<never> & \\\"ever\\\"\"}}\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["test", "alpha", "beta", "--backend", "host", "--junit", "results.xml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test ")).collect();
    let expected = [
        "test alpha/tests/basic.yaml ... ok",
        "test beta/tests/basic.yaml ... ok",
        "test beta/tests/broken.yaml ... FAILED",
        "test result: FAILED. 2 passed; 1 failed; finished in ",
    ];
    assert_eq!(lines.len(), expected.len(), "{stdout}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "{line:?} is not {want:?}\n{stdout}");
    }
    assert!(stdout.contains("---- beta/tests/broken.yaml ----"), "{stdout}");
    assert!(stdout.contains("formula sim") && stdout.contains("--seed 0"), "{stdout}");

    let xml = std::fs::read_to_string(tmp.path().join("results.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.iter().map(|s| s.attribute("name").unwrap()).collect::<Vec<_>>(), ["alpha", "beta"]);
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        assert_eq!(suite.attribute("tests").unwrap(), cases.len().to_string());
        for case in cases {
            assert_eq!(case.tag_name().name(), "testcase");
            assert!(case.attribute("name").is_some() && case.attribute("classname").is_some());
            assert!(case.attribute("time").unwrap().parse::<f64>().is_ok());
        }
    }
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).expect("a failure element");
    let case = failure.parent().unwrap();
    assert_eq!(case.attribute("name"), Some("beta/tests/broken.yaml"));
    let body = failure.text().unwrap_or_default();
    assert!(body.contains(r#"<never> & \"ever\""#), "the text survives escaping: {body}");
}

#[test]
fn explore_runs_every_seed_and_no_formula_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["new", "gamma", "--peers", "ring:gamma-ring"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(tmp.path(), &["test", "gamma", "--backend", "host", "--explore", "4"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("test gamma/tests/basic.yaml ... (4 seeds) ok"), "{}", text(&out));
    // A directory of formulas works as well as a formula; the default backend (containers
    // from namespaces, as root) runs the generated formula too.
    let out = run(tmp.path(), &["test", "."]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 passed; 0 failed"), "{}", text(&out));

    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let out = run(tmp.path(), &["test", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no formula here"), "{}", text(&out));
}

#[test]
fn explore_uses_the_shared_explorer_and_keeps_one_line_per_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["new", "delta"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(
        tmp.path().join("delta/tests/broken.yaml"),
        "formulas: {delta: ..}\napplications:\n  delta: {formula: delta}\nsteps:\n  - settle\n  - expect:\n      status: {delta/0: {status: active, message: never}}\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["test", "delta", "--backend", "host", "--explore", "3", "--junit", "results.xml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test ")).collect();
    assert_eq!(
        lines[..2],
        ["test delta/tests/basic.yaml ... (3 seeds) ok", "test delta/tests/broken.yaml ... (3 seeds) FAILED"]
    );
    // The explorer's own report: child runs, its summary, the failure shrunk.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("exploring 3 seed(s) (0..3)"), "{stderr}");
    assert!(stderr.contains("3 runs, 0 failed") && stderr.contains("runs, 1 failed"), "{stderr}");
    assert!(stderr.contains("shrinking"), "{stderr}");
    // The failure names the seed and the kept trace that replays it.
    assert!(stdout.contains("failed with seed 0: run `formula sim delta/tests/broken.yaml --seed 0`"), "{stdout}");
    let trace = tmp.path().join("formula-sim-seed-0.trace.jsonl");
    assert!(trace.is_file(), "no kept trace; {stdout}");
    assert!(stdout.contains("--replay"), "{stdout}");
    let xml = std::fs::read_to_string(tmp.path().join("results.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    assert_eq!(doc.root_element().attribute("failures"), Some("1"), "{xml}");
}
