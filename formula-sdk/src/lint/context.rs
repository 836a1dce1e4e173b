//! What a formula rule can look at, with helpers for the common questions.

use crate::format::{Formula, HookFile, YamlFile};
use crate::source::Span;
use crate::yaml::Node;
use std::path::PathBuf;

/// A loaded formula, as rules see it.
pub struct LintContext<'a> {
    /// The formula.
    pub formula: &'a Formula,
}

impl<'a> LintContext<'a> {
    /// Wraps `formula`.
    pub fn new(formula: &'a Formula) -> Self {
        LintContext { formula }
    }

    /// metadata.yaml's root node, when the file exists and parsed.
    pub fn metadata(&self) -> Option<&'a Node> {
        self.formula.metadata_file.as_ref().and_then(|f| f.node.as_ref())
    }

    /// config.yaml's root node, when the file exists and parsed.
    pub fn config(&self) -> Option<&'a Node> {
        self.formula.config_file.as_ref().and_then(|f| f.node.as_ref())
    }

    /// actions.yaml's root node, when the file exists and parsed.
    pub fn actions(&self) -> Option<&'a Node> {
        self.formula.actions_file.as_ref().and_then(|f| f.node.as_ref())
    }

    /// metadata.yaml's text (`""` when the file could not be read), for what a node was
    /// written as and for cutting spans to a line.
    pub fn metadata_text(&self) -> &'a str {
        self.formula.metadata_file.as_ref().map_or("", |f| f.source.text.as_str())
    }

    /// The path of a root file, as shown to the user.
    pub fn path(&self, name: &str) -> PathBuf {
        self.formula.display(name)
    }

    /// The metadata.yaml path, as shown.
    pub fn metadata_path(&self) -> PathBuf {
        self.path("metadata.yaml")
    }

    /// The config.yaml path, as shown.
    pub fn config_path(&self) -> PathBuf {
        self.path("config.yaml")
    }

    /// The span of the key `key` at the top of metadata.yaml.
    pub fn metadata_key_span(&self, key: &str) -> Option<Span> {
        self.metadata().and_then(|root| root.entry(key)).map(|(k, _)| k.span)
    }

    /// The YAML files that exist (metadata, config, actions).
    pub fn yaml_files(&self) -> impl Iterator<Item = &'a YamlFile> {
        let f = self.formula;
        [&f.metadata_file, &f.config_file, &f.actions_file].into_iter().flatten()
    }

    /// The hooks that Juju would run: files in `hooks/` named after a hook this formula
    /// can receive (helper files and directories are left out).
    pub fn hooks(&self) -> Vec<&'a HookFile> {
        let known = self.formula.known_hook_names();
        self.formula.hooks.iter().filter(|h| !h.is_dir && known.contains(&h.name)).collect()
    }

    /// Whether `root` has any of the files `names` (exact names).
    pub fn has_root_file(&self, name: &str) -> bool {
        self.formula.root_entries.iter().any(|e| e == name)
    }
}
