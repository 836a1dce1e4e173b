//! The files charmcraft writes into a charm, made from `charmcraft.yaml`: Juju reads the
//! metadata, config options and actions from `metadata.yaml`, `config.yaml` and
//! `actions.yaml`, the bases from `manifest.yaml`, and runs `dispatch` for every hook.

use super::Project;
use crate::deployer::Out;
use crate::go::yaml_v2::marshal;
use crate::yaml::Node;

/// The keys of charmcraft.yaml that metadata.yaml holds, as Juju reads them.
const METADATA_KEYS: &[&str] = &[
    "name",
    "display-name",
    "summary",
    "description",
    "maintainers",
    "assumes",
    "containers",
    "devices",
    "extra-bindings",
    "min-juju-version",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
    "charm-user",
    "docs",
    "issues",
    "source",
    "website",
];

/// charmcraft.yaml's `links` keys and the metadata.yaml keys they become.
const LINKS: &[(&str, &str)] = &[
    ("documentation", "docs"),
    ("issues", "issues"),
    ("source", "source"),
    ("website", "website"),
    ("contact", "maintainers"),
];

/// One file to write into the charm: its path, mode and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Relative path.
    pub path: &'static str,
    /// `0o644` or `0o755`.
    pub mode: u32,
    /// Contents.
    pub text: String,
}

/// Every file the project's charmcraft.yaml stands for: metadata.yaml always, config.yaml and
/// actions.yaml when it declares options or actions, manifest.yaml and dispatch.
pub fn generated(project: &Project) -> Vec<Generated> {
    let mut out = vec![Generated { path: "metadata.yaml", mode: 0o644, text: metadata(&project.root) }];
    if let Some(config) = project.root.get("config") {
        out.push(Generated { path: "config.yaml", mode: 0o644, text: marshal(&Out::from_node(config)) });
    }
    if let Some(actions) = project.root.get("actions") {
        out.push(Generated { path: "actions.yaml", mode: 0o644, text: marshal(&Out::from_node(actions)) });
    }
    out.push(Generated { path: "manifest.yaml", mode: 0o644, text: manifest(&project.root) });
    out.push(Generated { path: "dispatch", mode: 0o755, text: dispatch(&project.entrypoint) });
    out
}

/// metadata.yaml: charmcraft.yaml's metadata keys in its order, then `links` as Juju's keys.
pub fn metadata(root: &Node) -> String {
    let mut fields: Vec<(String, Out)> = Vec::new();
    for (key, value) in root.map_entries().unwrap_or_default() {
        let key = key.key_text().unwrap_or_default();
        if METADATA_KEYS.contains(&key.as_str()) {
            fields.push((key, Out::from_node(value)));
        }
    }
    if let Some(links) = root.get("links") {
        for (from, to) in LINKS {
            if let Some(value) = links.get(from) {
                if !fields.iter().any(|(k, _)| k == to) {
                    // Juju's metadata takes lists of these but `docs`; charmcraft allows a single string.
                    let value = match Out::from_node(value) {
                        Out::Str(s) if *to != "docs" => Out::List(vec![Out::Str(s)]),
                        other => other,
                    };
                    fields.push((to.to_string(), value));
                }
            }
        }
    }
    marshal(&Out::Fields(fields))
}

