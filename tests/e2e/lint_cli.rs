//! End-to-end tests of `formula lint`: exit codes, output formats, rule selection, several
//! formulas at once, the allow-list, and inputs that are not formulas at all.
//!
//! Most tests select the rules they are about (`--select`), so that they keep their meaning as
//! rules are added; the garbage-input tests run every rule, pedantic ones included.

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LONG_SUMMARY: &str = "MediaWiki is a wiki engine that powers Wikipedia and thousands of other wikis";

/// A formula directory to be, written file by file.
struct FormulaDir {
    dir: PathBuf,
}

impl FormulaDir {
    fn new(parent: &Path, name: &str) -> FormulaDir {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        FormulaDir { dir }
    }

    fn file(&self, path: &str, text: &str) -> &Self {
        let path = self.dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn hook(&self, name: &str, text: &str, executable: bool) -> &Self {
        self.file(&format!("hooks/{name}"), text);
        let mode = if executable { 0o755 } else { 0o644 };
        std::fs::set_permissions(self.dir.join("hooks").join(name), std::fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    fn metadata(&self, name: &str, summary: &str) -> &Self {
        self.file("metadata.yaml", &format!("name: {name}\nsummary: {summary}\ndescription: d\n"))
    }
}

/// A formula with a summary that is too long (F105, warning).
fn warning_formula(parent: &Path, name: &str) -> PathBuf {
    let f = FormulaDir::new(parent, name);
    f.metadata(name, LONG_SUMMARY);
    f.dir.clone()
}

/// A formula with a hook that is not executable (F503, error).
fn error_formula(parent: &Path, name: &str) -> PathBuf {
    let f = FormulaDir::new(parent, name);
    f.metadata(name, "a wiki").hook("install", "#!/bin/sh\n", false);
    f.dir.clone()
}

/// A formula that F105 and F503 find nothing in.
fn clean_formula(parent: &Path, name: &str) -> PathBuf {
    let f = FormulaDir::new(parent, name);
    f.metadata(name, "a wiki").hook("install", "#!/bin/sh\n", true);
    f.dir.clone()
}

fn formula(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formula")).current_dir(cwd).args(args).output().expect("run formula")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("formula exited by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout is JSON").as_array().expect("a JSON array").clone()
}

fn codes(out: &Output) -> Vec<String> {
    json(out).iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// Asserts that the run neither panicked nor failed as a program.
fn assert_no_crash(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{what}: formula panicked:\n{err}");
    assert!(matches!(code(out), 0 | 100 | 200), "{what}: exit code {} (stderr: {err})", code(out));
}

const SELECT: &str = "--select=F105,F503";

#[test]
fn exit_codes_follow_charm_proof() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    clean_formula(root, "clean");
    warning_formula(root, "warned");
    error_formula(root, "broken");
    assert_eq!(code(&formula(root, &["lint", SELECT, "clean"])), 0);
    assert_eq!(code(&formula(root, &["lint", SELECT, "warned"])), 100);
    assert_eq!(code(&formula(root, &["lint", SELECT, "broken"])), 200);
    // The greatest severity over every target wins.
    assert_eq!(code(&formula(root, &["lint", SELECT, "clean", "warned", "broken"])), 200);
    assert_eq!(code(&formula(root, &["lint", SELECT, "clean", "warned"])), 100);
}

#[test]
fn strict_counts_warnings_as_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    clean_formula(root, "clean");
    warning_formula(root, "warned");
    assert_eq!(code(&formula(root, &["lint", "--strict", SELECT, "warned"])), 200);
    assert_eq!(code(&formula(root, &["lint", "--strict", SELECT, "clean"])), 0);
}

#[test]
fn information_alone_exits_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // A formula with no hooks directory at all: at most information from the hook rules.
    FormulaDir::new(root, "nohooks").metadata("nohooks", "a wiki");
    let out = formula(root, &["lint", "--format=json", "--select=F501,F502", "nohooks"]);
    assert!(json(&out).iter().all(|d| d["severity"] == "info"));
    assert_eq!(code(&out), 0);
}

#[test]
fn json_format_is_an_array_of_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    let out = formula(root, &["lint", "--format", "json", SELECT, "warned"]);
    let found = json(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["code"], "F105");
    assert_eq!(d["rule"], "summary-too-long");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "warned/metadata.yaml");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 10);
    assert_eq!(d["end_line"], 2);
    assert!(d["message"].as_str().unwrap().contains("72"));
    // No findings is an empty array, not nothing.
    clean_formula(root, "clean");
    assert!(json(&formula(root, &["lint", "--format", "json", SELECT, "clean"])).is_empty());
}

