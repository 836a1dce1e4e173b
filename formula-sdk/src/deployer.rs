//! juju-deployer (v3) bundles, and their upgrade to the bundle format Juju deploys (v4).
//!
//! Before Juju deployed bundles itself, juju-deployer read files that name one or more
//! deployments at the top level, each with `series`, `services` and `relations` (pairs, or an
//! endpoint and a list of the endpoints it relates to) and optionally `inherits` (other
//! deployments of the file it extends). Juju reads none of it: its bundles have
//! `applications:` and pairs of endpoints at the top level. [`upgrade`] writes one deployment
//! (its inherited parts merged in) as such a bundle, and lists what it could not carry over.
//!
//! ```
//! let text = "wiki-stack:\n  series: trusty\n  services:\n    wiki: {charm: cs:trusty/mediawiki, num_units: 2}\n    db: {charm: cs:trusty/mysql}\n  relations:\n    - [wiki:db, db]\n";
//! let root = formula_sdk::yaml::parse(text).unwrap();
//! let upgraded = formula_sdk::deployer::upgrade(&root, "bundles.yaml", None).unwrap();
//! assert!(upgraded.text.contains("applications:\n  wiki:\n    charm: cs:trusty/mediawiki\n    num_units: 2\n"));
//! assert!(upgraded.text.contains("  db:\n    charm: cs:trusty/mysql\n    num_units: 1\n")); // deployer's default
//! assert!(upgraded.dropped.is_empty());
//! ```

use crate::go::yaml_v2::{marshal, GoValue, Marshal};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::fmt;

/// The keys of a deployment that [`upgrade`] reads.
const DEPLOYMENT_KEYS: [&str; 4] = ["series", "services", "relations", "inherits"];

/// The deployments of a juju-deployer file: each top-level key whose value is a mapping with
/// `services` or `inherits`, in file order. Empty for anything else (a v4 bundle has
/// `applications` or `services` at the top level).
pub fn deployments(root: &Node) -> Vec<(&Node, &Node)> {
    if root.get("applications").is_some() || root.get("services").is_some() {
        return Vec::new();
    }
    root.map_entries()
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| v.get("services").is_some() || v.get("inherits").is_some())
        .collect()
}

/// A v4 bundle made from a deployment.
#[derive(Debug)]
pub struct Upgraded {
    /// The deployment it was made from.
    pub deployment: String,
    /// The bundle's text (with a comment that says where it came from and what was dropped).
    pub text: String,
    /// What could not be carried over, in file order.
    pub dropped: Vec<Dropped>,
}

/// Something of the v3 file that the v4 bundle does not have.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropped {
    /// Where it was written.
    pub span: Span,
    /// What it is and why it is left out.
    pub message: String,
}

/// Why a file could not be upgraded.
#[derive(Clone, Debug, PartialEq)]
pub enum UpgradeError {
    /// It is not a juju-deployer file.
    NotDeployer,
    /// It holds several deployments and none was chosen.
    Several(Vec<String>),
    /// The chosen deployment (or one it inherits) is not in the file.
    Unknown {
        /// The name asked for.
        name: String,
        /// The deployments of the file.
        known: Vec<String>,
    },
    /// A deployment inherits from itself, through the names listed.
    Cycle(Vec<String>),
}

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpgradeError::NotDeployer => f.write_str(
                "not a juju-deployer bundle: no top-level deployment with `services` (a bundle Juju deploys needs no upgrade)",
            ),
            UpgradeError::Several(names) => write!(
                f,
                "the file holds several deployments ({}); choose one with `--deployment NAME`",
                quoted(names)
            ),
            UpgradeError::Unknown { name, known } => {
                write!(f, "no deployment is called `{name}`; the file has {}", quoted(known))
            }
            UpgradeError::Cycle(chain) => write!(f, "deployment `{}` inherits from itself", chain.join("` → `")),
        }
    }
}

