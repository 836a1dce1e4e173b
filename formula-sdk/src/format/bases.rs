//! The Ubuntu releases a charm of the newer formats declares instead of `series`: the
//! `bases` of the manifest.yaml that charmcraft packs into a charm, or of its charmcraft.yaml
//! (`bases:` with `run-on`, or `base: ubuntu@22.04`). Only the releases are kept: the
//! interpreter check (F506) needs nothing else, and these files are charmcraft's to check.

use crate::yaml::{self, Node, NodeKind};
use std::path::Path;

/// Ubuntu releases (`22.04`) declared by a file other than metadata.yaml.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeclaredBases {
    /// The releases' versions, in the file's order, without repeats.
    pub versions: Vec<String>,
    /// Where they were declared, for messages: "manifest.yaml's `bases`".
    pub source: String,
}

impl DeclaredBases {
    /// The bases of manifest.yaml when the formula has one, else of charmcraft.yaml; empty
    /// when neither declares an Ubuntu base (or cannot be read).
    pub fn load(dir: &Path, root_entries: &[String]) -> DeclaredBases {
        for file in ["manifest.yaml", "charmcraft.yaml"] {
            if !root_entries.iter().any(|e| e == file) {
                continue;
            }
            let Some(root) = std::fs::read_to_string(dir.join(file)).ok().and_then(|t| yaml::parse(&t).ok()) else {
                continue;
            };
            let found = from_node(&root, file);
            if !found.versions.is_empty() {
                return found;
            }
        }
        DeclaredBases::default()
    }
}

/// The Ubuntu versions of `bases:` (each `{name, channel}`, or `{build-on, run-on}` whose
/// `run-on` counts) or, in charmcraft.yaml, of `base: ubuntu@V`.
fn from_node(root: &Node, file: &str) -> DeclaredBases {
    let mut versions: Vec<String> = Vec::new();
    let add = |versions: &mut Vec<String>, version: String| {
        if !versions.contains(&version) {
            versions.push(version);
        }
    };
    let mut key = "bases";
    for base in root.get("bases").and_then(Node::as_seq).unwrap_or_default() {
        let run_on = base.get("run-on").and_then(Node::as_seq);
        for entry in run_on.unwrap_or(std::slice::from_ref(base)) {
            let is_ubuntu = entry.get("name").and_then(Node::as_str) == Some("ubuntu");
            if let (true, Some(channel)) = (is_ubuntu, entry.get("channel").map(scalar_text)) {
                add(&mut versions, channel);
            }
        }
    }
    if versions.is_empty() {
        if let Some(version) = root.get("base").and_then(Node::as_str).and_then(|b| b.strip_prefix("ubuntu@")) {
            key = "base";
            add(&mut versions, version.to_string());
        }
    }
    DeclaredBases { versions, source: format!("{file}'s `{key}`") }
}

/// A channel as written: `22.04` is a number to YAML, `"22.04"` a string; both name 22.04.
/// Ubuntu's versions have two digits after the point, which a float forgets (`20.10`).
fn scalar_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Float(x) => format!("{x:.2}"),
        _ => node.as_str().map(str::to_string).unwrap_or_else(|| node.display_value()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(text: &str) -> Vec<String> {
        from_node(&yaml::parse(text).expect("yaml"), "manifest.yaml").versions
    }

    #[test]
    fn manifest_bases_name_their_channels() {
        let text =
            "bases:\n- name: ubuntu\n  channel: '22.04'\n  architectures: [amd64]\n- name: ubuntu\n  channel: 20.10\n";
        assert_eq!(versions(text), ["22.04", "20.10"]);
    }

    #[test]
    fn charmcraft_run_on_counts_and_build_on_does_not() {
        let text = "bases:\n- build-on: [{name: ubuntu, channel: '18.04'}]\n  run-on: [{name: ubuntu, channel: '16.04'}, {name: ubuntu, channel: '14.04'}]\n";
        assert_eq!(versions(text), ["16.04", "14.04"]);
    }

    #[test]
    fn base_ubuntu_at_a_version_and_other_systems() {
        assert_eq!(versions("base: ubuntu@24.04\nplatforms: {amd64: }\n"), ["24.04"]);
        assert!(versions("bases:\n- name: centos\n  channel: '7'\n").is_empty());
        let found = from_node(&yaml::parse("base: ubuntu@22.04\n").expect("yaml"), "charmcraft.yaml");
        assert_eq!(found.source, "charmcraft.yaml's `base`");
    }
}
