//! `formula build`: a formula written in Rust (a Cargo project inside the formula directory)
//! compiled into the files Juju and the simulator run.
//!
//! - natively, into `dispatch` at the formula's root, which Juju (2.8 and later) runs for
//!   every hook, plus a `hooks/<name>` script that runs it (`actions/<name>` for actions)
//!   for every hook the program handles, as it lists them when run with
//!   [`formula_hook::HOOKS_FLAG`]: for an older Juju, and for tools that read hooks as text;
//! - for `wasm32-wasip1`, into `dispatch.wasm`, which the simulator runs in-process.
//!
//! Cargo does the work (`cargo build --release --message-format=json`); its diagnostics go
//! to stderr as they would from `cargo build`.

use serde::Deserialize;
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target triple of WebAssembly hooks.
pub const WASM_TARGET: &str = "wasm32-wasip1";

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Build the native `dispatch` and its hooks.
    pub native: bool,
    /// Build `dispatch.wasm`.
    pub wasm: bool,
    /// Cargo's `--release` (the default); `false` builds with the dev profile.
    pub release: bool,
    /// The `cargo` to run.
    pub cargo: PathBuf,
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        let cargo = std::env::var_os("CARGO").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("cargo"));
        BuildOptions { native: true, wasm: true, release: true, cargo }
    }
}

/// What a build wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Built {
    /// The native program (`DIR/dispatch`).
    pub dispatch: Option<PathBuf>,
    /// The WebAssembly module (`DIR/dispatch.wasm`).
    pub wasm: Option<PathBuf>,
    /// The hooks written that run `dispatch`, relative to the formula (`hooks/install`).
    pub hooks: Vec<String>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// The directory has no `Cargo.toml`.
    NotACargoProject(PathBuf),
    /// Cargo could not be started.
    CargoMissing(PathBuf, std::io::Error),
    /// Cargo failed (its diagnostics went to stderr); for the wasm target, a hint if the
    /// target is not installed.
    CargoFailed {
        /// `native` or the target triple.
        target: String,
        /// Exit code.
        code: Option<i32>,
    },
    /// Cargo built no binary.
    NoBinary(String),
    /// Cargo built several binaries; the formula must have one.
    SeveralBinaries(Vec<String>),
    /// The built program could not list its hooks.
    HookList(PathBuf, String),
    /// A hook or action file that `formula build` did not write is in the way.
    InTheWay(PathBuf),
    /// A file could not be written.
    Io(PathBuf, std::io::Error),
    /// The wasm target is not installed and there is no rustup to add it.
    WasmTargetMissing,
    /// `rustup target add` failed (its output went to stderr).
    RustupFailed(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NotACargoProject(dir) => {
                write!(f, "`{}` has no Cargo.toml: `formula build` builds a formula written in Rust", dir.display())
            }
            BuildError::CargoMissing(cargo, e) => write!(f, "cannot run `{}`: {e}", cargo.display()),
            BuildError::CargoFailed { target, code } => {
                write!(f, "cargo failed building for {target}")?;
                if let Some(code) = code {
                    write!(f, " (exit {code})")?;
                }
                if target == WASM_TARGET {
                    write!(f, "; is the target installed? `rustup target add {WASM_TARGET}`")?;
                }
                Ok(())
            }
            BuildError::NoBinary(target) => write!(f, "cargo built no binary for {target}"),
            BuildError::SeveralBinaries(names) => {
                write!(f, "the formula's crate has several binaries ({}); it needs exactly one", names.join(", "))
            }
            BuildError::HookList(program, e) => write!(f, "cannot list the hooks of `{}`: {e}", program.display()),
            BuildError::InTheWay(path) => {
                write!(f, "`{}` was not written by `formula build`; remove it or drop its hook", path.display())
            }
            BuildError::Io(path, e) => write!(f, "cannot write `{}`: {e}", path.display()),
            BuildError::WasmTargetMissing => write!(
                f,
                "the Rust standard library for {WASM_TARGET} is not installed, and there is no `rustup` on PATH to add it: \
                 install rustup (https://rustup.rs), then run `rustup target add {WASM_TARGET}`; or install your \
                 distribution's {WASM_TARGET} standard library for the `rustc` on PATH; or build only the native \
                 hooks with `formula build --target native`"
            ),
            BuildError::RustupFailed(why) => write!(f, "`rustup target add {WASM_TARGET}` failed: {why}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds the formula in `dir` as `options` say.
pub fn build(dir: &Path, options: &BuildOptions) -> Result<Built, BuildError> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NotACargoProject(dir.to_path_buf()));
    }
    let mut built = Built::default();
    if options.native {
        let program = cargo_build(&manifest, None, options)?;
        let dispatch = dir.join("dispatch");
        install(&program, &dispatch)?;
        built.hooks = write_hooks(dir, &dispatch)?;
        built.dispatch = Some(dispatch);
    }
    if options.wasm {
        ensure_wasm_target(dir)?;
        let module = cargo_build(&manifest, Some(WASM_TARGET), options)?;
        let target = dir.join("dispatch.wasm");
        install(&module, &target)?;
        built.wasm = Some(target);
    }
    Ok(built)
}

