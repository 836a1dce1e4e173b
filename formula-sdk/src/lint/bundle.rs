//! Bundles: `bundle.yaml` files that deploy several formulas and relate them.

use crate::format::{Formula, YamlFile};
use crate::yaml::Node;
use std::path::{Path, PathBuf};

/// A bundle, with the local formulas it names loaded.
pub struct BundleContext {
    /// The bundle file.
    pub file: Option<YamlFile>,
    /// Why the file could not be read, if it could not.
    pub read_problem: Option<String>,
    /// The directory the bundle's relative paths start from.
    pub dir: PathBuf,
    /// Each application that names a local formula: (application, formula), in file order.
    pub formulas: Vec<(String, Formula)>,
}

impl BundleContext {
    /// Reads the bundle at `path` (shown as `display`) and the local formulas it names.
    pub fn load(path: &Path, display: &Path) -> BundleContext {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut problems = Vec::new();
        let text = crate::format::read_text_public(path, display, &mut problems);
        let file = text.map(|t| YamlFile::parse(display.to_path_buf(), t));
        let read_problem = problems.first().map(|p| p.reason.clone());
        let mut ctx = BundleContext { file, read_problem, dir, formulas: Vec::new() };
        let display_dir = display.parent().map(Path::to_path_buf).unwrap_or_default();
        for (app, node) in ctx.applications() {
            if let Some(local) = node.get("charm").and_then(Node::as_str).and_then(local_path) {
                let formula_dir = ctx.dir.join(local);
                if formula_dir.join("metadata.yaml").is_file() {
                    let formula = Formula::load_as(&formula_dir, &display_dir.join(local));
                    ctx.formulas.push((app, formula));
                }
            }
        }
        ctx
    }

    /// The root node, when the file parsed.
    pub fn root(&self) -> Option<&Node> {
        self.file.as_ref().and_then(|f| f.node.as_ref())
    }

    /// The path as shown.
    pub fn path(&self) -> PathBuf {
        self.file.as_ref().map(|f| f.path().to_path_buf()).unwrap_or_default()
    }

    /// `applications:` (or the older `services:`) entries: (name, definition).
    pub fn applications(&self) -> Vec<(String, Node)> {
        let Some(root) = self.root() else { return Vec::new() };
        let section = root.get("applications").or_else(|| root.get("services"));
        section
            .and_then(Node::map_entries)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((k.key_text()?, v.clone())))
            .collect()
    }

    /// The loaded formula of application `app`.
    pub fn formula(&self, app: &str) -> Option<&Formula> {
        self.formulas.iter().find(|(a, _)| a == app).map(|(_, f)| f)
    }
}

/// The local directory named by a bundle's `charm:` value (`./x`, `../x`, `/x`, `local:x`).
pub fn local_path(charm: &str) -> Option<&str> {
    if charm.starts_with("./") || charm.starts_with("../") || charm.starts_with('/') {
        Some(charm)
    } else {
        charm.strip_prefix("local:")
    }
}
