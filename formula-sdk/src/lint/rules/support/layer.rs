//! Reading `layer.yaml` and the fields its `proof:` section teaches `charm proof`.

use crate::format::{Formula, ReadProblem};
use crate::yaml::{self, Node, NodeKind, YamlError};
use std::path::PathBuf;

/// `layer.yaml`, which `charm build` reads and whose `proof:` section extends `charm proof`.
#[derive(Debug)]
pub struct LayerFile {
    /// The path as shown to the user.
    pub path: PathBuf,
    /// The text, when it could be read.
    pub text: Option<String>,
    /// The root node, when the text parsed.
    pub node: Option<Node>,
    /// The syntax error, when it did not.
    pub error: Option<YamlError>,
    /// Why it could not be read, when it could not.
    pub problems: Vec<ReadProblem>,
}

/// Reads the formula's `layer.yaml`; `None` when there is none.
pub fn layer(formula: &Formula) -> Option<LayerFile> {
    let real = formula.dir.join("layer.yaml");
    std::fs::symlink_metadata(&real).ok()?;
    let path = formula.display("layer.yaml");
    let mut problems = Vec::new();
    let text = crate::format::read_text(&real, &path, &mut problems);
    let (node, error) = match text.as_deref().map(yaml::parse) {
        Some(Ok(node)) => (Some(node), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Some(LayerFile { path, text, node, error, problems })
}

/// The field names that `layer.yaml`'s `proof: <section>:` declares as extensions, which
/// `charm proof` then accepts in that metadata section. The section is a list of
/// `{name, type}` schemas (dict2colander's form); a mapping's keys are taken as names too.
pub fn proof_extension_fields(formula: &Formula, section: &str) -> Vec<String> {
    let Some(layer) = layer(formula) else {
        return Vec::new();
    };
    let Some(extensions) = layer.node.as_ref().and_then(|n| n.get("proof")).and_then(|p| p.get(section)) else {
        return Vec::new();
    };
    match &extensions.kind {
        NodeKind::Seq(items) => items.iter().filter_map(|i| i.get("name")).filter_map(Node::key_text).collect(),
        NodeKind::Map(_) => {
            extensions.map_entries().unwrap_or_default().iter().filter_map(|(k, _)| k.key_text()).collect()
        }
        _ => Vec::new(),
    }
}