/// What [`build`] does about the wasm target before it builds for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmTargetAction {
    /// The target is installed: build.
    Build,
    /// It is missing and rustup is at hand: `rustup target add`, then build.
    Add,
    /// It is missing and nothing can add it: fail with what to install.
    Fail,
}

/// The decision: rustup runs only when the target is missing.
pub fn wasm_target_action(installed: bool, rustup_on_path: bool) -> WasmTargetAction {
    match (installed, rustup_on_path) {
        (true, _) => WasmTargetAction::Build,
        (false, true) => WasmTargetAction::Add,
        (false, false) => WasmTargetAction::Fail,
    }
}

/// Adds the wasm target with rustup when it is missing (saying so on stderr). When
/// whether it is installed cannot be told (no `rustc` to ask), cargo is left to say.
fn ensure_wasm_target(dir: &Path) -> Result<(), BuildError> {
    let Some(installed) = wasm_target_installed(dir) else {
        return Ok(());
    };
    let rustup = find_on_path("rustup");
    match wasm_target_action(installed, rustup.is_some()) {
        WasmTargetAction::Build => Ok(()),
        WasmTargetAction::Fail => Err(BuildError::WasmTargetMissing),
        WasmTargetAction::Add => {
            let rustup = rustup.unwrap_or_else(|| PathBuf::from("rustup"));
            eprintln!("the {WASM_TARGET} target is not installed: running `rustup target add {WASM_TARGET}`");
            // In the formula's directory, so that its rust-toolchain file picks the toolchain.
            let status = Command::new(&rustup)
                .args(["target", "add", WASM_TARGET])
                .current_dir(dir)
                .stdout(Stdio::inherit())
                .stderr(Stdio::inherit())
                .status()
                .map_err(|e| BuildError::RustupFailed(format!("cannot run `{}`: {e}", rustup.display())))?;
            if status.success() {
                Ok(())
            } else {
                let code = status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
                Err(BuildError::RustupFailed(code))
            }
        }
    }
}

/// Whether the `rustc` cargo uses (`$RUSTC`, else `rustc` on PATH, run in `dir`) has the
/// wasm target's standard library in its sysroot (`lib/rustlib/wasm32-wasip1`); `None` when
/// that `rustc` cannot say.
fn wasm_target_installed(dir: &Path) -> Option<bool> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output =
        Command::new(rustc).args(["--print", "sysroot"]).current_dir(dir).stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let sysroot = String::from_utf8(output.stdout).ok()?;
    let sysroot = sysroot.trim();
    if sysroot.is_empty() {
        return None;
    }
    Some(Path::new(sysroot).join("lib/rustlib").join(WASM_TARGET).is_dir())
}

