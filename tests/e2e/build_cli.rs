//! `formula build` and the wasm32-wasip1 target: it runs `rustup target add` exactly when
//! the target is missing, and says what to install when there is no rustup. The machine's
//! toolchain is never changed: a fake `rustup` records its arguments, and a `rustc` wrapper
//! reports a made-up sysroot (with or without the target) to `--print sysroot` and runs the
//! real compiler for everything else, so the build itself is real.

use crate::support::formula;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real toolchain's sysroot.
fn real_sysroot() -> PathBuf {
    let output = Command::new("rustc").args(["--print", "sysroot"]).output().expect("rustc runs");
    PathBuf::from(String::from_utf8(output.stdout).expect("a UTF-8 path").trim())
}

fn script(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write a script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("make it executable");
}

/// A playground: a one-binary Cargo project, a `bin/` with the `rustc` wrapper (and a fake
/// `rustup` when `rustup`), and a fake sysroot that has the wasm target when `installed`.
struct Setup {
    _temp: tempfile::TempDir,
    project: PathBuf,
    bin: PathBuf,
    rustup_log: PathBuf,
}

fn setup(installed: bool, rustup: bool) -> Setup {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let root = temp.path();
    let project = root.join("tiny");
    std::fs::create_dir_all(project.join("src")).expect("create src/");
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("write Cargo.toml");
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n").expect("write main.rs");
    let sysroot = root.join("sysroot");
    std::fs::create_dir_all(sysroot.join("lib/rustlib")).expect("create the fake sysroot");
    if installed {
        std::fs::create_dir_all(sysroot.join("lib/rustlib/wasm32-wasip1")).expect("create the target directory");
    }
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).expect("create bin/");
    let real_rustc = real_sysroot().join("bin/rustc");
    script(
        &bin.join("rustc"),
        &format!(
            "#!/bin/sh\nif [ $# -eq 2 ] && [ \"$1\" = --print ] && [ \"$2\" = sysroot ]; then\n  echo '{}'\n  exit 0\nfi\nexec '{}' \"$@\"\n",
            sysroot.display(),
            real_rustc.display()
        ),
    );
    let rustup_log = root.join("rustup.log");
    if rustup {
        script(&bin.join("rustup"), &format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 0\n", rustup_log.display()));
    }
    Setup { _temp: temp, project, bin, rustup_log }
}

/// `formula build --target wasm` with PATH = the playground's `bin/`, `/usr/bin` and `/bin`.
fn build_wasm(setup: &Setup) -> Output {
    formula()
        .args(["build", "--target", "wasm", "--debug"])
        .arg(&setup.project)
        .env("PATH", format!("{}:/usr/bin:/bin", setup.bin.display()))
        .env("CARGO", real_sysroot().join("bin/cargo"))
        .env_remove("RUSTC")
        .env_remove("RUSTC_WRAPPER")
        .output()
        .expect("formula runs")
}

#[test]
fn a_missing_target_is_added_with_rustup_then_built() {
    let setup = setup(false, true);
    let output = build_wasm(&setup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let calls = std::fs::read_to_string(&setup.rustup_log).unwrap_or_default();
    assert_eq!(calls, "target add wasm32-wasip1\n");
    assert!(stderr.contains("running `rustup target add wasm32-wasip1`"), "{stderr}");
    assert!(setup.project.join("dispatch.wasm").is_file());
}

#[test]
fn an_installed_target_is_not_added_again() {
    let setup = setup(true, true);
    let output = build_wasm(&setup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!setup.rustup_log.exists(), "rustup ran: {:?}", std::fs::read_to_string(&setup.rustup_log));
    assert!(!stderr.contains("rustup target add"), "{stderr}");
    assert!(setup.project.join("dispatch.wasm").is_file());
}

#[test]
fn without_rustup_it_says_what_to_install() {
    let setup = setup(false, false);
    let output = build_wasm(&setup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("no `rustup` on PATH"), "{stderr}");
    assert!(stderr.contains("https://rustup.rs"), "{stderr}");
    assert!(stderr.contains("`rustup target add wasm32-wasip1`"), "{stderr}");
    assert!(!setup.project.join("dispatch.wasm").exists());
}