#[test]
fn sarif_is_valid_2_1_0_as_github_code_scanning_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    error_formula(root, "broken");
    let out = formula(root, &["lint", "--format", "sarif", SELECT, "warned", "broken", "missing"]);
    assert_eq!(code(&out), 200);
    let log: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert!(!driver["name"].as_str().unwrap().is_empty(), "tool.driver.name is required");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), formula_sdk::lint::registry::RULES.len());
    for rule in rules {
        // GitHub shows shortDescription and fullDescription; id is required.
        assert!(rule["id"].as_str().unwrap().starts_with('F'));
        assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(matches!(rule["defaultConfiguration"]["level"].as_str(), Some("error" | "warning" | "note")));
    }
    let results = runs[0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert!(ids.contains(&"F105") && ids.contains(&"F503") && ids.contains(&"F001"), "{ids:?}");
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        assert!(matches!(result["level"].as_str(), Some("error" | "warning" | "note")), "{result}");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        if let Some(index) = result["ruleIndex"].as_u64() {
            assert_eq!(rules[index as usize]["id"], id, "ruleIndex points at another rule");
        }
        // Code scanning needs at least one location, with a relative URI and a start line.
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty() && !uri.contains('\\') && !uri.starts_with('/'), "uri {uri:?}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1, "{id} has no region.startLine: {result}");
    }
    let f105 = results.iter().find(|r| r["ruleId"] == "F105").unwrap();
    assert_eq!(f105["level"], "warning");
    assert_eq!(f105["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "warned/metadata.yaml");
    assert_eq!(f105["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(f105["locations"][0]["physicalLocation"]["region"]["startColumn"], 10);
}

#[test]
fn github_format_is_workflow_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    error_formula(root, "broken");
    let out = formula(root, &["lint", "--format", "github", SELECT, "warned", "broken"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "),
            "{line}"
        );
        let (props, message) = line.split_once("::").map(|(_, rest)| rest.split_once("::").unwrap()).unwrap();
        assert!(props.contains("file=") && props.contains("title="), "{line}");
        assert!(!message.is_empty());
    }
    assert!(text.contains("::warning file=warned/metadata.yaml,line=2,col=10,"), "{text}");
    assert!(text.contains("::error file=broken/hooks/install,title=F503 hook-not-executable::"), "{text}");
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    error_formula(root, "broken");
    let out = formula(root, &["lint", "--format", "concise", SELECT, "warned", "broken"]);
    insta::assert_snapshot!("concise", stdout(&out));
}

#[test]
fn human_format_shows_the_source_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    error_formula(root, "broken");
    let out = formula(root, &["lint", "--color=never", SELECT, "warned", "broken"]);
    insta::assert_snapshot!("human", stdout(&out));
}

#[test]
fn output_file_receives_the_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    let out = formula(root, &["lint", "--format=json", SELECT, "-o", "findings.json", "warned"]);
    assert_eq!(code(&out), 100);
    assert!(out.stdout.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(root.join("findings.json")).unwrap()).unwrap();
    assert_eq!(written[0]["code"], "F105");
}

#[test]
fn explain_prints_the_rule_documentation() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["F503", "f503", "hook-not-executable"] {
        let out = formula(tmp.path(), &["lint", "--explain", name]);
        assert_eq!(code(&out), 0, "{name}");
        let text = stdout(&out);
        assert!(text.contains("F503") && text.contains("hook-not-executable"), "{text}");
        for heading in ["## What it does", "## Why is this bad?", "## Example"] {
            assert!(text.contains(heading), "--explain {name} lacks {heading}");
        }
    }
    let out = formula(tmp.path(), &["lint", "--explain", "F999"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("F999"));
}

