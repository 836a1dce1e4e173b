//! `formula build`: a formula written in Rust (a Cargo project inside the formula directory)
//! compiled into the files Juju and the simulator run.
//!
//! - natively, into `dispatch` at the formula's root, plus a `hooks/<name>` link to
//!   `../dispatch` (and `actions/<name>` for actions) for every hook the program handles, as
//!   it lists them when run with [`crate::hook::HOOKS_FLAG`];
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
    /// Build the native `dispatch` and its links.
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
    /// The links made to `dispatch`, relative to the formula (`hooks/install`).
    pub links: Vec<String>,
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
    /// A hook or action file is in the way of a link.
    InTheWay(PathBuf),
    /// A file could not be written.
    Io(PathBuf, std::io::Error),
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
                write!(f, "`{}` is a file, not a link to dispatch; remove it or drop its hook", path.display())
            }
            BuildError::Io(path, e) => write!(f, "cannot write `{}`: {e}", path.display()),
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
        built.links = link_hooks(dir, &dispatch)?;
        built.dispatch = Some(dispatch);
    }
    if options.wasm {
        let module = cargo_build(&manifest, Some(WASM_TARGET), options)?;
        let target = dir.join("dispatch.wasm");
        install(&module, &target)?;
        built.wasm = Some(target);
    }
    Ok(built)
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

/// Makes `hooks/<name>` (or, for a name in actions.yaml, `actions/<name>`) a link to
/// `../dispatch` for every name the program lists; links to it that name nothing it
/// handles any more are removed.
fn link_hooks(dir: &Path, dispatch: &Path) -> Result<Vec<String>, BuildError> {
    let output = Command::new(dispatch)
        .arg(crate::hook::HOOKS_FLAG)
        .env_remove("JUJU_DISPATCH_PATH")
        .output()
        .map_err(|e| BuildError::HookList(dispatch.to_path_buf(), e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(BuildError::HookList(dispatch.to_path_buf(), stderr));
    }
    let actions = action_names(dir);
    let mut links = Vec::new();
    for name in String::from_utf8_lossy(&output.stdout).lines().map(str::trim).filter(|n| !n.is_empty()) {
        if name.contains('/') || name.starts_with('.') {
            return Err(BuildError::HookList(dispatch.to_path_buf(), format!("`{name}` is not a hook name")));
        }
        let folder = if actions.iter().any(|a| a == name) { "actions" } else { "hooks" };
        links.push(format!("{folder}/{name}"));
    }
    for folder in ["hooks", "actions"] {
        remove_stale_links(&dir.join(folder), &links, folder)?;
    }
    for link in &links {
        let path = dir.join(link);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| BuildError::Io(parent.to_path_buf(), e))?;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::remove_file(&path).map_err(|e| BuildError::Io(path.clone(), e))?;
            }
            Ok(_) => return Err(BuildError::InTheWay(path)),
            Err(_) => {}
        }
        std::os::unix::fs::symlink("../dispatch", &path).map_err(|e| BuildError::Io(path.clone(), e))?;
    }
    Ok(links)
}

/// Removes links to `../dispatch` in `folder` that are not in `keep`.
fn remove_stale_links(folder: &Path, keep: &[String], prefix: &str) -> Result<(), BuildError> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        let to_dispatch = std::fs::read_link(&path).is_ok_and(|t| t == Path::new("../dispatch"));
        if to_dispatch && !keep.contains(&name) {
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