/// The executable file `name` in a directory of PATH.
fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| {
        std::fs::metadata(candidate).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// The files [`build`] writes that the simulator runs: the native program and the module.
pub const OUTPUTS: [&str; 2] = ["dispatch", "dispatch.wasm"];

/// Why the formula in `dir` must be built before it runs: it is a Cargo project (it has a
/// `Cargo.toml`) whose `dispatch` or `dispatch.wasm` is missing, or older than one of its
/// sources (a `Cargo.toml`, `Cargo.lock` or `.rs` file anywhere in it but `target/` and
/// hidden directories). `None` when it is no Cargo project or is up to date.
pub fn needs_build(dir: &Path) -> Option<String> {
    if !dir.join("Cargo.toml").is_file() {
        return None;
    }
    let mut oldest: Option<(std::time::SystemTime, &str)> = None;
    for output in OUTPUTS {
        let Some(time) = modified(&dir.join(output)) else {
            return Some(format!("`{output}` is missing"));
        };
        if oldest.is_none_or(|(t, _)| time < t) {
            oldest = Some((time, output));
        }
    }
    let (built, output) = oldest?;
    let (time, source) = newest_source(dir)?;
    (time > built).then(|| {
        let shown = source.strip_prefix(dir).unwrap_or(&source).display().to_string();
        format!("`{shown}` is newer than `{output}`")
    })
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The most recently changed source under `folder`, with its time.
fn newest_source(folder: &Path) -> Option<(std::time::SystemTime, PathBuf)> {
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(folder).ok()?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else { continue };
        let found = if kind.is_dir() {
            let skipped = name.starts_with('.') || name == "target";
            if skipped {
                None
            } else {
                newest_source(&path)
            }
        } else if kind.is_file() && (name == "Cargo.toml" || name == "Cargo.lock" || name.ends_with(".rs")) {
            modified(&path).map(|t| (t, path))
        } else {
            None
        };
        if let Some((time, path)) = found {
            if newest.as_ref().is_none_or(|(t, _)| time > *t) {
                newest = Some((time, path));
            }
        }
    }
    newest
}

/// A line of `cargo build --message-format=json` that matters here.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<CargoTarget>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
    kind: Vec<String>,
}

/// Runs cargo; returns the one binary it built.
fn cargo_build(manifest: &Path, target: Option<&str>, options: &BuildOptions) -> Result<PathBuf, BuildError> {
    let label = target.unwrap_or("native").to_string();
    let mut command = Command::new(&options.cargo);
    command.arg("build").arg("--manifest-path").arg(manifest).arg("--message-format=json-render-diagnostics");
    if options.release {
        command.arg("--release");
    }
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| BuildError::CargoMissing(options.cargo.clone(), e))?;
    let mut binaries: Vec<(String, PathBuf)> = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Ok(message) = serde_json::from_str::<CargoMessage>(&line) else { continue };
            if message.reason != "compiler-artifact" {
                continue;
            }
            if let (Some(path), Some(t)) = (message.executable, message.target) {
                if t.kind.iter().any(|k| k == "bin") {
                    binaries.push((t.name, path));
                }
            }
        }
    }
    let status = child.wait().map_err(|e| BuildError::CargoMissing(options.cargo.clone(), e))?;
    if !status.success() {
        return Err(BuildError::CargoFailed { target: label, code: status.code() });
    }
    match binaries.len() {
        0 => Err(BuildError::NoBinary(label)),
        1 => Ok(binaries.remove(0).1),
        _ => Err(BuildError::SeveralBinaries(binaries.into_iter().map(|(n, _)| n).collect())),
    }
}

/// Copies `from` to `to` (through a temporary file, so that a running `to` is replaced, not
/// overwritten), executable.
fn install(from: &Path, to: &Path) -> Result<(), BuildError> {
    use std::os::unix::fs::PermissionsExt;
    let io = |e| BuildError::Io(to.to_path_buf(), e);
    let temporary = to.with_extension("new");
    std::fs::copy(from, &temporary).map_err(io)?;
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    std::fs::rename(&temporary, to).map_err(io)
}

/// The first lines of a hook that [`build`] writes: how it knows its own.
const HOOK_MARK: &str = "#!/bin/sh\n# Written by `formula build`";

/// The hook file for `name` (`hooks/install`): a shell script that runs `dispatch` as Juju
/// would. Juju 2.8 and later run `dispatch` itself for every hook and never this file; an
/// older Juju runs it, and tools that read hooks as text (`charm proof`) can, which they
/// cannot do with a link to a program.
fn hook_script(name: &str) -> String {
    format!(
        "{HOOK_MARK}: runs the formula's program, `dispatch`, for this hook.\n\
         export JUJU_DISPATCH_PATH=\"${{JUJU_DISPATCH_PATH:-{name}}}\"\n\
         exec \"$(dirname \"$0\")/../dispatch\" \"$@\"\n"
    )
}

/// Whether `path` is a hook that [`build`] wrote (or, from earlier versions, a link to
/// `../dispatch`).
fn is_ours(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::read_link(path).is_ok_and(|t| t == Path::new("../dispatch"))
        }
        Ok(meta) if meta.is_file() => std::fs::read_to_string(path).is_ok_and(|text| text.starts_with(HOOK_MARK)),
        _ => false,
    }
}

