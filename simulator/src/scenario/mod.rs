//! Scenarios: what to deploy, what to do, what to expect (documented in docs/scenario.md).
//!
//! A scenario is YAML, read with positions, so that every error names file:line:col and, for
//! an unknown name, the names that are known. A Juju `bundle.yaml` (applications with
//! `charm:` as a local path, `num_units`, `options`, `relations`) is a scenario too.

mod schema;

pub use schema::schema;

use crate::model::Value;
use formula_sdk::source::{Span, Spanned};
use formula_sdk::yaml::{self, Node, NodeKind};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// An error in a scenario file, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// The file.
    pub path: PathBuf,
    /// Where, when known.
    pub span: Option<Span>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(s) => write!(f, "{}:{}:{}: {}", self.path.display(), s.start.line, s.start.column, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// An application to deploy.
#[derive(Clone, Debug, PartialEq)]
pub struct AppSpec {
    /// Its name.
    pub name: Spanned<String>,
    /// The formula directory.
    pub formula: PathBuf,
    /// How many units.
    pub units: u32,
    /// Where `units` (or a bundle's non-zero `num_units`) was given: a subordinate takes none.
    pub units_span: Option<Span>,
    /// Config values set at deploy.
    pub config: BTreeMap<String, Spanned<Value>>,
    /// Hooks may use the machine's network (containers only).
    pub host_network: bool,
    /// The series or base its units answer as (`series: trusty`, `base: ubuntu@22.04`).
    pub series: Option<String>,
    /// Trusted with the cloud credential (`trust: true`, as `juju deploy --trust`).
    pub trust: bool,
    /// Files attached as its resources, by name (`resources: {name: path}`, as `juju deploy
    /// --resource name=path`), relative to the scenario.
    pub resources: BTreeMap<String, PathBuf>,
}

/// One side of a relation as written: `app` or `app:endpoint`.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointRef {
    /// The application.
    pub app: String,
    /// The endpoint, when given.
    pub endpoint: Option<String>,
    /// Where it was written.
    pub span: Span,
}

impl EndpointRef {
    fn parse(node: &Node) -> Option<EndpointRef> {
        let text = node.as_str()?;
        let (app, endpoint) = match text.split_once(':') {
            Some((a, e)) => (a.to_string(), Some(e.to_string())),
            None => (text.to_string(), None),
        };
        Some(EndpointRef { app, endpoint, span: node.span })
    }
}

impl fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.endpoint {
            Some(e) => write!(f, "{}:{e}", self.app),
            None => f.write_str(&self.app),
        }
    }
}

/// A file check in an expectation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileCheck {
    /// The file must contain this text.
    pub contains: Option<String>,
    /// The file must be exactly this.
    pub equals: Option<String>,
    /// The file must (true) or must not (false) exist.
    pub exists: Option<bool>,
}

/// A command to run in a unit and what it must give.
#[derive(Clone, Debug, PartialEq)]
pub struct RunCheck {
    /// The unit.
    pub unit: String,
    /// A shell command.
    pub command: String,
    /// Its exit code.
    pub exit: Option<i32>,
    /// Text its stdout must contain.
    pub stdout_contains: Option<String>,
}

/// Relation data a unit or application bag must hold (a subset match).
#[derive(Clone, Debug, PartialEq)]
pub struct RelationDataCheck {
    /// The relation, as `app:ep app:ep`.
    pub relation: String,
    /// The unit (or application, with `app:`) whose bag is checked.
    pub owner: String,
    /// Whether `owner` is an application.
    pub app_bag: bool,
    /// Keys and values that must be there.
    pub data: BTreeMap<String, String>,
    /// Keys that must be absent.
    pub absent: Vec<String>,
}

/// Expected status of a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusCheck {
    /// The workload status.
    pub status: String,
    /// The message, when given.
    pub message: Option<String>,
}

/// Hooks that must or must not have run on a unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HookCheck {
    /// Hook names that must have run.
    pub ran: Vec<String>,
    /// Hook names that must not have run.
    pub not_ran: Vec<String>,
}

