//! The jubilant suite (`tests/jubilant`, pytest with jubilant from PyPI) against the built
//! binary as `juju`: a controller of the test's own, `juju` and `formula` on PATH as links to
//! the binary. The suite packs its ops charms with `formula pack` and knows nothing of the
//! simulator; the same suite runs against a real Juju (README). Its model's trace then replays.
//!
//! Its Python is `/opt/jubilant/bin/python`, which dev/setup.sh makes (`JUBILANT_PYTHON`
//! points the test at another with jubilant and pytest).

use crate::support::{formula, repo};
use std::process::Command;

#[test]
fn the_jubilant_suite_passes_against_formula_as_juju() {
    let python = std::env::var("JUBILANT_PYTHON").unwrap_or_else(|_| "/opt/jubilant/bin/python".into());
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for name in ["juju", "formula"] {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_formula"), bin.join(name)).unwrap();
    }
    let controller = tmp.path().join("controller");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp"])
        .arg(tmp.path().join("pytest"))
        .arg(repo().join("tests/jubilant"))
        .env("PATH", path)
        .env("FORMULA_CONTROLLER_DIR", &controller)
        .env_remove("JUJU_MODEL")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} (dev/setup.sh installs it): {e}"));
    let _ = formula().args(["controller", "stop", "--dir"]).arg(&controller).output();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the jubilant suite failed:\n{said}");
    assert!(said.contains("16 passed"), "{said}");

    // The model's trace replays: the same hooks, `juju run`s and `juju exec`s included.
    let models: Vec<_> = std::fs::read_dir(controller.join("models")).unwrap().map(|e| e.unwrap().path()).collect();
    let [model] = models.as_slice() else { panic!("one model expected: {models:?}") };
    let replay = formula().arg("sim").arg("--replay").arg(model.join("trace.jsonl")).output().unwrap();
    let said = String::from_utf8_lossy(&replay.stderr);
    assert!(replay.status.success(), "{said}");
    assert!(said.contains("replay: this run followed the trace's"), "{said}");
}
