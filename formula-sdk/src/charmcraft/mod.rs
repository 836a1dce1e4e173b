//! Charms written for charmcraft: a project whose `charmcraft.yaml` holds the metadata, the
//! config options and the actions, whose code is `src/charm.py` (the ops library's entry
//! point) and whose Python dependencies are listed in `requirements.txt`.
//!
//! [`Project::read`] reads `charmcraft.yaml`; [`files`] writes out what Juju reads from the
//! archive (`metadata.yaml`, `config.yaml`, `actions.yaml`, `manifest.yaml`, `dispatch`), as
//! charmcraft's charm plugin does; [`stage`] lays the project out as it is packed, with its
//! dependencies installed by pip into `venv/`.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("charmcraft.yaml"), "name: kv\ntype: charm\nsummary: s\n").unwrap();
//! std::fs::create_dir(dir.path().join("src")).unwrap();
//! std::fs::write(dir.path().join("src/charm.py"), "import ops\n").unwrap();
//! let project = formula_sdk::charmcraft::Project::read(dir.path()).unwrap();
//! assert_eq!(project.name, "kv");
//! assert_eq!(project.entrypoint, "src/charm.py");
//! ```

pub mod files;
pub mod stage;

use crate::yaml::{self, Node, NodeKind};
use std::fmt;
use std::path::{Path, PathBuf};

/// The project file.
pub const FILE: &str = "charmcraft.yaml";

/// Whether `dir` is a charmcraft project (it has a `charmcraft.yaml`) rather than a formula
/// laid out as Juju reads it.
pub fn is_project(dir: &Path) -> bool {
    dir.join(FILE).is_file() && !dir.join("dispatch").exists()
}

/// A charmcraft project, as read from its `charmcraft.yaml`.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory.
    pub dir: PathBuf,
    /// The charm's name.
    pub name: String,
    /// The program `dispatch` runs, relative to the charm (`src/charm.py` by default).
    pub entrypoint: String,
    /// Requirements files to install, relative to the project.
    pub requirements: Vec<String>,
    /// Packages named in the file itself (`charm-python-packages`, …).
    pub packages: Vec<String>,
    /// Dependencies from a Python project file or lock file, when the project has one and no
    /// requirements file (or its part's plugin is `uv` or `poetry`).
    pub locked: Option<Locked>,
    /// The parsed file.
    pub root: Node,
}

/// What is wrong with a `charmcraft.yaml`, at its file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError {
    /// The file.
    pub path: PathBuf,
    /// Line, 1-based (0 when the file could not be read).
    pub line: usize,
    /// Column in characters, 1-based.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ProjectError {}

/// Where a project's Python dependencies come from besides requirements files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// `uv.lock`: the locked versions of the project's non-dev dependencies, as charmcraft's
    /// uv plugin installs them (`uv export --no-dev`).
    Uv,
    /// `poetry.lock`: the locked versions of the main group, as charmcraft's poetry plugin
    /// installs them.
    Poetry,
    /// `pyproject.toml`'s `[project] dependencies`, resolved by pip.
    Pyproject,
}

impl Locked {
    /// The file the dependencies are read from.
    pub fn file(self) -> &'static str {
        match self {
            Locked::Uv => "uv.lock",
            Locked::Poetry => "poetry.lock",
            Locked::Pyproject => "pyproject.toml",
        }
    }
}

impl Project {
    /// Reads the project in `dir`.
    pub fn read(dir: &Path) -> Result<Project, ProjectError> {
        let path = dir.join(FILE);
        let at = |node: &Node, message: String| ProjectError {
            path: path.clone(),
            line: node.span.start.line,
            column: node.span.start.column,
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ProjectError {
            path: path.clone(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        let root = yaml::parse(&text).map_err(|e| ProjectError {
            path: path.clone(),
            line: e.span.start.line,
            column: e.span.start.column,
            message: e.message.clone(),
        })?;
        if !matches!(root.kind, NodeKind::Map(_)) {
            return Err(at(&root, "expected a mapping of charmcraft's keys".into()));
        }
        let name = match root.get("name") {
            Some(node) => {
                node.as_str().map(str::to_string).ok_or_else(|| at(node, "`name` must be a string".into()))?
            }
            None => return Err(at(&root, "`name` is missing: charmcraft.yaml must name the charm".into())),
        };
        if let Some(kind) = root.get("type") {
            if kind.as_str() != Some("charm") {
                return Err(at(kind, format!("`type: {}` cannot be packed: only `type: charm`", kind.display_value())));
            }
        }
        let part = root.get("parts").and_then(|p| p.get("charm"));
        let strings = |key: &str| -> Result<Vec<String>, ProjectError> {
            let Some(node) = part.and_then(|p| p.get(key)) else { return Ok(Vec::new()) };
            let items = node.as_seq().ok_or_else(|| at(node, format!("`{key}` must be a list of strings")))?;
            items
                .iter()
                .map(|i| {
                    i.as_str().map(str::to_string).ok_or_else(|| at(i, format!("`{key}` must be a list of strings")))
                })
                .collect()
        };
        let entrypoint = match part.and_then(|p| p.get("charm-entrypoint")) {
            Some(node) => {
                node.as_str().map(str::to_string).ok_or_else(|| at(node, "`charm-entrypoint` must be a path".into()))?
            }
            None => "src/charm.py".to_string(),
        };
        let mut requirements = strings("charm-requirements")?;
        requirements.extend(strings("python-requirements")?);
        if part.and_then(|p| p.get("charm-requirements")).is_none() && dir.join("requirements.txt").is_file() {
            requirements.insert(0, "requirements.txt".into());
        }
        let mut packages = strings("charm-python-packages")?;
        packages.extend(strings("charm-binary-python-packages")?);
        packages.extend(strings("python-packages")?);
        if !dir.join(&entrypoint).is_file() {
            let node = part.and_then(|p| p.get("charm-entrypoint")).unwrap_or(&root);
            return Err(at(node, format!("the charm's entry point `{entrypoint}` is not a file of the project")));
        }
        // The uv and poetry plugins install the lock file; the charm and python plugins a
        // project's requirements files, or else what pyproject.toml lists.
        let plugin = part.and_then(|p| p.get("plugin"));
        let locked = match plugin.and_then(Node::as_str) {
            Some("uv") => Some(Locked::Uv),
            Some("poetry") => Some(Locked::Poetry),
            _ if !requirements.is_empty() => None,
            _ if dir.join("uv.lock").is_file() => Some(Locked::Uv),
            _ if dir.join("poetry.lock").is_file() => Some(Locked::Poetry),
            _ if dir.join("pyproject.toml").is_file() => Some(Locked::Pyproject),
            _ => None,
        };
        if let Some(locked) = locked {
            if !dir.join(locked.file()).is_file() {
                let node = plugin.unwrap_or(&root);
                return Err(at(
                    node,
                    format!("the {} plugin needs `{}` in the project", plugin_name(locked), locked.file()),
                ));
            }
        }
        Ok(Project { dir: dir.to_path_buf(), name, entrypoint, requirements, packages, locked, root })
    }
}

fn plugin_name(locked: Locked) -> &'static str {
    match locked {
        Locked::Uv => "uv",
        Locked::Poetry => "poetry",
        Locked::Pyproject => "python",
    }
}