/// What must hold at an `expect` step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expect {
    /// Workload status per unit.
    pub status: BTreeMap<String, StatusCheck>,
    /// Agent state per unit: `idle` or `error`.
    pub agent: BTreeMap<String, String>,
    /// Relation data.
    pub relation_data: Vec<RelationDataCheck>,
    /// Open ports per unit, exactly.
    pub ports: BTreeMap<String, Vec<String>>,
    /// Leader per application.
    pub leader: BTreeMap<String, String>,
    /// Files per unit.
    pub files: BTreeMap<String, BTreeMap<String, FileCheck>>,
    /// Commands.
    pub run: Vec<RunCheck>,
    /// Hooks per unit.
    pub hooks: BTreeMap<String, HookCheck>,
    /// Units that must exist (true) or not (false).
    pub units: BTreeMap<String, bool>,
    /// Action results per unit: the last action's status and results (subset).
    pub action: BTreeMap<String, (Option<String>, BTreeMap<String, String>)>,
}

/// One step.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Run until no unit has work.
    Settle,
    /// Change config.
    Config {
        /// The application.
        app: String,
        /// New values; `null` resets to the default.
        values: BTreeMap<String, Spanned<Value>>,
    },
    /// Add units.
    AddUnit {
        /// The application.
        app: String,
        /// How many.
        count: u32,
    },
    /// Remove a unit.
    RemoveUnit(String),
    /// Relate two endpoints.
    Relate(EndpointRef, EndpointRef),
    /// Remove a relation.
    Unrelate(EndpointRef, EndpointRef),
    /// Remove an application.
    RemoveApplication(String),
    /// Deploy a new formula version.
    Upgrade {
        /// The application.
        app: String,
        /// The new formula directory.
        formula: PathBuf,
    },
    /// Run an action.
    Action {
        /// The unit.
        unit: String,
        /// The action.
        name: String,
        /// Its parameters.
        params: BTreeMap<String, Value>,
        /// Wait for its result (else only queue it, as `juju run --background`).
        wait: bool,
    },
    /// Run a command in a unit's hook context, as `juju exec` does.
    Exec {
        /// The unit.
        unit: String,
        /// The command (`bash -c`).
        command: String,
    },
    /// Make the next hook (of that name, if given) on a unit fail.
    FailNextHook {
        /// The unit.
        unit: String,
        /// The hook name, or any.
        hook: Option<String>,
    },
    /// Resolve a unit in error: retry the hook, or skip it.
    Resolve {
        /// The unit.
        unit: String,
        /// Retry (true) or mark as done (false).
        retry: bool,
    },
    /// Make a unit the leader.
    Elect(String),
    /// Tick update-status.
    UpdateStatus,
    /// Move model time on by this many milliseconds (`wait: 11m`).
    Wait(crate::clock::Millis),
    /// Deploy applications mid-run, written as under `applications:`.
    Deploy(Vec<AppSpec>),
    /// Change model settings mid-run, as `juju model-config KEY=VALUE` does.
    ModelConfig(Vec<(String, crate::clock::ConfigValue)>),
    /// Move model time to this instant (what falls due fires), then take one engine step: the
    /// scheduler picks a hook and it runs (nothing, when no unit has work). The controller
    /// writes one per step it took, so that a replay steps at the same model times.
    StepAt(crate::clock::Millis),
    /// Check expectations.
    Expect(Box<Expect>),
}

/// A parsed scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Applications to deploy, in file order.
    pub applications: Vec<AppSpec>,
    /// Relations to make at deploy.
    pub relations: Vec<(EndpointRef, EndpointRef)>,
    /// Stubbed commands per application (`*` for all): name → shell body.
    pub stubs: BTreeMap<String, BTreeMap<String, String>>,
    /// Steps; empty means deploy and settle.
    pub steps: Vec<Spanned<Step>>,
    /// The most hooks a settle may run.
    pub max_hooks: Option<u64>,
    /// Kinds of refused tool call that do not fail the run (`allow-refused:`).
    pub allow_refused: Vec<crate::misuse::RefusalKind>,
    /// Faults to inject (`faults:`; none when absent).
    pub faults: crate::fault::Faults,
    /// The model's default series or base (`series:`, `default-base:`), for applications
    /// that name none.
    pub series: Option<String>,
    /// The model settings the simulator honours (`model-config:`; Juju's defaults when absent).
    pub model_config: crate::clock::ModelConfig,
}

