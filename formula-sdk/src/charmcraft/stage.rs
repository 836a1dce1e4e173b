//! A charmcraft project laid out as its charm: the project's files, the files charmcraft.yaml
//! stands for, and the Python dependencies installed by pip into `venv/` (from PyPI, or the
//! index pip is configured with), as charmcraft's charm plugin lays them out.

use super::files::generated;
use super::{Locked, Project};
use crate::pack::{self, Entry, EntryKind, PackError};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the project's own files may not bring into the charm: the project file (written out
/// as metadata, config and actions), archives and build products.
fn left_out(path: &str) -> bool {
    let top = path.split('/').next().unwrap_or(path);
    path == super::FILE
        || top == "venv"
        || top == "build"
        || top == "parts"
        || top == "prime"
        || top.ends_with(".charm")
}

/// Why a project could not be laid out.
#[derive(Debug)]
pub enum StageError {
    /// Reading the project's files.
    Pack(PackError),
    /// Writing the staged charm.
    Io {
        /// What was being written.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A project or lock file could not be read.
    Lock {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// pip failed or could not start.
    Pip {
        /// The command, as run.
        command: String,
        /// What pip said (its stderr), or why it did not start.
        output: String,
    },
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageError::Pack(e) => e.fmt(f),
            StageError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            StageError::Lock { path, message } => write!(f, "{}: {}", path.display(), message.trim_end()),
            StageError::Pip { command, output } => write!(f, "`{command}` failed:\n{}", output.trim_end()),
        }
    }
}

impl std::error::Error for StageError {}

/// Lays `project` out in `into` (an empty directory) as its charm is packed.
pub fn stage(project: &Project, into: &Path) -> Result<(), StageError> {
    lay_out(project, into)?;
    install_dependencies(project, &into.join("venv"))
}

/// The same without its dependencies: what `formula lint` reads.
pub fn lay_out(project: &Project, into: &Path) -> Result<(), StageError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StageError::Io { path, source }
    };
    let entries = pack::collect(&project.dir).map_err(StageError::Pack)?;
    for entry in entries.iter().filter(|e| !left_out(&e.path)) {
        write_entry(entry, into).map_err(io(&into.join(&entry.path)))?;
    }
    for file in generated(project) {
        let path = into.join(file.path);
        std::fs::write(&path, &file.text).map_err(io(&path))?;
        set_mode(&path, file.mode).map_err(io(&path))?;
    }
    Ok(())
}

