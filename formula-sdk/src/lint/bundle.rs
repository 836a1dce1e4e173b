//! Bundles: `bundle.yaml` files that deploy several formulas and relate them.
//!
//! A bundle is read as Juju's `charm.BundleData` reads it: `applications:` (or the older
//! `services:`) maps each application to its `charm`, `num_units`, `options`, `to`, …;
//! `relations:` lists pairs of endpoints (`wiki:db` or just `wiki`); `machines:` and
//! `saas:` define placement targets and offers. [`BundleContext`] loads the file and every
//! local formula it names (`charm: ./wiki`), so that rules can check options and relations
//! against the formulas' config.yaml and metadata.yaml.

use crate::format::names::{is_valid_application_name, is_valid_endpoint_name};
use crate::format::{Formula, Role, YamlFile};
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
    /// The bundle file as shown to the user.
    pub display: PathBuf,
    /// Each application that names a local formula with a metadata.yaml: (application,
    /// formula), in file order.
    pub formulas: Vec<(String, Formula)>,
}

impl BundleContext {
    /// Reads the bundle at `path` (shown as `display`) and the local formulas it names.
    pub fn load(path: &Path, display: &Path) -> BundleContext {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut problems = Vec::new();
        let text = crate::format::read_text(path, display, &mut problems);
        let file = text.map(|t| YamlFile::parse(display.to_path_buf(), t));
        let read_problem = match (&file, problems.first()) {
            (_, Some(problem)) => Some(problem.reason.clone()),
            (None, None) => Some("no such file".to_string()),
            _ => None,
        };
        let mut ctx = BundleContext { file, read_problem, dir, display: display.to_path_buf(), formulas: Vec::new() };
        let display_dir = display.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut formulas = Vec::new();
        for (key, node) in ctx.applications() {
            let (Some(app), Some(local)) =
                (key.key_text(), node.get("charm").and_then(Node::as_str).and_then(local_path))
            else {
                continue;
            };
            let formula_dir = ctx.dir.join(local);
            if formula_dir.join("metadata.yaml").is_file() {
                formulas.push((app, Formula::load_as(&formula_dir, &display_dir.join(local))));
            }
        }
        ctx.formulas = formulas;
        ctx
    }

    /// The root node, when the file parsed.
    pub fn root(&self) -> Option<&Node> {
        self.file.as_ref().and_then(|f| f.node.as_ref())
    }

    /// The path as shown.
    pub fn path(&self) -> PathBuf {
        self.display.clone()
    }

    /// The text of the bundle file ("" when it could not be read).
    pub fn text(&self) -> &str {
        self.file.as_ref().map_or("", |f| f.source.text.as_str())
    }

    /// The key and value of the applications section: `applications:`, or the older
    /// `services:` when there is no `applications:`.
    pub fn section(&self) -> Option<(&Node, &Node)> {
        let root = self.root()?;
        root.entry("applications").or_else(|| root.entry("services"))
    }

    /// The applications: (name key, definition), in file order, repeated names resolved to
    /// the last. Empty when the section is missing or not a map.
    pub fn applications(&self) -> Vec<(&Node, &Node)> {
        self.section().and_then(|(_, v)| v.map_entries()).unwrap_or_default()
    }

    /// The definition of application `app`.
    pub fn application(&self, app: &str) -> Option<&Node> {
        self.applications().into_iter().find(|(k, _)| k.key_text().as_deref() == Some(app)).map(|(_, v)| v)
    }

    /// The `options:` that application `app` sets: (name key, value), in file order. Empty when
    /// there are none or they are not a map.
    pub fn options(&self, app: &str) -> Vec<(&Node, &Node)> {
        self.application(app).and_then(|a| a.get("options")).and_then(Node::map_entries).unwrap_or_default()
    }