impl std::error::Error for UpgradeError {}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Upgrades the deployment `choice` of the juju-deployer file `root` (the only one when
/// `choice` is `None`); `source` names the file in the bundle's opening comment.
pub fn upgrade(root: &Node, source: &str, choice: Option<&str>) -> Result<Upgraded, UpgradeError> {
    let found = deployments(root);
    let names: Vec<String> = found.iter().filter_map(|(k, _)| k.key_text()).collect();
    let name = match (choice, names.as_slice()) {
        (_, []) => return Err(UpgradeError::NotDeployer),
        (Some(chosen), _) => chosen.to_string(),
        (None, [one]) => one.clone(),
        (None, _) => return Err(UpgradeError::Several(names)),
    };
    let mut merged = Merged::default();
    merge(root, &name, &names, &mut Vec::new(), &mut merged)?;
    let mut dropped = merged.dropped;
    let mut applications = Vec::new();
    for service in &merged.services {
        applications.push((service.name.clone(), application(service, &mut dropped)));
    }
    let mut relations = Vec::new();
    for item in &merged.relations {
        relation_pairs(item, &mut relations, &mut dropped);
    }
    dropped.sort_by_key(|d| d.span.start.offset);
    let mut bundle = Vec::new();
    if let Some(series) = &merged.series {
        bundle.push(("series".to_string(), Out::from_node(series)));
    }
    bundle.push(("applications".to_string(), Out::Fields(applications)));
    bundle.push(("relations".to_string(), Out::List(relations)));
    let mut text = format!(
        "# The juju-deployer bundle `{name}` of {source}, upgraded to the bundle format Juju deploys\n# (by `formula bundle --upgrade`).\n"
    );
    if !dropped.is_empty() {
        text.push_str("# Not carried over:\n");
        for d in &dropped {
            text.push_str(&format!("# - line {}: {}\n", d.span.start.line, d.message));
        }
    }
    text.push_str(&marshal(&Out::Fields(bundle)));
    Ok(Upgraded { deployment: name, text, dropped })
}

/// A deployment with what it inherits merged in.
#[derive(Default)]
struct Merged {
    series: Option<Node>,
    services: Vec<Service>,
    relations: Vec<Node>,
    dropped: Vec<Dropped>,
}

/// A service: its settings, later ones (an inheriting deployment's) replacing earlier ones,
/// `options` merged key by key.
struct Service {
    name: String,
    fields: Vec<(Node, Node)>,
}

/// Merges deployment `name` into `out`: what it inherits first (in the order listed), then
/// its own.
fn merge(
    root: &Node,
    name: &str,
    names: &[String],
    chain: &mut Vec<String>,
    out: &mut Merged,
) -> Result<(), UpgradeError> {
    if chain.iter().any(|n| n == name) {
        chain.push(name.to_string());
        return Err(UpgradeError::Cycle(chain.clone()));
    }
    let Some(body) = root.get(name).filter(|_| names.iter().any(|n| n == name)) else {
        return Err(UpgradeError::Unknown { name: name.to_string(), known: names.to_vec() });
    };
    chain.push(name.to_string());
    if let Some(inherits) = body.get("inherits") {
        let parents: Vec<&Node> = match inherits.as_seq() {
            Some(items) => items.iter().collect(),
            None => vec![inherits],
        };
        for parent in parents {
            match parent.as_str() {
                Some(parent) => merge(root, parent, names, chain, out)?,
                None => out.dropped.push(Dropped {
                    span: parent.span,
                    message: format!("`inherits: {}` (not a deployment's name)", parent.display_value()),
                }),
            }
        }
    }
    chain.pop();
    for (key, value) in body.map_entries().unwrap_or_default() {
        let field = key.key_text().unwrap_or_default();
        match field.as_str() {
            "series" => out.series = Some(value.clone()),
            "services" => {
                for (service_key, settings) in value.map_entries().unwrap_or_default() {
                    merge_service(out, service_key, settings);
                }
            }
            "relations" => match value.as_seq() {
                Some(items) => out.relations.extend(items.iter().cloned()),
                None if value.is_null() => {}
                None => out.dropped.push(Dropped {
                    span: key.span,
                    message: "`relations` written as a mapping (the deployer's oldest form); relate the applications under `relations:` as pairs".into(),
                }),
            },
            "inherits" => {}
            other => {
                debug_assert!(!DEPLOYMENT_KEYS.contains(&other));
                out.dropped.push(Dropped { span: key.span, message: dropped_deployment_key(other) });
            }
        }
    }
    Ok(())
}

fn dropped_deployment_key(key: &str) -> String {
    match key {
        "overrides" => {
            "`overrides` (options set on every service that has them): set them under each application's `options`"
                .into()
        }
        other => format!("`{other}` (not a part of a v4 bundle)"),
    }
}

fn merge_service(out: &mut Merged, key: &Node, settings: &Node) {
    let name = key.key_text().unwrap_or_default();
    let index = match out.services.iter().position(|s| s.name == name) {
        Some(i) => i,
        None => {
            out.services.push(Service { name, fields: Vec::new() });
            out.services.len() - 1
        }
    };
    let service = &mut out.services[index];
    for (field_key, value) in settings.map_entries().unwrap_or_default() {
        let field = field_key.key_text().unwrap_or_default();
        let existing = service.fields.iter_mut().find(|(k, _)| k.key_text().as_deref() == Some(field.as_str()));
        match existing {
            Some((_, old)) if field == "options" && old.is_map() && value.is_map() => {
                let NodeKind::Map(entries) = &mut old.kind else { continue };
                for (option_key, option_value) in value.map_entries().unwrap_or_default() {
                    match entries.iter_mut().find(|(k, _)| k.key_text() == option_key.key_text()) {
                        Some(slot) => *slot = (option_key.clone(), option_value.clone()),
                        None => entries.push((option_key.clone(), option_value.clone())),
                    }
                }
            }
            Some(slot) => *slot = (field_key.clone(), value.clone()),
            None => service.fields.push((field_key.clone(), value.clone())),
        }
    }
}

/// The v4 application of a service.
fn application(service: &Service, dropped: &mut Vec<Dropped>) -> Out {
    let mut fields = Vec::new();
    let get = |name: &str| service.fields.iter().find(|(k, _)| k.key_text().as_deref() == Some(name));
    match (get("charm"), get("branch")) {
        (Some((_, charm)), _) => fields.push(("charm".to_string(), Out::from_node(charm))),
        (None, Some((key, branch))) => {
            fields.push(("charm".to_string(), Out::Str(format!("./{}", service.name))));
            dropped.push(Dropped {
                span: key.span,
                message: format!(
                    "`branch: {}`: a bundle names a charm, not a branch; `charm: ./{}` assumes a checkout beside the bundle",
                    branch.display_value(),
                    service.name
                ),
            });
        }
        (None, None) => {}
    }
    for (key, value) in &service.fields {
        let field = key.key_text().unwrap_or_default();
        match field.as_str() {
            "charm" | "branch" => {}
            "num_units" | "options" | "constraints" | "expose" | "annotations" | "series" => {
                fields.push((field, Out::from_node(value)))
            }
            "to" => {
                let (kept, lost) = placement(value);
                if !kept.is_empty() {
                    fields.push(("to".to_string(), Out::List(kept.into_iter().map(Out::Str).collect())));
                }
                for text in lost {
                    dropped.push(Dropped {
                        span: value.span,
                        message: format!("`to: {text}` of `{}`: a machine of the deployer's environment; declare machines under `machines:` and place units on them", service.name),
                    });
                }
            }
            other => dropped.push(Dropped {
                span: key.span,
                message: format!("`{other}` of service `{}` (not a part of a v4 application)", service.name),
            }),
        }
    }
    // juju-deployer deployed one unit when `num_units` was absent; a v4 bundle deploys none.
    if !fields.iter().any(|(k, _)| k == "num_units") {
        let at = fields.iter().position(|(k, _)| k == "charm").map_or(0, |i| i + 1);
        fields.insert(at, ("num_units".to_string(), Out::Int(1)));
    }
    Out::Fields(fields)
}

/// The v4 placements of a deployer `to:` (`wiki=0` → `wiki/0`, `lxc:wiki=0` →
/// `lxd:wiki/0`), and what has none (a machine number of the deployer's environment).
fn placement(value: &Node) -> (Vec<String>, Vec<String>) {
    let items: Vec<&Node> = match value.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![value],
    };
    let (mut kept, mut lost) = (Vec::new(), Vec::new());
    for item in items {
        let text = item.display_value();
        let (container, target) = match text.split_once(':') {
            Some((c, t)) => (Some(if c == "lxc" { "lxd" } else { c }), t),
            None => (None, text.as_str()),
        };
        match target.split_once('=') {
            Some((unit_app, index))
                if !unit_app.is_empty() && index.chars().all(|c| c.is_ascii_digit()) && !index.is_empty() =>
            {
                let unit = format!("{unit_app}/{index}");
                kept.push(match container {
                    Some(c) => format!("{c}:{unit}"),
                    None => unit,
                });
            }
            _ => lost.push(text),
        }
    }
    (kept, lost)
}

