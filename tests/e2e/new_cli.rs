//! `formula new`: every template, with a mix of relations, gives a formula that lints clean,
//! passes its own tests (under several seeds), packs, and survives pack → unpack → lint →
//! sim and the real `charm proof`; bad requests are refused and write nothing.

use crate::support;

use crate::support::formula;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn run(cwd: &Path, args: &[&str]) -> Output {
    formula()
        .current_dir(cwd)
        .args(args)
        .env("CARGO_TARGET_DIR", support::formula_builds_target())
        .stdin(Stdio::null())
        .output()
        .expect("run formula")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Findings above info in `formula lint --format json`.
fn findings_above_info(cwd: &Path, target: &str) -> Vec<Value> {
    let out = run(cwd, &["lint", "--format", "json", target]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("lint JSON: {e}\n{}", text(&out)));
    let list = json.as_array().cloned().or_else(|| json["diagnostics"].as_array().cloned()).unwrap_or_default();
    list.into_iter().filter(|d| d["severity"] != "info").collect()
}

/// The mixes of relations each template is tried with.
const MIXES: &[&[&str]] = &[
    &[],
    &["--provides", "website:http"],
    &["--requires", "db:mysql", "--provides", "website:http", "--peers", "cluster:web-peers"],
    &["--subordinate", "--requires", "logs:syslog"],
];

fn proof_command() -> PathBuf {
    let program =
        PathBuf::from(std::env::var("CHARM_PROOF").unwrap_or_else(|_| "/opt/charm-tools/bin/charm-proof".into()));
    assert!(program.is_file(), "charm proof is not installed at {} (dev/test.sh installs it)", program.display());
    program
}

fn check_template(template: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    for (i, mix) in MIXES.iter().enumerate() {
        let name = format!("{template}-f{i}");
        let mut args =
            vec!["new", name.as_str(), "--template", template, "--maintainer", "Ada Lovelace <ada@example.org>"];
        args.extend_from_slice(mix);
        let out = run(cwd, &args);
        assert!(out.status.success(), "formula new {args:?}: {}", text(&out));

        let above = findings_above_info(cwd, &name);
        assert!(above.is_empty(), "{name}: lint findings above info: {above:#?}");
        let hooks_before = hook_texts(&cwd.join(&name));
        assert!(hooks_before.contains_key("install"), "{name}: no hooks/install: {hooks_before:?}");

        let out = run(cwd, &["test", &name, "--backend", "host", "--explore", "3"]);
        assert!(out.status.success(), "formula test {name}: {}", text(&out));
        assert!(text(&out).contains(&format!("test {name}/tests/basic.yaml ... (3 seeds) ok")), "{}", text(&out));
        // A formula written in Rust is built first, and said so; then it is up to date.
        let rust = Path::new(cwd).join(&name).join("Cargo.toml").is_file();
        let building = format!("building the Rust formula {name}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).contains(&building), rust, "{}", text(&out));
        if rust {
            for built in ["dispatch", "dispatch.wasm", "hooks/install", "hooks/config-changed"] {
                assert!(cwd.join(&name).join(built).exists(), "{name}: no {built} after formula test");
            }
            let again = run(cwd, &["test", &name, "--backend", "host"]);
            assert!(again.status.success(), "formula test {name} again: {}", text(&again));
            assert!(!String::from_utf8_lossy(&again.stderr).contains(&building), "rebuilt: {}", text(&again));
            native_hooks_write_the_files(cwd, &name);
            // The template's hooks are the ones `formula build` writes: lint has nothing to
            // say before the first build, and the build changes none of them.
            assert_eq!(hook_texts(&cwd.join(&name)), hooks_before, "{name}: formula build changed the hooks");
        }
        let above = findings_above_info(cwd, &name);
        assert!(above.is_empty(), "{name} after its tests (and build): lint findings above info: {above:#?}");

        let archive = format!("{name}.charm");
        let out = run(cwd, &["pack", &name, "-o", &archive]);
        assert!(out.status.success(), "formula pack {name}: {}", text(&out));

        // pack → unpack → lint → sim, and the real charm proof on what Juju would receive.
        let unpacked = format!("unpacked/{name}");
        let out = run(cwd, &["unpack", &archive, &unpacked]);
        assert!(out.status.success(), "formula unpack {name}: {}", text(&out));
        assert!(findings_above_info(cwd, &unpacked).is_empty(), "{unpacked}: lint findings above info");
        let out = run(cwd, &["sim", &format!("{unpacked}/tests/basic.yaml"), "--backend", "host", "--quiet"]);
        assert!(out.status.success(), "sim of the unpacked {name}: {}", text(&out));
        let proof = Command::new(proof_command()).arg(cwd.join(&unpacked)).output().expect("run charm proof");
        let said = text(&proof);
        assert!(
            proof.status.code().is_some_and(|c| c < 200) && !said.lines().any(|l| l.starts_with("E:")),
            "charm proof on the unpacked {name}: {said}"
        );
    }
}

/// Each hook's name and text.
fn hook_texts(formula: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(formula.join("hooks"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The simulator runs a Rust formula's `dispatch.wasm`, which has no files; its native
/// `dispatch`, as Juju runs it, renders the settings to `../data/NAME.conf` as the other
/// templates' hooks do.
fn native_hooks_write_the_files(cwd: &Path, name: &str) {
    let scenario = format!("{name}/tests/basic.yaml");
    let out = run(cwd, &["sim", &scenario, "--native-hooks", "--backend", "host", "--quiet", "--keep", "always"]);
    assert!(out.status.success(), "native sim of {name}: {}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    let kept = said
        .lines()
        .find_map(|l| l.strip_prefix("kept the run's directory: "))
        .and_then(|rest| rest.split(' ').next())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no kept directory: {said}"));
    let conf = std::fs::read_to_string(kept.join(format!("units/{name}-0/data/{name}.conf")));
    std::fs::remove_dir_all(&kept).unwrap();
    let conf = conf.unwrap_or_else(|e| panic!("{name}.conf: {e}"));
    assert!(conf.contains("greeting = Bonjour\nport = 8080\n"), "{conf}");
}

#[test]
fn bash_template_works_end_to_end() {
    check_template("bash");
}

#[test]
fn python_template_works_end_to_end() {
    check_template("python");
}

#[test]
fn rust_template_works_end_to_end() {
    check_template("rust");
}

#[test]
fn every_template_renders_with_every_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let help = run(tmp.path(), &["new", "x", "--template", "nope"]);
    let listed = text(&help);
    assert!(listed.contains("bash") && listed.contains("python"), "{listed}");
    // Whatever templates/ holds (a later `rust` too): each renders and lints without error.
    let names: Vec<String> = std::fs::read_dir(support::repo().join("templates"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir() && e.file_name() != "common")
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 2, "{names:?}");
    for template in names {
        for (i, mix) in MIXES.iter().enumerate() {
            let name = format!("{template}-m{i}");
            let mut args = vec!["new", name.as_str(), "--template", template.as_str()];
            args.extend_from_slice(mix);
            let out = run(tmp.path(), &args);
            assert!(out.status.success(), "formula new {args:?}: {}", text(&out));
            assert!(findings_above_info(tmp.path(), &name).is_empty(), "{name}");
        }
    }
}

#[test]
fn refuses_what_it_cannot_write_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["new", "My_Formula"]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(said.contains("F130 invalid-formula-name") && said.contains("try `my-formula`"), "{said}");

    let out = run(tmp.path(), &["new", "good", "--requires", "Bad:mysql"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("F212 invalid-endpoint-name"), "{}", text(&out));

    let out = run(tmp.path(), &["new", "good", "--requires", "nointerface"]);
    assert!(text(&out).contains("ENDPOINT:INTERFACE"), "{}", text(&out));

    // A name Juju reserves is caught by linting the result before it is put in place.
    let out = run(tmp.path(), &["new", "good", "--provides", "juju-info:juju-info"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("F201"), "{}", text(&out));

    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "a refused request wrote something");

    std::fs::create_dir(tmp.path().join("taken")).unwrap();
    std::fs::write(tmp.path().join("taken/keep"), "mine").unwrap();
    let out = run(tmp.path(), &["new", "taken"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("already exists"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(tmp.path().join("taken/keep")).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(tmp.path().join("taken")).unwrap().count(), 1);
}

#[test]
fn asks_only_when_interactive() {
    let tmp = tempfile::tempdir().unwrap();
    // Without --interactive, an open standard input that never says anything is not read.
    let mut child = formula()
        .current_dir(tmp.path())
        .args(["new", "quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _stdin = child.stdin.take();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("formula new waited for input without --interactive");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());

    let mut child = formula()
        .current_dir(tmp.path())
        .args(["new", "asked", "--interactive"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"A formula asked for\nGrace Hopper <grace@example.org>\nwebsite:http\n\n\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let metadata = std::fs::read_to_string(tmp.path().join("asked/metadata.yaml")).unwrap();
    assert!(metadata.contains("summary: A formula asked for"), "{metadata}");
    assert!(metadata.contains("maintainer: Grace Hopper <grace@example.org>"), "{metadata}");
    assert!(metadata.contains("provides:\n  website:\n    interface: http"), "{metadata}");
}

/// Every generated file of one `formula new`, with its mode, for a snapshot.
#[test]
fn generated_files_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(
        tmp.path(),
        &[
            "new",
            "wiki",
            "--maintainer",
            "Ada Lovelace <ada@example.org>",
            "--requires",
            "db:mysql",
            "--provides",
            "website:http",
            "--peers",
            "cluster:wiki-peers",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mut listing = String::new();
    let mut paths = Vec::new();
    collect(&tmp.path().join("wiki"), &mut paths);
    paths.sort();
    for path in paths {
        let rel = path.strip_prefix(tmp.path()).unwrap().display().to_string();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        if meta.file_type().is_symlink() {
            listing.push_str(&format!("=== {rel} -> {}\n", std::fs::read_link(&path).unwrap().display()));
        } else if rel.starts_with("wiki/.schema/") {
            // The schemas, as `formula schema` prints them (schema_cli checks their text).
            listing.push_str(&format!("=== {rel} ({:o}) (a schema)\n", meta.permissions().mode() & 0o777));
        } else {
            listing.push_str(&format!("=== {rel} ({:o})\n", meta.permissions().mode() & 0o777));
            listing.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    // The copyright year is this year's.
    let year = regex::Regex::new(r"Copyright: \d{4} ").unwrap();
    let listing = year.replace_all(&listing, "Copyright: YEAR ");
    insta::assert_snapshot!(listing);
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
