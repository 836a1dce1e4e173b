//! `formula publish`: a local repository laid out as Juju's (`REPO/SERIES/NAME`), with the
//! revision bumped only when the content changed; `--juju` through the `juju` command.

use crate::support::formula;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Output, Stdio};

fn run_with_path(cwd: &Path, args: &[&str], path: Option<&str>) -> Output {
    let mut command = formula();
    command.current_dir(cwd).args(args).stdin(Stdio::null());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("run formula")
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    run_with_path(cwd, args, None)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn new_formula(dir: &Path) {
    let out = run(dir, &["new", "demo", "--provides", "website:http"]);
    assert!(out.status.success(), "{}", text(&out));
}

fn revision(path: &Path) -> String {
    std::fs::read_to_string(path.join("revision")).unwrap().trim().to_string()
}

#[test]
fn local_repository_revisions_follow_the_content() {
    let tmp = tempfile::tempdir().unwrap();
    new_formula(tmp.path());
    let published = tmp.path().join("repo/jammy/demo");

    let out = run(tmp.path(), &["publish", "demo", "--repository", "repo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(revision(&published), "1");
    assert!(published.join("hooks/install").metadata().unwrap().permissions().mode() & 0o111 != 0);
    assert!(!published.join(".formulaignore").exists());

    let out = run(tmp.path(), &["publish", "demo", "--repository", "repo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("unchanged, revision 1"), "{}", text(&out));
    assert_eq!(revision(&published), "1");

    // The source's own revision file does not count as a change.
    std::fs::write(tmp.path().join("demo/revision"), "1\n").unwrap();
    std::fs::write(tmp.path().join("demo/README.md"), "# Demo\n\nChanged.\n").unwrap();
    let out = run(tmp.path(), &["publish", "demo", "--repository", "repo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(revision(&published), "2");
    assert_eq!(std::fs::read_to_string(published.join("README.md")).unwrap(), "# Demo\n\nChanged.\n");

    let out = run(tmp.path(), &["publish", "demo", "--repository", "repo"]);
    assert!(text(&out).contains("unchanged, revision 2"), "{}", text(&out));

    // The series: --series, else metadata's `series:`.
    let out = run(tmp.path(), &["publish", "demo", "--repository", "repo", "--series", "focal"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(revision(&tmp.path().join("repo/focal/demo")), "1");
    let leftovers: Vec<_> =
        std::fs::read_dir(tmp.path().join("repo/jammy")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers, ["demo"], "only the formula is left in the series directory");
}

#[test]
fn juju_missing_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    new_formula(tmp.path());
    let empty = tmp.path().join("no-juju-here");
    std::fs::create_dir(&empty).unwrap();
    let out = run_with_path(tmp.path(), &["publish", "demo", "--juju"], empty.to_str());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("`juju` is not installed"), "{}", text(&out));
}

/// A stand-in `juju` on PATH that records its arguments; `whoami` and `show-application`
/// answer as the files `logged-in` and `deployed` beside it say.
fn fake_juju(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> {log}\ncase $1 in\n  whoami) [ -f {state}/logged-in ] || {{ echo 'ERROR not logged in' >&2; exit 1; }} ;;\n  show-application) [ -f {state}/deployed ] || exit 1 ;;\n  deploy) touch {state}/deployed ;;\nesac\nexit 0\n",
        log = dir.join("juju.log").display(),
        state = dir.display()
    );
    std::fs::write(bin.join("juju"), script).unwrap();
    std::fs::set_permissions(bin.join("juju"), std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:/usr/bin:/bin", bin.display())
}

#[test]
fn juju_deploys_then_refreshes() {
    let tmp = tempfile::tempdir().unwrap();
    new_formula(tmp.path());
    let path = fake_juju(tmp.path());
    let log = || std::fs::read_to_string(tmp.path().join("juju.log")).unwrap_or_default();

    let out = run_with_path(tmp.path(), &["publish", "demo", "--juju"], Some(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not logged in"), "{}", text(&out));
    assert!(!log().contains("deploy"));

    std::fs::write(tmp.path().join("logged-in"), "").unwrap();
    let out = run_with_path(
        tmp.path(),
        &["publish", "demo", "--juju", "--model", "dev", "--application", "site"],
        Some(&path),
    );
    assert!(out.status.success(), "{}", text(&out));
    let lines: Vec<String> = log().lines().map(str::to_string).collect();
    let deploy = lines.iter().find(|l| l.starts_with("deploy")).expect("a deploy");
    assert!(deploy.starts_with("deploy --model dev /") && deploy.ends_with("/demo.charm site"), "{deploy}");
    assert!(lines.contains(&"show-application --model dev site".to_string()), "{lines:?}");

    let out = run_with_path(
        tmp.path(),
        &["publish", "demo", "--juju", "--model", "dev", "--application", "site"],
        Some(&path),
    );
    assert!(out.status.success(), "{}", text(&out));
    let refresh = log().lines().find(|l| l.starts_with("refresh")).map(str::to_string).expect("a refresh");
    assert!(refresh.starts_with("refresh --model dev site --path /") && refresh.ends_with("/demo.charm"), "{refresh}");
}