#[test]
fn list_shows_every_rule_in_code_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = formula(tmp.path(), &["lint", "--list"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let listed: Vec<&str> = text.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    let registered: Vec<&str> = formula_sdk::lint::registry::RULES.iter().map(|r| r.code).collect();
    assert_eq!(listed, registered);
    let f503 = text.lines().find(|l| l.starts_with("F503")).unwrap();
    assert!(f503.contains("hook-not-executable") && f503.contains("error") && f503.contains("correctness"), "{f503}");
}

#[test]
fn select_and_ignore_choose_rules_by_code_name_or_group() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let f = FormulaDir::new(root, "both");
    f.metadata("both", LONG_SUMMARY).hook("install", "#!/bin/sh\n", false);
    let run = |args: &[&str]| {
        let mut all = vec!["lint", "--format=json"];
        all.extend_from_slice(args);
        all.push("both");
        let mut found = codes(&formula(root, &all));
        found.sort();
        found.dedup();
        found
    };
    assert_eq!(run(&["--select=F105,F503"]), ["F105", "F503"]);
    assert_eq!(run(&["--select", "F105"]), ["F105"]);
    assert_eq!(run(&["--select", "summary-too-long"]), ["F105"]);
    assert_eq!(run(&["--select=F105,F503", "--ignore=F503"]), ["F105"]);
    assert_eq!(run(&["--select=F105,F503", "--ignore=hook-not-executable"]), ["F105"]);
    // Groups: F503 is correctness, F105 style.
    assert!(run(&["--select=correctness"]).contains(&"F503".to_string()));
    assert!(!run(&["--select=correctness"]).contains(&"F105".to_string()));
    assert!(!run(&["--ignore=style"]).contains(&"F105".to_string()));
    // By default every non-pedantic rule runs.
    let default = run(&[]);
    assert!(default.contains(&"F105".to_string()) && default.contains(&"F503".to_string()), "{default:?}");
}

#[test]
fn unknown_rule_names_are_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    clean_formula(root, "clean");
    for args in [["--select", "F999"], ["--ignore", "no-such-rule"], ["--extend-select", "nonsense"]] {
        let out = formula(root, &["lint", args[0], args[1], "clean"]);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(args[1]), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn several_paths_are_linted_one_by_one() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    warning_formula(root, "warned");
    error_formula(root, "broken");
    let out = formula(root, &["lint", "--format=json", SELECT, "warned", "broken"]);
    let found = json(&out);
    let mut by_path: Vec<(&str, &str)> =
        found.iter().map(|d| (d["path"].as_str().unwrap(), d["code"].as_str().unwrap())).collect();
    by_path.sort();
    assert_eq!(by_path, [("broken/hooks/install", "F503"), ("warned/metadata.yaml", "F105")]);
    // Formulas are linted in parallel; the output must not depend on which finishes first.
    for _ in 0..5 {
        assert_eq!(formula(root, &["lint", "--format=json", SELECT, "warned", "broken"]).stdout, out.stdout);
    }
}

#[test]
fn a_directory_of_formulas_is_linted_formula_by_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let repo = root.join("formulas");
    warning_formula(&repo, "a-warned");
    error_formula(&repo, "b-broken");
    clean_formula(&repo, "c-clean");
    // One level deeper, as in examples/<scenario>/formulas/<name>.
    warning_formula(&repo.join("nested"), "d-deep");
    let out = formula(root, &["lint", "--format=json", SELECT, "formulas"]);
    assert_eq!(code(&out), 200);
    let mut found: Vec<(String, String)> = json(&out)
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_string(), d["code"].as_str().unwrap().to_string()))
        .collect();
    found.sort();
    let expected = [
        ("formulas/a-warned/metadata.yaml", "F105"),
        ("formulas/b-broken/hooks/install", "F503"),
        ("formulas/nested/d-deep/metadata.yaml", "F105"),
    ];
    assert_eq!(found, expected.map(|(p, c)| (p.to_string(), c.to_string())));
    let human = stdout(&formula(root, &["lint", "--color=never", SELECT, "formulas"]));
    assert!(human.contains("4 targets"), "{human}");
}