/// The pairs of a deployer relation: `[a, b]`, or `[a, [b, c]]` (a with each of b and c).
fn relation_pairs(item: &Node, out: &mut Vec<Out>, dropped: &mut Vec<Dropped>) {
    let pair = |a: &str, b: &str| Out::List(vec![Out::Str(a.to_string()), Out::Str(b.to_string())]);
    match item.as_seq() {
        Some([a, b]) => match (a.as_str(), &b.kind) {
            (Some(a), NodeKind::Str(b)) => out.push(pair(a, b)),
            (Some(a), NodeKind::Seq(others)) if others.iter().all(|o| o.as_str().is_some()) => {
                out.extend(others.iter().filter_map(Node::as_str).map(|b| pair(a, b)));
            }
            _ => dropped.push(Dropped { span: item.span, message: "a relation that is not two endpoints".into() }),
        },
        _ => dropped.push(Dropped {
            span: item.span,
            message: format!("the relation `{}` (not a pair of endpoints)", item.display_value()),
        }),
    }
}

/// A value to write: fields keep their order, as the v3 file had them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Out {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Out>),
    Fields(Vec<(String, Out)>),
}

impl Out {
    pub(crate) fn from_node(node: &Node) -> Out {
        match &node.kind {
            NodeKind::Null => Out::Null,
            NodeKind::Bool(b) => Out::Bool(*b),
            NodeKind::Int(i) => Out::Int(*i),
            NodeKind::Float(x) => Out::Float(*x),
            NodeKind::Str(s) => Out::Str(s.clone()),
            NodeKind::Seq(items) => Out::List(items.iter().map(Out::from_node).collect()),
            NodeKind::Map(_) => Out::Fields(
                node.map_entries()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k.key_text().unwrap_or_default(), Out::from_node(v)))
                    .collect(),
            ),
        }
    }
}