fn write_entry(entry: &Entry, into: &Path) -> std::io::Result<()> {
    let path = into.join(&entry.path);
    match &entry.kind {
        EntryKind::Dir => std::fs::create_dir_all(&path),
        EntryKind::File { mode, data } => {
            std::fs::write(&path, data)?;
            set_mode(&path, *mode)
        }
        EntryKind::Symlink { target } => std::os::unix::fs::symlink(target, &path),
    }
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// `pip install --target venv` of the project's requirements files and packages; nothing
/// when it lists none. Byte code is not compiled: the archive leaves `*.pyc` out.
fn install_dependencies(project: &Project, venv: &Path) -> Result<(), StageError> {
    // Locked versions are the whole set: pip installs them and nothing they would pull in.
    let locked = match project.locked {
        Some(kind) => Some((kind, locked_requirements(project, kind)?)),
        None => None,
    };
    let lines = locked.as_ref().map(|(_, lines)| lines.clone()).unwrap_or_default();
    if project.requirements.is_empty() && project.packages.is_empty() && lines.is_empty() {
        return Ok(());
    }
    let list = tempfile::NamedTempFile::new().map_err(|source| StageError::Io { path: venv.to_path_buf(), source })?;
    std::fs::write(list.path(), lines.join("\n") + "\n")
        .map_err(|source| StageError::Io { path: list.path().to_path_buf(), source })?;
    let mut command = Command::new("python3");
    command.args(["-m", "pip", "install", "--quiet", "--no-compile", "--no-input", "--disable-pip-version-check"]);
    command.arg("--target").arg(venv);
    for file in &project.requirements {
        command.arg("--requirement").arg(project.dir.join(file));
    }
    command.args(&project.packages);
    if let Some((kind, lines)) = &locked {
        if !lines.is_empty() {
            command.arg("--requirement").arg(list.path());
        }
        if *kind != Locked::Pyproject {
            command.arg("--no-deps");
        }
    }
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    let shown = format!("{command:?}").replace('"', "");
    let output = command.output().map_err(|e| StageError::Pip { command: shown.clone(), output: e.to_string() })?;
    if !output.status.success() {
        return Err(StageError::Pip { command: shown, output: String::from_utf8_lossy(&output.stderr).into_owned() });
    }
    Ok(())
}

/// Reads the project's Python dependencies from its project or lock file with Python's own
/// TOML reader, as pip requirement lines (`name==version ; marker` for a lock file), sorted.
fn locked_requirements(project: &Project, kind: Locked) -> Result<Vec<String>, StageError> {
    let path = project.dir.join(kind.file());
    let which = match kind {
        Locked::Uv => "uv",
        Locked::Poetry => "poetry",
        Locked::Pyproject => "pyproject",
    };
    let output = Command::new("python3")
        .args(["-c", LOCK_READER, which])
        .arg(&path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| StageError::Lock { path: path.clone(), message: format!("cannot run python3: {e}") })?;
    if !output.status.success() {
        return Err(StageError::Lock { path, message: String::from_utf8_lossy(&output.stderr).into_owned() });
    }
    Ok(String::from_utf8_lossy(&output.stdout).lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

/// The reader of `pyproject.toml`, `uv.lock` and `poetry.lock` (Python 3.11's `tomllib`).
/// For uv, the packages reachable from the project's own dependencies (not its dev groups or
/// extras), each at its locked version, with the marker of the edge that brought it when every
/// edge has one; for poetry, the packages of the main group (poetry 1's `category = "main"`)
/// that are not optional, with their markers.
const LOCK_READER: &str = r#"
import sys, tomllib
kind, path = sys.argv[1], sys.argv[2]
try:
    with open(path, "rb") as f:
        data = tomllib.load(f)
except (OSError, tomllib.TOMLDecodeError) as e:
    sys.exit(f"cannot read it: {e}")
lines = []
if kind == "pyproject":
    lines = list(data.get("project", {}).get("dependencies", []))
elif kind == "uv":
    packages = data.get("package", [])
    by_name = {}
    for p in packages:
        by_name.setdefault(p["name"], []).append(p)
    roots = [p for p in packages if set(p.get("source", {})) & {"editable", "virtual"}]
    if not roots:
        sys.exit("no package of the project itself (a source that is editable or virtual)")
    markers = {}
    queue = []
    for root in roots:
        queue.extend(root.get("dependencies", []))
    while queue:
        dep = queue.pop(0)
        candidates = by_name.get(dep["name"], [])
        if "version" in dep:
            candidates = [c for c in candidates if c["version"] == dep["version"]]
        for c in candidates:
            key = (c["name"], c["version"])
            marker = dep.get("marker")
            if key in markers:
                if markers[key] is not None and marker is None:
                    markers[key] = None
                continue
            markers[key] = marker
            queue.extend(c.get("dependencies", []))
    for (name, version), marker in sorted(markers.items()):
        lines.append(f"{name}=={version}" + (f" ; {marker}" if marker else ""))
elif kind == "poetry":
    for p in data.get("package", []):
        groups = p.get("groups") or [p.get("category", "main")]
        if "main" not in groups or p.get("optional", False):
            continue
        marker = p.get("markers")
        if isinstance(marker, dict):
            marker = marker.get("main")
        lines.append(f"{p['name']}=={p['version']}" + (f" ; {marker}" if marker else ""))
    lines.sort()
print(chr(10).join(lines))
"#;