#[test]
fn allow_list_silences_a_rule_for_one_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let silenced = warning_formula(root, "silenced");
    std::fs::write(silenced.join(".formulalint.yaml"), "allow:\n  - F105  # the summary is long on purpose\n").unwrap();
    let by_name = warning_formula(root, "by-name");
    std::fs::write(by_name.join(".formulalint.yaml"), "allow: [summary-too-long]\n").unwrap();
    warning_formula(root, "loud");
    let out = formula(root, &["lint", "--format=json", SELECT, "silenced", "by-name", "loud"]);
    let paths: Vec<String> = json(&out).iter().map(|d| d["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(paths, ["loud/metadata.yaml"]);
    assert_eq!(code(&out), 100);
}

#[test]
fn a_broken_allow_list_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let f = warning_formula(root, "typo");
    std::fs::write(f.join(".formulalint.yaml"), "allow:\n  - F105\n  - summary-too-short\n").unwrap();
    let out = formula(root, &["lint", "--format=json", "--select=F105,F008", "typo"]);
    let found = json(&out);
    let f008: Vec<&Value> = found.iter().filter(|d| d["code"] == "F008").collect();
    assert_eq!(f008.len(), 1, "{found:?}");
    assert_eq!(f008[0]["path"], "typo/.formulalint.yaml");
    assert_eq!(f008[0]["line"], 3);
    assert!(f008[0]["message"].as_str().unwrap().contains("summary-too-short"));
    // The valid entry still silences F105.
    assert!(!found.iter().any(|d| d["code"] == "F105"));
}

/// Every format, every rule, pedantic ones included.
fn lint_everything(root: &Path, target: &str) -> Vec<Output> {
    ["human", "concise", "json", "sarif", "github"]
        .iter()
        .map(|format| formula(root, &["lint", "--select=all", "--color=always", &format!("--format={format}"), target]))
        .collect()
}

#[test]
fn garbage_gives_diagnostics_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();

    // Binary metadata.yaml: invalid UTF-8, NUL bytes, control characters.
    let binary = FormulaDir::new(root, "binary");
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
    bytes.extend_from_slice(b"\xff\xfe\x00name: x\n\x1b[31m");
    std::fs::write(binary.dir.join("metadata.yaml"), &bytes).unwrap();
    std::fs::write(binary.dir.join("config.yaml"), &bytes[100..900]).unwrap();
    binary.hook("install", "\u{0}\u{1}\u{2}", true);

    // Symlink loops: metadata.yaml points at itself, a hook at another that points back.
    let looped = FormulaDir::new(root, "looped");
    std::os::unix::fs::symlink("metadata.yaml", looped.dir.join("metadata.yaml")).unwrap();
    std::fs::create_dir_all(looped.dir.join("hooks")).unwrap();
    std::os::unix::fs::symlink("start", looped.dir.join("hooks/install")).unwrap();
    std::os::unix::fs::symlink("install", looped.dir.join("hooks/start")).unwrap();
    std::os::unix::fs::symlink(".", looped.dir.join("hooks/stop")).unwrap();

    // metadata.yaml (and config.yaml) that are directories.
    let dirs = FormulaDir::new(root, "dirs");
    std::fs::create_dir_all(dirs.dir.join("metadata.yaml")).unwrap();
    std::fs::create_dir_all(dirs.dir.join("config.yaml")).unwrap();

    // Well-formed YAML of the wrong shapes everywhere.
    let shapes = FormulaDir::new(root, "shapes");
    shapes
        .file("metadata.yaml", "- just\n- a list\n")
        .file("config.yaml", "options: [1, 2]\n")
        .file("actions.yaml", "\"\": ~\n? [a, b]\n: {c: d}\n")
        .file("revision", "-9223372036854775809\n");

    std::fs::create_dir_all(root.join("empty")).unwrap();

    for (target, must_error) in
        [("binary", false), ("looped", true), ("dirs", true), ("shapes", false), ("empty", true), ("nonexistent", true)]
    {
        let outputs = lint_everything(root, target);
        for out in &outputs {
            assert_no_crash(out, target);
            if must_error {
                assert_eq!(code(out), 200, "{target}: an unreadable formula is an error");
            }
        }
        let found = json(&formula(root, &["lint", "--select=all", "--format=json", target]));
        assert!(!found.is_empty(), "{target}: no diagnostics at all");
    }
}