    /// The names of the applications, then of the `saas:` offers, in file order.
    pub fn application_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.applications().iter().filter_map(|(k, _)| k.key_text()).collect();
        names.extend(self.saas_names());
        names
    }

    /// The names under `saas:` (remote offers a relation may name).
    pub fn saas_names(&self) -> Vec<String> {
        let saas = self.root().and_then(|r| r.get("saas")).and_then(Node::map_entries).unwrap_or_default();
        saas.iter().filter_map(|(k, _)| k.key_text()).collect()
    }

    /// The loaded formula of application `app`.
    pub fn formula(&self, app: &str) -> Option<&Formula> {
        self.formulas.iter().find(|(a, _)| a == app).map(|(_, f)| f)
    }

    /// The `charm:` value of application `app`, when it is a string.
    pub fn charm(&self, app: &str) -> Option<&str> {
        self.application(app).and_then(|a| a.get("charm")).and_then(Node::as_str)
    }

    /// Whether this is a Kubernetes bundle (`bundle: kubernetes`), where placement differs.
    pub fn is_kubernetes(&self) -> bool {
        self.root().and_then(|r| r.get("bundle")).and_then(Node::as_str) == Some("kubernetes")
    }

    /// The well-formed relations: a list of two strings that both parse as endpoints.
    /// Malformed ones are F701's business.
    pub fn relations(&self) -> Vec<Relation<'_>> {
        let items = self.root().and_then(|r| r.get("relations")).and_then(Node::as_seq).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                let [a, b] = item.as_seq()? else { return None };
                Some(Relation { node: item, ends: [endpoint_ref(a)?, endpoint_ref(b)?] })
            })
            .collect()
    }
}

fn endpoint_ref(node: &Node) -> Option<EndpointRef<'_>> {
    let (app, endpoint) = parse_endpoint(&node.key_text()?)?;
    Some(EndpointRef { node, app, endpoint })
}

/// One relation of the bundle.
pub struct Relation<'a> {
    /// The pair's node (the list).
    pub node: &'a Node,
    /// Its two ends, in file order.
    pub ends: [EndpointRef<'a>; 2],
}

impl Relation<'_> {
    /// The relation as written: `wiki:db` ↔ `db`.
    pub fn describe(&self) -> String {
        format!("`{}` and `{}`", self.ends[0].text(), self.ends[1].text())
    }
}

/// One end of a relation: `wiki:db` or `wiki`.
pub struct EndpointRef<'a> {
    /// The node it was written at.
    pub node: &'a Node,
    /// The application.
    pub app: String,
    /// The endpoint, when given.
    pub endpoint: Option<String>,
}

impl EndpointRef<'_> {
    /// As written.
    pub fn text(&self) -> String {
        match &self.endpoint {
            Some(e) => format!("{}:{e}", self.app),
            None => self.app.clone(),
        }
    }
}

/// An endpoint of a formula as a bundle relation sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointInfo {
    /// The application.
    pub app: String,
    /// The endpoint's name.
    pub name: String,
    /// Provider, requirer or peer.
    pub role: Role,
    /// The interface ("" when the declaration lacks one).
    pub interface: String,
    /// Whether it is the `juju-info` endpoint every formula provides implicitly.
    pub implicit: bool,
}

impl EndpointInfo {
    /// `app:name`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.app, self.name)
    }

    /// `db` (requires `mysql`), for listings.
    pub fn describe(&self) -> String {
        let verb = match self.role {
            Role::Provider => "provides",
            Role::Requirer => "requires",
            Role::Peer => "peer",
        };
        format!("`{}` ({verb} `{}`)", self.name, self.interface)
    }

    /// Whether a relation may join `self` and `other` (Juju's `canRelateTo`): different
    /// applications, the same interface, a provider and a requirer.
    pub fn can_relate_to(&self, other: &EndpointInfo) -> bool {
        self.app != other.app
            && self.interface == other.interface
            && self.role != Role::Peer
            && self.role.can_relate(other.role)
    }
}