struct Reader<'a> {
    path: &'a Path,
    dir: &'a Path,
    errors: Vec<ScenarioError>,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ScenarioError { path: self.path.to_path_buf(), span: Some(span), message: message.into() });
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => Some(node.display_value()),
            _ => {
                self.error(node.span, format!("{what} must be a string, not a {}", node.type_name()));
                None
            }
        }
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, &'n Node)> {
        match node.map_entries() {
            Some(entries) => entries,
            None if node.is_null() => Vec::new(),
            None => {
                self.error(node.span, format!("{what} must be a mapping, not a {}", node.type_name()));
                Vec::new()
            }
        }
    }

    /// Reports every key of `node` that the mapping `T` (of [`schema`]) does not describe.
    fn keys_known<T: schemars::JsonSchema + 'static>(&mut self, node: &Node, what: &str) {
        let known = schema::keys::<T>();
        for (k, _) in node.map_entries().unwrap_or_default() {
            let name = k.key_text().unwrap_or_default();
            if !known.contains(&name) {
                self.error(k.span, format!("unknown key `{name}` in {what}; known keys: {}", known.join(", ")));
            }
        }
    }

    fn count(&mut self, node: &Node, what: &str) -> Option<u32> {
        match node.as_int() {
            Some(n) if (0..=10_000).contains(&n) => Some(n as u32),
            _ => {
                self.error(
                    node.span,
                    format!("{what} must be a whole number from 0 to 10000, not `{}`", node.display_value()),
                );
                None
            }
        }
    }
}