#[test]
fn nonexistent_and_empty_paths_are_not_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::write(root.join("notes.txt"), "hello").unwrap();
    for target in ["nonexistent", "empty", "notes.txt"] {
        let out = formula(root, &["lint", "--format=json", target]);
        assert_eq!(code(&out), 200, "{target}");
        let found = json(&out);
        assert_eq!(found.len(), 1, "{target}: {found:?}");
        assert_eq!(found[0]["code"], "F001", "{target}");
        assert_eq!(found[0]["path"], target);
    }
}

/// A formula that is right in every way the default rules check: it must lint clean (no
/// warnings, no errors), whatever rules are added.
#[test]
fn a_complete_formula_has_no_warnings_or_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let f = FormulaDir::new(root, "wiki");
    f.file(
        "metadata.yaml",
        "name: wiki\ndisplay-name: Wiki\nsummary: a wiki engine\ndescription: |\n  MediaWiki with a database.\n\
         maintainer: Jo Doe <jo@example.com>\ntags: [applications]\nprovides:\n  website:\n    interface: http\n\
         requires:\n  db:\n    interface: mysql\n",
    )
    .file("config.yaml", "options:\n  port:\n    type: int\n    default: 80\n    description: the port to listen on\n")
    .file("revision", "3\n")
    .file("copyright", "Copyright 2011 Jo Doe\n")
    .file("README.md", "# wiki\n\nDeploy it with `juju deploy ./wiki`.\n")
    .file("icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><circle cx=\"50\" cy=\"50\" r=\"40\"/></svg>\n");
    for hook in [
        "install",
        "start",
        "stop",
        "config-changed",
        "upgrade-charm",
        "website-relation-joined",
        "db-relation-changed",
    ] {
        f.hook(hook, "#!/bin/sh\nset -e\necho ok\n", true);
    }
    let out = formula(root, &["lint", "--format=json", "wiki"]);
    let loud: Vec<Value> = json(&out).into_iter().filter(|d| d["severity"] != "info").collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert_eq!(code(&out), 0);
}

/// Every file below `dir`: its path, its mode bits and its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            let bytes = if meta.is_file() { std::fs::read(&path).unwrap() } else { Vec::new() };
            out.push((path.strip_prefix(dir).unwrap().to_path_buf(), meta.permissions().mode() & 0o7777, bytes));
        }
    }
    out.sort();
    out
}