/// Every endpoint of `formula` deployed as `app`: provides, requires and peers as declared,
/// plus the implicit `juju-info` provider.
pub fn endpoints(app: &str, formula: &Formula) -> Vec<EndpointInfo> {
    let mut out: Vec<EndpointInfo> = formula
        .metadata
        .endpoints
        .iter()
        .map(|e| EndpointInfo {
            app: app.to_string(),
            name: e.name.value.clone(),
            role: e.role,
            interface: e.interface.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
            implicit: false,
        })
        .collect();
    if !out.iter().any(|e| e.name == "juju-info") {
        out.push(EndpointInfo {
            app: app.to_string(),
            name: "juju-info".into(),
            role: Role::Provider,
            interface: "juju-info".into(),
            implicit: true,
        });
    }
    out
}

/// Why the two ends of a relation cannot be told apart or joined.
#[derive(Debug, PartialEq)]
pub enum Inference {
    /// Exactly one pair fits.
    Found(EndpointInfo, EndpointInfo),
    /// Nothing fits.
    NoMatch,
    /// Several pairs fit: each as `a:x b:y`, sorted.
    Ambiguous(Vec<String>),
}

/// Juju's `inferEndpoints`: the endpoints a relation means when a name is left out. Peers
/// never take part; implicit `juju-info` pairs are dropped to settle an ambiguity.
pub fn infer(a: &EndpointRef, a_formula: &Formula, b: &EndpointRef, b_formula: &Formula) -> Inference {
    let candidates = |end: &EndpointRef, formula: &Formula| -> Vec<EndpointInfo> {
        endpoints(&end.app, formula)
            .into_iter()
            .filter(|e| e.role != Role::Peer && end.endpoint.as_ref().is_none_or(|n| *n == e.name))
            .collect()
    };
    let (left, right) = (candidates(a, a_formula), candidates(b, b_formula));
    let mut pairs: Vec<(EndpointInfo, EndpointInfo)> = Vec::new();
    for x in &left {
        for y in &right {
            if x.can_relate_to(y) {
                pairs.push((x.clone(), y.clone()));
            }
        }
    }
    if pairs.len() > 1 {
        let explicit: Vec<_> = pairs.iter().filter(|(x, y)| !x.implicit && !y.implicit).cloned().collect();
        if explicit.len() == 1 {
            pairs = explicit;
        }
    }
    match pairs.len() {
        0 => Inference::NoMatch,
        1 => {
            let (x, y) = pairs.remove(0);
            Inference::Found(x, y)
        }
        _ => {
            let mut keys: Vec<String> = pairs
                .iter()
                .map(|(x, y)| {
                    let mut pair = [x.key(), y.key()];
                    pair.sort();
                    pair.join(" ")
                })
                .collect();
            keys.sort();
            Inference::Ambiguous(keys)
        }
    }
}

/// The local directory named by a bundle's `charm:` value: Juju reads a value that starts
/// with `.` or `/` as a path relative to the bundle's directory, and anything else as a
/// charm URL (`cs:…`, `ch:…`, `local:…`, a bare name).
pub fn local_path(charm: &str) -> Option<&str> {
    (charm.starts_with('.') || charm.starts_with('/')).then_some(charm)
}

/// Parses a relation end as Juju does: `app:endpoint` or `app`; `None` when it is neither.
pub fn parse_endpoint(text: &str) -> Option<(String, Option<String>)> {
    match text.split_once(':') {
        Some((app, endpoint)) => (is_valid_application_name(app) && is_valid_endpoint_name(endpoint))
            .then(|| (app.to_string(), Some(endpoint.to_string()))),
        None => is_valid_application_name(text).then(|| (text.to_string(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(parse_endpoint("wiki:db"), Some(("wiki".into(), Some("db".into()))));
        assert_eq!(parse_endpoint("wiki"), Some(("wiki".into(), None)));
        assert_eq!(parse_endpoint("wiki:"), None);
        assert_eq!(parse_endpoint("wiki:db:x"), None);
    }

    #[test]
    fn local_paths_follow_juju() {
        assert_eq!(local_path("./wiki"), Some("./wiki"));
        assert_eq!(local_path("/srv/wiki"), Some("/srv/wiki"));
        assert_eq!(local_path("cs:wiki"), None);
        assert_eq!(local_path("local:trusty/wiki"), None);
    }
}