/// Reads a scenario (or a bundle) from `path`.
pub fn load(path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
    let one = |message: String| vec![ScenarioError { path: path.to_path_buf(), span: None, message }];
    let meta = std::fs::metadata(path).map_err(|e| one(format!("cannot read the scenario: {e}")))?;
    if meta.len() > formula_sdk::format::MAX_FILE_BYTES {
        return Err(one(format!("the scenario is {} bytes, too large", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| one(format!("cannot read the scenario: {e}")))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    parse(path, text)
}

/// Parses a scenario's text; `path` names it in errors and anchors relative paths.
pub fn parse(path: &Path, text: String) -> Result<Scenario, Vec<ScenarioError>> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = yaml::parse(&text).map_err(|e| {
        vec![ScenarioError {
            path: path.to_path_buf(),
            span: Some(e.span),
            message: format!("cannot parse the scenario: {}", e.message),
        }]
    })?;
    let mut r = Reader { path, dir: &dir, errors: Vec::new() };
    if !root.is_map() {
        r.error(root.span, "a scenario must be a mapping with `applications`");
        return Err(r.errors);
    }
    let is_bundle = root.get("formulas").is_none()
        && (root.get("services").is_some()
            || root
                .get("applications")
                .and_then(Node::map_entries)
                .is_some_and(|apps| apps.iter().any(|(_, a)| a.get("charm").is_some())));
    r.keys_known::<schema::ScenarioFile>(&root, "the scenario");
    let mut formulas = BTreeMap::new();
    if let Some(node) = root.get("formulas") {
        for (k, v) in r.map(node, "`formulas`") {
            if let (Some(name), Some(dir_text)) = (k.key_text(), r.string(v, "a formula directory")) {
                formulas.insert(name, (r.dir.join(dir_text), v.span));
            }
        }
    }
    let apps_node = root.get("applications").or_else(|| root.get("services"));
    let mut applications = Vec::new();
    match apps_node {
        None => r.error(Span::point(root.span.start), "the scenario has no `applications`"),
        Some(node) => {
            for (k, v) in r.map(node, "`applications`") {
                if let Some(app) = read_app(&mut r, k, v, &formulas, is_bundle) {
                    applications.push(app);
                }
            }
        }
    }
    let mut relations = Vec::new();
    if let Some(node) = root.get("relations") {
        match node.as_seq() {
            Some(items) => {
                for item in items {
                    if let Some(pair) = read_pair(&mut r, item) {
                        relations.push(pair);
                    }
                }
            }
            None => r.error(node.span, "`relations` must be a list of pairs like [wiki:db, db:db]"),
        }
    }
    let mut stubs = BTreeMap::new();
    if let Some(node) = root.get("stubs") {
        for (k, v) in r.map(node, "`stubs`") {
            let owner = k.key_text().unwrap_or_default();
            if owner != "*" && !applications.iter().any(|a| a.name.value == owner) {
                let known: Vec<&str> = applications.iter().map(|a| a.name.value.as_str()).collect();
                r.error(k.span, format!("stubs for unknown application `{owner}`; known: *, {}", known.join(", ")));
            }
            let mut commands = BTreeMap::new();
            for (ck, cv) in r.map(v, "a stub list") {
                let name = ck.key_text().unwrap_or_default();
                if name.is_empty() || name.contains('/') || name.starts_with('.') {
                    r.error(ck.span, format!("`{name}` is not a command name"));
                    continue;
                }
                if let Some(body) = r.string(cv, "a stub body") {
                    commands.insert(name, body);
                }
            }
            stubs.insert(owner, commands);
        }
    }
    let mut steps = Vec::new();
    if let Some(node) = root.get("steps") {
        match node.as_seq() {
            Some(items) => {
                for item in items {
                    if let Some(step) = read_step(&mut r, item, &formulas) {
                        steps.push(Spanned::new(step, item.span));
                    }
                }
            }
            None => r.error(node.span, "`steps` must be a list"),
        }
    }
    let max_hooks = root.get("max-hooks").and_then(|n| r.count(n, "`max-hooks`")).map(u64::from);
    let allow_refused = root.get("allow-refused").map(|n| read_allow_refused(&mut r, n)).unwrap_or_default();
    let faults = root.get("faults").map(|n| read_faults(&mut r, n)).unwrap_or_default();
    let model_config = root.get("model-config").map(|n| read_model_config(&mut r, n)).unwrap_or_default();
    let series = series_of(&mut r, &root, "series", "default-base");
    if r.errors.is_empty() {
        Ok(Scenario {
            path: path.to_path_buf(),
            text,
            applications,
            relations,
            stubs,
            steps,
            max_hooks,
            allow_refused,
            faults,
            series,
            model_config,
        })
    } else {
        Err(r.errors)
    }
}

/// `allow-refused: [non-leader, gone-relation]`: refused tool calls a scenario makes on purpose.
fn read_allow_refused(r: &mut Reader, node: &Node) -> Vec<crate::misuse::RefusalKind> {
    use crate::misuse::RefusalKind;
    let known = || RefusalKind::ALL.map(|k| format!("`{}`", k.name())).join(", ");
    let Some(items) = node.as_seq() else {
        r.error(node.span, format!("`allow-refused` must be a list of kinds: {}", known()));
        return Vec::new();
    };
    let mut kinds = Vec::new();
    for item in items {
        let Some(name) = r.string(item, "a kind of refused call") else {
            continue;
        };
        match RefusalKind::parse(&name) {
            Some(kind) => kinds.push(kind),
            None => r.error(item.span, format!("unknown kind of refused call `{name}`; known: {}", known())),
        }
    }
    kinds
}

/// `faults: {leader: 5, fail: 3, restart: 2, tick: 5, budget: 10}`: rates in percent.
fn read_faults(r: &mut Reader, node: &Node) -> crate::fault::Faults {
    let mut faults = crate::fault::Faults::default();
    for (k, v) in r.map(node, "`faults`") {
        let name = k.key_text().unwrap_or_default();
        if !crate::fault::NAMES.contains(&name.as_str()) {
            r.error(k.span, format!("unknown fault `{name}`; faults: {}", crate::fault::NAMES.join(", ")));
            continue;
        }
        match v.as_int() {
            Some(n) if n >= 0 => {
                if let Err(message) = faults.set(&name, n as u64) {
                    r.error(v.span, message);
                }
            }
            _ => {
                r.error(v.span, format!("fault `{name}` must be a whole number (percent), not `{}`", v.display_value()))
            }
        }
    }
    faults
}

/// `model-config:`: the settings the simulator honours, checked as `juju model-config`
/// checks them; an unknown key lists the known ones.
fn read_model_config(r: &mut Reader, node: &Node) -> crate::clock::ModelConfig {
    let mut config = crate::clock::ModelConfig::default();
    for (key, value) in read_model_config_entries(r, node) {
        // Checked as they were read.
        let _ = config.set(&key, &value);
    }
    config
}

/// The settings under a `model-config` map, each checked as `juju model-config` checks it.
fn read_model_config_entries(r: &mut Reader, node: &Node) -> Vec<(String, crate::clock::ConfigValue)> {
    use crate::clock::ConfigValue;
    let mut entries = Vec::new();
    for (k, v) in r.map(node, "`model-config`") {
        let key = k.key_text().unwrap_or_default();
        if !crate::clock::MODEL_CONFIG_KEYS.contains(&key.as_str()) {
            let known = crate::clock::MODEL_CONFIG_KEYS.join(", ");
            r.error(k.span, format!("unknown model-config key `{key}`; known keys: {known}"));
            continue;
        }
        let value = match v.as_bool() {
            Some(b) => ConfigValue::Bool(b),
            None => ConfigValue::Text(v.display_value()),
        };
        match crate::clock::ModelConfig::default().set(&key, &value) {
            Ok(()) => entries.push((key, value)),
            Err(message) => r.error(v.span, message),
        }
    }
    entries
}

fn read_app(
    r: &mut Reader,
    key: &Node,
    node: &Node,
    formulas: &BTreeMap<String, (PathBuf, Span)>,
    is_bundle: bool,
) -> Option<AppSpec> {
    let name = key.key_text()?;
    r.keys_known::<schema::Application>(node, &format!("application `{name}`"));
    let formula = if let Some(f) = node.get("formula") {
        let text = r.string(f, "`formula`")?;
        match formulas.get(&text) {
            Some((dir, _)) => dir.clone(),
            None if text.contains('/') => r.dir.join(&text),
            None => {
                let known: Vec<&String> = formulas.keys().collect();
                r.error(f.span, format!("unknown formula `{text}`; known formulas: {known:?} (or give a directory)"));
                return None;
            }
        }
    } else if let Some(c) = node.get("charm") {
        let text = r.string(c, "`charm`")?;
        match formula_sdk::lint::bundle::local_path(&text) {
            Some(local) => r.dir.join(local),
            None => match formulas.get(&text) {
                Some((dir, _)) => dir.clone(),
                None => {
                    r.error(
                        c.span,
                        format!("`{text}` is not a local formula; the simulator deploys local directories (`./path`)"),
                    );
                    return None;
                }
            },
        }
    } else if let Some((dir, _)) = formulas.get(&name) {
        dir.clone()
    } else {
        r.error(key.span, format!("application `{name}` names no formula (`formula:` or `charm:`)"));
        return None;
    };
    let units_node = node.get("units").or_else(|| node.get("num_units"));
    let units = match units_node {
        Some(n) => r.count(n, "`units`")?,
        None => u32::from(!is_bundle || node.get("num_units").is_none()),
    };
    // A bundle says `num_units: 0` for a subordinate; a scenario says nothing.
    let units_span = units_node.filter(|_| !is_bundle || units > 0).map(|n| n.span);
    let mut config = BTreeMap::new();
    if let Some(c) = node.get("config").or_else(|| node.get("options")) {
        for (k, v) in r.map(c, "`config`") {
            if let Some(option) = k.key_text() {
                config.insert(option, Spanned::new(crate::model::node_value(v), v.span));
            }
        }
    }
    let host_network = node.get("network").and_then(Node::as_str) == Some("host");
    let series = series_of(r, node, "series", "base");
    let trust = node.get("trust").and_then(Node::as_bool).unwrap_or(false);
    let mut resources = BTreeMap::new();
    if let Some(given) = node.get("resources").filter(|_| !is_bundle) {
        for (k, v) in r.map(given, "`resources`") {
            let (Some(resource), Some(path)) = (k.key_text(), r.string(v, "a resource's file")) else { continue };
            let file = r.dir.join(&path);
            if !file.is_file() {
                r.error(v.span, format!("the file of resource `{resource}`, `{}`, is not a file", file.display()));
                continue;
            }
            resources.insert(resource, file);
        }
    }
    Some(AppSpec {
        name: Spanned::new(name, key.span),
        formula,
        units,
        units_span,
        config,
        host_network,
        series,
        trust,
        resources,
    })
}

/// The series or base `node` names under `series_key` or `base_key`; one that is not an
/// Ubuntu release Juju knew is an error that lists them.
fn series_of(r: &mut Reader, node: &Node, series_key: &str, base_key: &str) -> Option<String> {
    let value = node.get(series_key).or_else(|| node.get(base_key))?;
    let text = r.string(value, "a series")?;
    if crate::base::Release::find(&text).is_none() {
        r.error(
            value.span,
            format!(
                "`{text}` is not an Ubuntu series or base that Juju knew (such as `trusty`, `jammy`, `ubuntu@22.04`)"
            ),
        );
        return None;
    }
    Some(text)
}

fn read_pair(r: &mut Reader, node: &Node) -> Option<(EndpointRef, EndpointRef)> {
    match node.as_seq() {
        Some([a, b]) => match (EndpointRef::parse(a), EndpointRef::parse(b)) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => {
                r.error(node.span, "a relation is two strings like `wiki:db` and `db:db`");
                None
            }
        },
        _ => {
            r.error(node.span, "a relation is a pair like [wiki:db, db:db]");
            None
        }
    }
}

fn read_step(r: &mut Reader, node: &Node, formulas: &BTreeMap<String, (PathBuf, Span)>) -> Option<Step> {
    if let Some(word) = node.as_str() {
        return match word {
            "settle" => Some(Step::Settle),
            "update-status" => Some(Step::UpdateStatus),
            _ => {
                r.error(node.span, format!("unknown step `{word}`; steps: {}", schema::step_names().join(", ")));
                None
            }
        };
    }
    let entries = node.map_entries().unwrap_or_default();
    let [(key, value)] = entries.as_slice() else {
        r.error(
            node.span,
            format!("a step is one of: {}; written `- settle` or `- name: {{...}}`", schema::step_names().join(", ")),
        );
        return None;
    };
    let kind = key.key_text().unwrap_or_default();
    let field = |r: &mut Reader, name: &str| -> Option<String> {
        match value.get(name) {
            Some(n) => r.string(n, &format!("`{name}`")),
            None => {
                r.error(value.span, format!("`{kind}` needs `{name}`"));
                None
            }
        }
    };
    match kind.as_str() {
        "settle" => Some(Step::Settle),
        "update-status" => Some(Step::UpdateStatus),
        "config" => {
            r.keys_known::<schema::ConfigStep>(value, "`config`");
            let app = field(r, "application")?;
            let mut values = BTreeMap::new();
            for (k, v) in value.get("values").map(|v| r.map(v, "`values`")).unwrap_or_default() {
                values.insert(k.key_text().unwrap_or_default(), Spanned::new(crate::model::node_value(v), v.span));
            }
            Some(Step::Config { app, values })
        }
        "add-unit" => {
            if let Some(app) = value.as_str() {
                return Some(Step::AddUnit { app: app.to_string(), count: 1 });
            }
            r.keys_known::<schema::AddUnits>(value, "`add-unit`");
            let app = field(r, "application")?;
            let count = match value.get("count") {
                Some(n) => r.count(n, "`count`")?,
                None => 1,
            };
            Some(Step::AddUnit { app, count })
        }
        "remove-unit" => r.string(value, "`remove-unit`").map(Step::RemoveUnit),
        "remove-application" => r.string(value, "`remove-application`").map(Step::RemoveApplication),
        "elect" => r.string(value, "`elect`").map(Step::Elect),
        "relate" | "unrelate" => {
            let (a, b) = read_pair(r, value)?;
            Some(if kind == "relate" { Step::Relate(a, b) } else { Step::Unrelate(a, b) })
        }
        "upgrade" => {
            r.keys_known::<schema::UpgradeStep>(value, "`upgrade`");
            let app = field(r, "application")?;
            let formula = r.dir.join(field(r, "formula")?);
            Some(Step::Upgrade { app, formula })
        }
        "action" => {
            r.keys_known::<schema::ActionStep>(value, "`action`");
            let unit = field(r, "unit")?;
            let name = field(r, "name")?;
            let mut params = BTreeMap::new();
            for (k, v) in value.get("params").map(|v| r.map(v, "`params`")).unwrap_or_default() {
                params.insert(k.key_text().unwrap_or_default(), Value::from_json(&v.to_json()));
            }
            let wait = match value.get("wait") {
                Some(n) => match n.as_bool() {
                    Some(b) => b,
                    None => {
                        r.error(n.span, "`wait` must be true or false");
                        return None;
                    }
                },
                None => true,
            };
            Some(Step::Action { unit, name, params, wait })
        }
        "exec" => {
            r.keys_known::<schema::ExecStep>(value, "`exec`");
            let unit = field(r, "unit")?;
            let command = field(r, "command")?;
            Some(Step::Exec { unit, command })
        }
        "fail-next-hook" => {
            if let Some(unit) = value.as_str() {
                return Some(Step::FailNextHook { unit: unit.to_string(), hook: None });
            }
            r.keys_known::<schema::FailHook>(value, "`fail-next-hook`");
            let unit = field(r, "unit")?;
            let hook = match value.get("hook") {
                Some(h) => Some(r.string(h, "`hook`")?),
                None => None,
            };
            Some(Step::FailNextHook { unit, hook })
        }
        "resolve" => {
            if let Some(unit) = value.as_str() {
                return Some(Step::Resolve { unit: unit.to_string(), retry: true });
            }
            r.keys_known::<schema::Resolve>(value, "`resolve`");
            let unit = field(r, "unit")?;
            let retry = match value.get("retry") {
                Some(n) => match n.as_bool() {
                    Some(b) => b,
                    None => {
                        r.error(n.span, "`retry` must be true or false");
                        return None;
                    }
                },
                None => true,
            };
            Some(Step::Resolve { unit, retry })
        }
        "wait" | "step-at" => {
            let text = r.string(value, &format!("`{kind}`"))?;
            match crate::clock::parse_duration(&text) {
                Ok(ms) if kind == "wait" => Some(Step::Wait(ms)),
                Ok(ms) => Some(Step::StepAt(ms)),
                Err(message) => {
                    r.error(value.span, message);
                    None
                }
            }
        }
        "deploy" => {
            let apps: Vec<AppSpec> =
                r.map(value, "`deploy`").into_iter().filter_map(|(k, v)| read_app(r, k, v, formulas, false)).collect();
            Some(Step::Deploy(apps))
        }
        "model-config" => Some(Step::ModelConfig(read_model_config_entries(r, value))),
        "expect" => read_expect(r, value).map(|e| Step::Expect(Box::new(e))),
        other => {
            r.error(key.span, format!("unknown step `{other}`; steps: {}", schema::step_names().join(", ")));
            None
        }
    }
}

fn read_expect(r: &mut Reader, node: &Node) -> Option<Expect> {
    r.keys_known::<schema::ExpectStep>(node, "`expect`");
    let mut e = Expect::default();
    for (k, v) in node.get("status").map(|n| r.map(n, "`status`")).unwrap_or_default() {
        let unit = k.key_text().unwrap_or_default();
        let check = if let Some(s) = v.as_str() {
            StatusCheck { status: s.to_string(), message: None }
        } else {
            r.keys_known::<schema::StatusAndMessage>(v, "a status check");
            let status = v.get("status").and_then(Node::as_str).unwrap_or("").to_string();
            let message = v.get("message").map(Node::display_value);
            StatusCheck { status, message }
        };
        e.status.insert(unit, check);
    }
    for (k, v) in node.get("agent").map(|n| r.map(n, "`agent`")).unwrap_or_default() {
        if let Some(s) = r.string(v, "an agent state") {
            e.agent.insert(k.key_text().unwrap_or_default(), s);
        }
    }
    if let Some(list) = node.get("relation-data") {
        for item in list.as_seq().unwrap_or_default() {
            r.keys_known::<schema::RelationDataCheck>(item, "a relation-data check");
            let relation = item.get("relation").and_then(Node::as_str).unwrap_or("").to_string();
            let (owner, app_bag) =
                match (item.get("unit").and_then(Node::as_str), item.get("app").and_then(Node::as_str)) {
                    (Some(u), _) => (u.to_string(), false),
                    (None, Some(a)) => (a.to_string(), true),
                    _ => {
                        r.error(item.span, "a relation-data check needs `unit` or `app`");
                        continue;
                    }
                };
            let mut data = BTreeMap::new();
            for (dk, dv) in item.get("data").map(|n| r.map(n, "`data`")).unwrap_or_default() {
                data.insert(dk.key_text().unwrap_or_default(), dv.display_value());
            }
            let absent = item
                .get("absent")
                .and_then(Node::as_seq)
                .map(|xs| xs.iter().map(Node::display_value).collect())
                .unwrap_or_default();
            e.relation_data.push(RelationDataCheck { relation, owner, app_bag, data, absent });
        }
    }
    for (k, v) in node.get("ports").map(|n| r.map(n, "`ports`")).unwrap_or_default() {
        let ports = v.as_seq().map(|xs| xs.iter().map(Node::display_value).collect()).unwrap_or_default();
        e.ports.insert(k.key_text().unwrap_or_default(), ports);
    }
    for (k, v) in node.get("leader").map(|n| r.map(n, "`leader`")).unwrap_or_default() {
        if let Some(unit) = r.string(v, "a leader") {
            e.leader.insert(k.key_text().unwrap_or_default(), unit);
        }
    }
    for (k, v) in node.get("files").map(|n| r.map(n, "`files`")).unwrap_or_default() {
        let mut files = BTreeMap::new();
        for (fk, fv) in r.map(v, "a file list") {
            r.keys_known::<schema::FileCheck>(fv, "a file check");
            let check = FileCheck {
                contains: fv.get("contains").map(Node::display_value),
                equals: fv.get("equals").map(Node::display_value),
                exists: fv.get("exists").and_then(Node::as_bool),
            };
            files.insert(fk.key_text().unwrap_or_default(), check);
        }
        e.files.insert(k.key_text().unwrap_or_default(), files);
    }
    if let Some(run) = node.get("run") {
        let items: Vec<&Node> = match run.as_seq() {
            Some(xs) => xs.iter().collect(),
            None => vec![run],
        };
        for item in items {
            r.keys_known::<schema::RunCheck>(item, "a run check");
            let (Some(unit), Some(command)) =
                (item.get("unit").and_then(Node::as_str), item.get("command").and_then(Node::as_str))
            else {
                r.error(item.span, "a run check needs `unit` and `command`");
                continue;
            };
            e.run.push(RunCheck {
                unit: unit.to_string(),
                command: command.to_string(),
                exit: item.get("exit").and_then(Node::as_int).map(|x| x as i32),
                stdout_contains: item.get("stdout-contains").map(Node::display_value),
            });
        }
    }
    for (k, v) in node.get("hooks").map(|n| r.map(n, "`hooks`")).unwrap_or_default() {
        r.keys_known::<schema::HookCheck>(v, "a hook check");
        let list = |key: &str| {
            v.get(key).and_then(Node::as_seq).map(|xs| xs.iter().map(Node::display_value).collect()).unwrap_or_default()
        };
        e.hooks.insert(k.key_text().unwrap_or_default(), HookCheck { ran: list("ran"), not_ran: list("not-ran") });
    }
    for (k, v) in node.get("units").map(|n| r.map(n, "`units`")).unwrap_or_default() {
        e.units.insert(k.key_text().unwrap_or_default(), v.as_bool().unwrap_or(true));
    }
    for (k, v) in node.get("action").map(|n| r.map(n, "`action`")).unwrap_or_default() {
        r.keys_known::<schema::ActionCheck>(v, "an action check");
        let status = v.get("status").map(Node::display_value);
        let mut results = BTreeMap::new();
        for (rk, rv) in v.get("results").and_then(Node::map_entries).unwrap_or_default() {
            results.insert(rk.key_text().unwrap_or_default(), rv.display_value());
        }
        e.action.insert(k.key_text().unwrap_or_default(), (status, results));
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(text: &str) -> Result<Vec<Step>, Vec<String>> {
        parse(Path::new("/m/dev.yaml"), text.to_string())
            .map(|s| s.steps.into_iter().map(|s| s.value).collect())
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_steps_a_controller_writes_read_back() {
        let text = "applications: {}\nsteps:\n  - {\"deploy\":{\"db\":{\"formula\":\"/f/store\",\"units\":2,\"config\":{\"port\":\"81\"}}}}\n  - {\"step-at\":\"1m5.2s\"}\n  - {\"model-config\":{\"automatically-retry-hooks\":false}}\n";
        let read = steps(text).unwrap();
        let Step::Deploy(apps) = &read[0] else { panic!("{read:?}") };
        assert_eq!((apps[0].name.value.as_str(), apps[0].units), ("db", 2));
        assert_eq!(apps[0].formula, Path::new("/f/store"));
        assert_eq!(apps[0].config["port"].value, Value::Str("81".into()));
        assert_eq!(read[1], Step::StepAt(65_200));
        let Step::ModelConfig(entries) = &read[2] else { panic!("{read:?}") };
        assert_eq!(entries, &[("automatically-retry-hooks".to_string(), crate::clock::ConfigValue::Bool(false))]);
    }

    #[test]
    fn a_bad_step_at_or_model_config_is_an_error_at_its_place() {
        let errors =
            steps("applications: {}\nsteps:\n  - step-at: soon\n  - model-config: {update-status-hook-interval: 1s}\n")
                .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("dev.yaml:3:") && errors[0].contains("`soon` is not a duration"), "{errors:?}");
        assert!(errors[1].contains("dev.yaml:4:") && errors[1].contains("from 1m to 60m"), "{errors:?}");
    }
}