/// The Ubuntu bases the charm runs on, as (channel, architectures): from `bases` (each
/// `run-on`, or the base itself), else `base` with `platforms`, else 22.04 on amd64.
fn bases(root: &Node) -> Vec<(String, Vec<String>)> {
    let scalar = |n: &Node| n.key_text().unwrap_or_default();
    let archs = |n: Option<&Node>| -> Vec<String> {
        match n.and_then(Node::as_seq) {
            Some(items) => items.iter().map(scalar).collect(),
            None => vec!["amd64".into()],
        }
    };
    let mut out = Vec::new();
    if let Some(list) = root.get("bases").and_then(Node::as_seq) {
        for base in list {
            let run_on: Vec<&Node> = match base.get("run-on").and_then(Node::as_seq) {
                Some(items) => items.iter().collect(),
                None => vec![base],
            };
            for b in run_on {
                if let Some(channel) = b.get("channel") {
                    out.push((scalar(channel), archs(b.get("architectures"))));
                }
            }
        }
    } else if let Some(base) = root.get("base").and_then(Node::as_str) {
        let channel = base.split_once('@').map(|(_, c)| c).unwrap_or(base).to_string();
        let platforms: Vec<String> = root
            .get("platforms")
            .and_then(Node::map_entries)
            .map(|entries| entries.iter().filter_map(|(k, _)| k.key_text()).collect())
            .unwrap_or_else(|| vec!["amd64".into()]);
        out.push((channel, platforms));
    }
    if out.is_empty() {
        out.push(("22.04".into(), vec!["amd64".into()]));
    }
    out
}

/// manifest.yaml: the bases, and what packed it. No time is written (charmcraft writes when
/// it started), so that the same project packs to the same bytes.
pub fn manifest(root: &Node) -> String {
    let attribute = |name: &str, result: &str| {
        Out::Fields(vec![("name".into(), Out::Str(name.into())), ("result".into(), Out::Str(result.into()))])
    };
    let bases = bases(root)
        .into_iter()
        .map(|(channel, archs)| {
            Out::Fields(vec![
                ("architectures".into(), Out::List(archs.into_iter().map(Out::Str).collect())),
                ("channel".into(), Out::Str(channel)),
                ("name".into(), Out::Str("ubuntu".into())),
            ])
        })
        .collect();
    let analysis = Out::Fields(vec![(
        "attributes".into(),
        Out::List(vec![attribute("language", "python"), attribute("framework", "operator")]),
    )]);
    marshal(&Out::Fields(vec![
        ("analysis".into(), analysis),
        ("bases".into(), Out::List(bases)),
        ("charmcraft-version".into(), Out::Str(format!("formula-kit {}", env!("CARGO_PKG_VERSION")))),
    ]))
}

/// The `dispatch` script Juju runs for every hook and action: the entry point under the
/// charm's Python, with the charm's `lib/` and its packed dependencies (`venv/`) importable,
/// and `JUJU_DISPATCH_PATH` set when an older agent runs a hook by its own name.
pub fn dispatch(entrypoint: &str) -> String {
    format!(
        "#!/bin/sh\n\
         # Written by formula pack: runs the charm with its packed dependencies.\n\
         export JUJU_DISPATCH_PATH=\"${{JUJU_DISPATCH_PATH:-$0}}\"\n\
         export PYTHONPATH=lib:venv\n\
         exec /usr/bin/env python3 ./{entrypoint}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn metadata_takes_the_metadata_keys_and_links_only() {
        let root = parse(
            "name: kv\ntype: charm\nbase: ubuntu@24.04\nsummary: s\nrequires:\n  db: {interface: pg}\n\
             config:\n  options: {a: {type: int}}\nlinks:\n  contact: me <me@example.com>\n  documentation: https://d\n",
        )
        .unwrap();
        assert_eq!(
            metadata(&root),
            "name: kv\nsummary: s\nrequires:\n  db:\n    interface: pg\ndocs: https://d\nmaintainers:\n- me <me@example.com>\n"
        );
    }

    #[test]
    fn manifest_bases_come_from_base_and_platforms_or_bases() {
        let newer = parse("name: kv\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n  arm64:\n").unwrap();
        assert!(manifest(&newer).contains("bases:\n- architectures:\n  - amd64\n  - arm64\n  channel: \"24.04\"\n"));
        let older = parse("bases:\n- build-on: [{name: ubuntu, channel: '20.04'}]\n  run-on: [{name: ubuntu, channel: '20.04'}, {name: ubuntu, channel: '22.04'}]\n").unwrap();
        let text = manifest(&older);
        assert!(text.contains("channel: \"20.04\"") && text.contains("channel: \"22.04\""), "{text}");
        assert!(!text.contains("started"), "no time in the manifest: {text}");
    }
}