impl Marshal for Out {
    fn go_value(&self) -> GoValue<'_, Out> {
        match self {
            Out::Null => GoValue::Nil,
            Out::Bool(b) => GoValue::Bool(*b),
            Out::Int(i) => GoValue::Int(*i),
            Out::Float(x) => GoValue::Float(*x),
            Out::Str(s) => GoValue::Str(s),
            Out::List(items) => GoValue::Slice(items),
            Out::Fields(fields) => GoValue::Struct(fields.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    const FILE: &str = "\
base:
  series: precise
  services:
    db:
      charm: cs:precise/mysql
      options: {dataset-size: 50%, max-connections: 100}
    cache:
      branch: lp:charms/memcached
  relations:
    - [wiki:cache, cache]
wiki-stack:
  inherits: base
  series: trusty
  overrides: {debug: true}
  services:
    wiki:
      charm: cs:trusty/mediawiki
      num_units: 2
      expose: true
      to: [lxc:db=0, 3]
      annotations: {gui-x: '10'}
    db:
      options: {max-connections: 500}
  relations:
    - - wiki:db
      - [db:db]
    - [wiki, [cache, db]]
";

    #[test]
    fn deployments_are_the_top_level_names_with_services() {
        let root = parse(FILE).unwrap();
        let names: Vec<String> = deployments(&root).iter().filter_map(|(k, _)| k.key_text()).collect();
        assert_eq!(names, ["base", "wiki-stack"]);
        assert!(deployments(&parse("applications: {wiki: {charm: ./wiki}}\n").unwrap()).is_empty());
        assert!(deployments(&parse("name: wiki\nsummary: s\n").unwrap()).is_empty());
    }

    #[test]
    fn inherits_and_nested_relations_are_merged() {
        let root = parse(FILE).unwrap();
        assert_eq!(
            upgrade(&root, "f", None).unwrap_err(),
            UpgradeError::Several(vec!["base".into(), "wiki-stack".into()])
        );
        let upgraded = upgrade(&root, "bundles.yaml", Some("wiki-stack")).unwrap();
        let expected = "\
# The juju-deployer bundle `wiki-stack` of bundles.yaml, upgraded to the bundle format Juju deploys
# (by `formula bundle --upgrade`).
# Not carried over:
# - line 8: `branch: lp:charms/memcached`: a bundle names a charm, not a branch; `charm: ./cache` assumes a checkout beside the bundle
# - line 14: `overrides` (options set on every service that has them): set them under each application's `options`
# - line 20: `to: 3` of `wiki`: a machine of the deployer's environment; declare machines under `machines:` and place units on them
series: trusty
applications:
  db:
    charm: cs:precise/mysql
    num_units: 1
    options:
      dataset-size: 50%
      max-connections: 500
  cache:
    charm: ./cache
    num_units: 1
  wiki:
    charm: cs:trusty/mediawiki
    num_units: 2
    expose: true
    to:
    - lxd:db/0
    annotations:
      gui-x: \"10\"
relations:
- - wiki:cache
  - cache
- - wiki:db
  - db:db
- - wiki
  - cache
- - wiki
  - db
";
        assert_eq!(upgraded.text, expected);
        // What it wrote is a bundle: F701 has nothing to say.
        assert!(deployments(&parse(&upgraded.text).unwrap()).is_empty());
    }

    #[test]
    fn refusals() {
        let cycle = parse("a: {inherits: b, services: {}}\nb: {inherits: a, services: {}}\n").unwrap();
        assert_eq!(
            upgrade(&cycle, "f", Some("a")).unwrap_err(),
            UpgradeError::Cycle(vec!["a".into(), "b".into(), "a".into()])
        );
        let root = parse(FILE).unwrap();
        assert!(matches!(upgrade(&root, "f", Some("nope")), Err(UpgradeError::Unknown { .. })));
        assert_eq!(upgrade(&parse("applications: {}\n").unwrap(), "f", None).unwrap_err(), UpgradeError::NotDeployer);
    }
}