/// Copies the fixture formula `tests/formulas/<name>` into `root`, keeping modes.
fn copy_fixture(name: &str, root: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/formulas").join(name);
    let to = root.join(name);
    let status = Command::new("cp").arg("-a").arg(&from).arg(&to).status().unwrap();
    assert!(status.success());
    to
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn fix_diff_and_unsafe_fixes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = copy_fixture("fixable", root);
    // Git keeps only the owner's execute bit; make the starting modes certain.
    for (hook, mode) in [("install", 0o755), ("start", 0o644), ("stop", 0o640)] {
        std::fs::set_permissions(dir.join("hooks").join(hook), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let original = tree(&dir);

    // JSON says which findings have a fix, and of which kind.
    let found = json(&formula(root, &["lint", "--format=json", "--select=F503,F506,F606", "fixable"]));
    let fixes: Vec<(&str, &str)> =
        found.iter().map(|d| (d["code"].as_str().unwrap(), d["fix"].as_str().unwrap_or("none"))).collect();
    assert_eq!(fixes, [("F506", "unsafe"), ("F503", "safe"), ("F503", "safe"), ("F606", "safe")]);

    // --diff shows the safe fixes, changes nothing, and exits 1.
    let out = formula(root, &["lint", "--diff", "fixable"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("chmod +x fixable/hooks/start\n") && diff.contains("chmod +x fixable/hooks/stop\n"),
        "{diff}"
    );
    assert!(diff.contains("--- a/fixable/revision\n+++ b/fixable/revision\n"), "{diff}");
    assert!(diff.contains("\n-12 beta\n+12\n"), "{diff}");
    assert!(!diff.contains("python3"), "an unsafe fix in a safe diff: {diff}");
    assert!(stderr(&out).contains("would fix 3 findings (F503 ×2, F606 ×1)"), "{}", stderr(&out));
    let out = formula(root, &["lint", "--diff", "--unsafe-fixes", "fixable"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("-#!/usr/bin/python\n+#!/usr/bin/python3\n"), "{}", stdout(&out));
    assert_eq!(tree(&dir), original, "--diff changed the formula");

    // --fix applies the safe fixes only, and reports what is left.
    let out = formula(root, &["lint", "--color=never", "--fix", "fixable"]);
    let text = stdout(&out);
    assert!(text.contains("fixed 3 findings (F503 ×2, F606 ×1)\n"), "{text}");
    assert!(text.contains("error[F506]") && !text.contains("[F503]") && !text.contains("[F606]"), "{text}");
    assert!(text.contains("1 finding has an unsafe fix"), "{text}");
    assert_eq!(code(&out), 200, "the Python 2 hook is still an error");
    assert_eq!(mode_of(&dir.join("hooks/start")), 0o755);
    assert_eq!(mode_of(&dir.join("hooks/stop")), 0o750);
    assert_eq!(std::fs::read_to_string(dir.join("revision")).unwrap(), "12\n");
    let install = std::fs::read_to_string(dir.join("hooks/install")).unwrap();
    assert!(install.starts_with("#!/usr/bin/python\n"), "{install}");
    // Nothing else was touched.
    let changed: Vec<PathBuf> =
        tree(&dir).into_iter().zip(&original).filter(|(now, before)| now != *before).map(|(now, _)| now.0).collect();
    assert_eq!(changed, [PathBuf::from("hooks/start"), PathBuf::from("hooks/stop"), PathBuf::from("revision")]);

    // --fix --unsafe-fixes also moves the hook to Python 3.
    let out = formula(root, &["lint", "--color=never", "--fix", "--unsafe-fixes", "fixable"]);
    assert!(stdout(&out).contains("fixed 1 finding (F506 ×1)\n"), "{}", stdout(&out));
    let install = std::fs::read_to_string(dir.join("hooks/install")).unwrap();
    assert_eq!(install, original_text(&original, "hooks/install").replacen("python", "python3", 1));
    assert_eq!(mode_of(&dir.join("hooks/install")), 0o755);

    // A second run finds nothing to fix and changes nothing, byte for byte and mode for mode.
    let fixed = tree(&dir);
    let out = formula(root, &["lint", "--color=never", "--fix", "--unsafe-fixes", "fixable"]);
    assert!(stdout(&out).contains("nothing to fix\n"), "{}", stdout(&out));
    assert_eq!(tree(&dir), fixed);
    let out = formula(root, &["lint", "--diff", "--unsafe-fixes", "fixable"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
}

fn original_text(tree: &[(PathBuf, u32, Vec<u8>)], path: &str) -> String {
    let entry = tree.iter().find(|(p, _, _)| p == Path::new(path)).unwrap();
    String::from_utf8(entry.2.clone()).unwrap()
}

#[test]
fn unsafe_fixes_needs_fix_or_diff_and_rules_say_whether_they_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let out = formula(tmp.path(), &["lint", "--unsafe-fixes", "."]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--unsafe-fixes"), "{}", stderr(&out));
    let list = stdout(&formula(tmp.path(), &["lint", "--list"]));
    let column = |code: &str| {
        let line = list.lines().find(|l| l.starts_with(code)).unwrap().to_string();
        line.split_whitespace().nth(4).unwrap().to_string()
    };
    assert_eq!(
        (column("F503"), column("F506"), column("F606"), column("F105")),
        ("safe".into(), "unsafe".into(), "safe".into(), "none".into())
    );
    let explained = stdout(&formula(tmp.path(), &["lint", "--explain", "F506"]));
    assert!(explained.contains("Fix: unsafe."), "{explained}");
}
