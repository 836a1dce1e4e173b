//! A charmcraft project laid out as its charm: the project's files, the files charmcraft.yaml
//! stands for, and the Python dependencies installed by pip into `venv/` (from PyPI, or the
//! index pip is configured with), as charmcraft's charm plugin lays them out.

use super::files::generated;
use super::Project;
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
    if project.requirements.is_empty() && project.packages.is_empty() {
        return Ok(());
    }
    let mut command = Command::new("python3");
    command.args(["-m", "pip", "install", "--quiet", "--no-compile", "--no-input", "--disable-pip-version-check"]);
    command.arg("--target").arg(venv);
    for file in &project.requirements {
        command.arg("--requirement").arg(project.dir.join(file));
    }
    command.args(&project.packages);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    let shown = format!("{command:?}").replace('"', "");
    let output = command.output().map_err(|e| StageError::Pip { command: shown.clone(), output: e.to_string() })?;
    if !output.status.success() {
        return Err(StageError::Pip { command: shown, output: String::from_utf8_lossy(&output.stderr).into_owned() });
    }
    Ok(())
}