/// Writes `hooks/<name>` (or, for a name in actions.yaml, `actions/<name>`) that runs
/// `dispatch`, for every name the program lists; the hooks it wrote before that name
/// nothing the program handles any more are removed.
fn write_hooks(dir: &Path, dispatch: &Path) -> Result<Vec<String>, BuildError> {
    use std::os::unix::fs::PermissionsExt;
    let output = Command::new(dispatch)
        .arg(formula_hook::HOOKS_FLAG)
        .env_remove("JUJU_DISPATCH_PATH")
        .output()
        .map_err(|e| BuildError::HookList(dispatch.to_path_buf(), e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(BuildError::HookList(dispatch.to_path_buf(), stderr));
    }
    let actions = action_names(dir);
    let mut hooks = Vec::new();
    for name in String::from_utf8_lossy(&output.stdout).lines().map(str::trim).filter(|n| !n.is_empty()) {
        if name.contains('/') || name.starts_with('.') {
            return Err(BuildError::HookList(dispatch.to_path_buf(), format!("`{name}` is not a hook name")));
        }
        let folder = if actions.iter().any(|a| a == name) { "actions" } else { "hooks" };
        hooks.push(format!("{folder}/{name}"));
    }
    for folder in ["hooks", "actions"] {
        remove_stale_hooks(&dir.join(folder), &hooks, folder)?;
    }
    for hook in &hooks {
        let path = dir.join(hook);
        let io = |e| BuildError::Io(path.clone(), e);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| BuildError::Io(parent.to_path_buf(), e))?;
        }
        let script = hook_script(hook);
        match std::fs::symlink_metadata(&path) {
            Err(_) => {}
            Ok(meta) if meta.is_file() && std::fs::read_to_string(&path).is_ok_and(|t| t == script) => {
                // Unchanged: left alone, so its time does not change.
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
                continue;
            }
            Ok(_) if is_ours(&path) => std::fs::remove_file(&path).map_err(io)?,
            Ok(_) => return Err(BuildError::InTheWay(path)),
        }
        std::fs::write(&path, script).map_err(io)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    Ok(hooks)
}

/// Removes the hooks [`build`] wrote in `folder` that are not in `keep`.
fn remove_stale_hooks(folder: &Path, keep: &[String], prefix: &str) -> Result<(), BuildError> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        if is_ours(&path) && !keep.contains(&name) {
            std::fs::remove_file(&path).map_err(|e| BuildError::Io(path.clone(), e))?;
        }
    }
    Ok(())
}

/// The actions the formula declares.
fn action_names(dir: &Path) -> Vec<String> {
    let formula = crate::format::Formula::load(dir);
    formula.actions.actions.iter().map(|a| a.name.value.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn touch(path: &Path, age_secs: u64) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x").unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(age_secs)).unwrap();
    }

    #[test]
    fn rustup_runs_only_when_the_wasm_target_is_missing() {
        assert_eq!(wasm_target_action(true, true), WasmTargetAction::Build);
        assert_eq!(wasm_target_action(true, false), WasmTargetAction::Build);
        assert_eq!(wasm_target_action(false, true), WasmTargetAction::Add);
        assert_eq!(wasm_target_action(false, false), WasmTargetAction::Fail);
    }

    #[test]
    fn the_missing_target_message_says_what_to_run() {
        let message = BuildError::WasmTargetMissing.to_string();
        assert!(message.contains("`rustup target add wasm32-wasip1`"), "{message}");
        assert!(message.contains("https://rustup.rs"), "{message}");
    }

    #[test]
    fn a_rust_formula_needs_building_when_an_output_is_missing_or_older_than_a_source() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        assert_eq!(needs_build(dir), None, "no Cargo.toml: not a Rust formula");
        touch(&dir.join("Cargo.toml"), 100);
        touch(&dir.join("src/main.rs"), 100);
        assert_eq!(needs_build(dir).as_deref(), Some("`dispatch` is missing"));
        touch(&dir.join("dispatch"), 50);
        assert_eq!(needs_build(dir).as_deref(), Some("`dispatch.wasm` is missing"));
        touch(&dir.join("dispatch.wasm"), 60);
        assert_eq!(needs_build(dir), None);
        // Neither build outputs nor hidden directories are sources.
        touch(&dir.join("target/release/build/x.rs"), 1);
        touch(&dir.join(".git/x.rs"), 1);
        touch(&dir.join("README.md"), 1);
        assert_eq!(needs_build(dir), None);
        touch(&dir.join("formula-hook/src/lib.rs"), 10);
        assert_eq!(needs_build(dir).as_deref(), Some("`formula-hook/src/lib.rs` is newer than `dispatch.wasm`"));
    }
}
