//! The formula format: a directory that Juju deploys.
//!
//! [`Formula::load`] reads everything Juju and `charm proof` look at, and never fails: files
//! that cannot be read or parsed are kept as problems on the formula, so that the linter can
//! report every one of them with its position, and the simulator can refuse to deploy.

mod actions;
mod bases;
mod config;
mod files;
mod hooks;
mod metadata;
pub mod names;

pub use actions::{Action, Actions};
pub use bases::DeclaredBases;
pub use config::{Config, ConfigOption, OptionType};
pub use files::{first_line_span, read_text, ReadProblem, RevisionFile, YamlFile, MAX_FILE_BYTES};

pub use hooks::{HookFile, HookTarget, Interpreter, STANDARD_HOOKS};
pub use metadata::{Endpoint, Metadata, Role, Scope};

use std::path::{Path, PathBuf};

/// A formula directory, as read from disk.
#[derive(Debug)]
pub struct Formula {
    /// The directory on disk.
    pub dir: PathBuf,
    /// The directory as shown in diagnostics.
    pub display_dir: PathBuf,
    /// `metadata.yaml`, when present.
    pub metadata_file: Option<YamlFile>,
    /// The typed view of `metadata.yaml` (empty when it is missing or broken).
    pub metadata: Metadata,
    /// `config.yaml`, when present.
    pub config_file: Option<YamlFile>,
    /// The typed view of `config.yaml`.
    pub config: Config,
    /// `actions.yaml`, when present.
    pub actions_file: Option<YamlFile>,
    /// The typed view of `actions.yaml`.
    pub actions: Actions,
    /// The `revision` file, when present.
    pub revision: Option<RevisionFile>,
    /// Whether `hooks/` exists (as a directory).
    pub has_hooks_dir: bool,
    /// Every entry of `hooks/`, hooks and helper files alike, sorted by name.
    pub hooks: Vec<HookFile>,
    /// Every entry of `actions/`, sorted by name.
    pub action_files: Vec<HookFile>,
    /// An executable `dispatch` at the root, which Juju runs for every hook.
    pub dispatch: Option<HookFile>,
    /// Names of the entries of the formula's root directory, sorted.
    pub root_entries: Vec<String>,
    /// The Ubuntu releases manifest.yaml or charmcraft.yaml declare (newer formats' `series`).
    pub bases: DeclaredBases,
    /// Files that exist but could not be read (permissions, loops, size).
    pub read_problems: Vec<ReadProblem>,
}

impl Formula {
    /// Reads the formula in `dir`, showing paths relative to `display_dir`'s parent as
    /// `display_dir/…`.
    pub fn load(dir: &Path) -> Formula {
        Self::load_as(dir, dir)
    }

    /// Reads the formula in `dir`; diagnostics name its files under `display_dir`.
    pub fn load_as(dir: &Path, display_dir: &Path) -> Formula {
        let mut read_problems = Vec::new();
        let root_entries = files::list_dir(dir);
        let mut read = |name: &str| files::read_yaml(dir, display_dir, name, &mut read_problems);
        let metadata_file = read("metadata.yaml");
        let config_file = read("config.yaml");
        let actions_file = read("actions.yaml");
        let revision = files::read_revision(dir, display_dir, &mut read_problems);
        let metadata =
            metadata_file.as_ref().and_then(|f| f.node.as_ref()).map(Metadata::from_node).unwrap_or_default();
        let config = config_file.as_ref().and_then(|f| f.node.as_ref()).map(Config::from_node).unwrap_or_default();
        let actions = actions_file.as_ref().and_then(|f| f.node.as_ref()).map(Actions::from_node).unwrap_or_default();
        let hooks_dir = dir.join("hooks");
        let has_hooks_dir = hooks_dir.is_dir();
        let hooks = hooks::read_dir(&hooks_dir, &display_dir.join("hooks"), &mut read_problems);
        let action_files = hooks::read_dir(&dir.join("actions"), &display_dir.join("actions"), &mut read_problems);
        let dispatch = root_entries
            .iter()
            .any(|e| e == "dispatch")
            .then(|| hooks::read_one(&dir.join("dispatch"), &display_dir.join("dispatch"), 0, &mut read_problems));
        let bases = DeclaredBases::load(dir, &root_entries);
        Formula {
            dir: dir.to_path_buf(),
            display_dir: display_dir.to_path_buf(),
            metadata_file,
            metadata,
            config_file,
            config,
            actions_file,
            actions,
            revision,
            has_hooks_dir,
            hooks,
            action_files,
            dispatch,
            root_entries,
            bases,
            read_problems,
        }
    }

    /// The formula's name from metadata, or its directory's name.
    pub fn name(&self) -> String {
        self.metadata.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| self.dir_name())
    }

    /// The name of the directory the formula lives in.
    pub fn dir_name(&self) -> String {
        let dir = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Whether this is a 2011 Ensemble formula (`ensemble: formula` in metadata.yaml).
    pub fn is_ensemble(&self) -> bool {
        self.metadata.ensemble
    }

    /// The hook file named `name`, if `hooks/` has it.
    pub fn hook(&self, name: &str) -> Option<&HookFile> {
        self.hooks.iter().find(|h| h.name == name)
    }

    /// Every hook name this formula can receive: the unit hooks, and the five relation hooks
    /// of each declared endpoint (Juju's `Meta.Hooks()`).
    pub fn known_hook_names(&self) -> Vec<String> {
        let mut names: Vec<String> = STANDARD_HOOKS.iter().map(|s| s.to_string()).collect();
        for endpoint in &self.metadata.endpoints {
            for kind in ["created", "joined", "changed", "departed", "broken"] {
                names.push(format!("{}-relation-{kind}", endpoint.name.value));
            }
        }
        for storage in &self.metadata.storage_names {
            names.push(format!("{storage}-storage-attached"));
            names.push(format!("{storage}-storage-detaching"));
        }
        names
    }

    /// The path of a root file as shown in diagnostics.
    pub fn display(&self, name: &str) -> PathBuf {
        self.display_dir.join(name)
    }

    /// The effective revision: the `revision` file, else metadata's obsolete `revision:`.
    pub fn effective_revision(&self) -> Option<i64> {
        self.revision.as_ref().and_then(|r| r.value).or_else(|| self.metadata.revision.as_ref().map(|r| r.value))
    }
}

/// Whether `dir` looks like a formula (has a metadata.yaml).
pub fn is_formula_dir(dir: &Path) -> bool {
    dir.join("metadata.yaml").exists()
}
