//! A formula with no scenario (`formula sim DIR`), made into one: the formula deployed (two
//! units when it has a peer relation, so that peers meet; none for a subordinate) with a
//! companion formula on each of its relations, and a principal for a subordinate to live
//! beside. The companions are those `formula new` writes into a new formula's tests
//! ([`formula_sdk::scaffold::companion`]); the settings they publish can be given
//! ([`CompanionData`], `--companion-data`), so that the formula's `-relation-changed` hooks
//! see what a real service would send.
//!
//! Which endpoint gets what:
//!
//! | the formula's endpoint | on the other side |
//! |---|---|
//! | a peer | the formula's other unit |
//! | interface `juju-info`, required | the principal's implicit `juju-info` |
//! | provides or requires (container-scoped too, for a subordinate) | a companion with the other role |
//! | container-scoped, on a principal | nothing: it is for a subordinate, which is not made up |

use crate::scenario::ScenarioError;
use formula_sdk::format::{Endpoint, Formula, Role, Scope};
use formula_sdk::scaffold::{self, companion, Relation, TemplateFile};
use formula_sdk::source::Span;
use formula_sdk::yaml::{self, NodeKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The settings the companion on each endpoint of a formula publishes on its relation, read
/// from a YAML file:
///
/// ```yaml
/// db:                     # an endpoint of the formula
///   host: db.example.org  # a setting the companion's units set on the relation
///   port: 5432            # values are taken as written: this is "5432"
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompanionData {
    /// The file.
    pub path: PathBuf,
    /// Per endpoint: where it is named, and its settings.
    pub endpoints: BTreeMap<String, (Span, BTreeMap<String, String>)>,
}

impl CompanionData {
    /// Reads the file at `path`; every problem, each at its line and column.
    pub fn load(path: &Path) -> Result<CompanionData, Vec<ScenarioError>> {
        let one = |message: String| vec![ScenarioError { path: path.to_path_buf(), span: None, message }];
        let meta = std::fs::metadata(path).map_err(|e| one(format!("cannot read the companion data: {e}")))?;
        if meta.len() > formula_sdk::format::MAX_FILE_BYTES {
            return Err(one(format!("the companion data is {} bytes, too large", meta.len())));
        }
        let bytes = std::fs::read(path).map_err(|e| one(format!("cannot read the companion data: {e}")))?;
        CompanionData::parse(path, &String::from_utf8_lossy(&bytes))
    }

    /// Parses the text of the file `path`.
    pub fn parse(path: &Path, text: &str) -> Result<CompanionData, Vec<ScenarioError>> {
        let mut errors = Vec::new();
        let mut error = |span: Span, message: String| {
            errors.push(ScenarioError { path: path.to_path_buf(), span: Some(span), message });
        };
        let root = match yaml::parse(text) {
            Ok(root) => root,
            Err(e) => {
                error(e.span, format!("cannot parse the companion data: {}", e.message));
                return Err(errors);
            }
        };
        let mut endpoints = BTreeMap::new();
        // Every entry as written: a key given twice is an error, not the last one.
        let entries: &[(yaml::Node, yaml::Node)] = match &root.kind {
            NodeKind::Null => &[],
            NodeKind::Map(entries) => entries,
            _ => {
                error(
                    root.span,
                    format!(
                        "the companion data must be a mapping of endpoints (`db: {{host: …}}`), not {}",
                        a(root.type_name())
                    ),
                );
                &[]
            }
        };
        for (key, value) in entries {
            let endpoint = key.key_text().unwrap_or_default();
            if endpoints.contains_key(&endpoint) {
                error(key.span, format!("endpoint `{endpoint}` is given twice"));
                continue;
            }
            let settings_nodes: &[(yaml::Node, yaml::Node)] = match &value.kind {
                NodeKind::Null => &[],
                NodeKind::Map(entries) => entries,
                _ => {
                    error(
                        value.span,
                        format!(
                            "the settings of `{endpoint}` must be a mapping (`key: value`), not {}",
                            a(value.type_name())
                        ),
                    );
                    continue;
                }
            };
            let mut settings = BTreeMap::new();
            for (k, v) in settings_nodes {
                let name = k.key_text().unwrap_or_default();
                if name.is_empty() || name.contains('=') || name.chars().any(char::is_whitespace) {
                    error(k.span, format!("`{name}` cannot be a relation setting's key (no `=`, no spaces)"));
                    continue;
                }
                let text = match &v.kind {
                    NodeKind::Str(s) => s.clone(),
                    // A plain number or boolean is its text as written (`1.10`, `yes`), as
                    // Juju's YAML reads a scalar into a string.
                    NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => {
                        text.get(v.span.start.offset..v.span.end.offset).unwrap_or_default().trim().to_string()
                    }
                    NodeKind::Null => {
                        error(v.span, format!("setting `{name}` has no value (relation settings are strings; quote an empty one: `''`)"));
                        continue;
                    }
                    NodeKind::Seq(_) | NodeKind::Map(_) => {
                        error(
                            v.span,
                            format!(
                                "setting `{name}` must be a string, not {} (relation settings are strings)",
                                a(v.type_name())
                            ),
                        );
                        continue;
                    }
                };
                if settings.insert(name.clone(), text).is_some() {
                    error(k.span, format!("setting `{name}` is given twice"));
                }
            }
            endpoints.insert(endpoint, (key.span, settings));
        }
        if errors.is_empty() {
            Ok(CompanionData { path: path.to_path_buf(), endpoints })
        } else {
            Err(errors)
        }
    }
}

/// What is on the other side of one of the formula's endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OtherSide {
    /// The formula's own units (a peer relation, made at deploy).
    Peers,
    /// The principal's implicit `juju-info`.
    Principal,
    /// A companion formula with the other role, deployed as this application.
    Companion(String),
    /// Nothing (a principal's container-scoped endpoint, for a subordinate); why.
    Nothing(String),
}

/// How a formula is deployed with its companions.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The formula's application (its name).
    pub app: String,
    /// Its units: 2 with a peer relation, else 1; 0 for a subordinate.
    pub units: u32,
    /// Each endpoint, in metadata order (provides, requires, peers), and its other side.
    pub endpoints: Vec<(Endpoint, OtherSide)>,
    /// The principal's units, when there is a principal.
    pub principal: Option<u32>,
    /// The series the model defaults to: the formula's first, when Juju knows it.
    pub series: Option<String>,
}

/// The name of the principal's application (and formula).
pub const PRINCIPAL: &str = companion::PRINCIPAL_NAME;

/// How `formula` is deployed with companions; an error when it cannot be (a subordinate with
/// no container-scoped relation, which Juju refuses too).
pub fn plan(formula: &Formula) -> Result<Plan, String> {
    let app = formula.name();
    let subordinate = formula.metadata.subordinate;
    let peers = formula.metadata.endpoints.iter().any(|e| e.role == Role::Peer);
    let meeting = if peers { 2 } else { 1 };
    let mut taken = vec![app.clone(), PRINCIPAL.to_string()];
    let mut endpoints = Vec::new();
    for endpoint in &formula.metadata.endpoints {
        let interface = endpoint.interface.as_ref().map(|i| i.value.as_str()).unwrap_or_default();
        let other = match endpoint.role {
            Role::Peer => OtherSide::Peers,
            Role::Requirer if interface == crate::model::JUJU_INFO => OtherSide::Principal,
            _ if endpoint.scope == Scope::Container && !subordinate => OtherSide::Nothing(format!(
                "`{}` is container-scoped: it is for a subordinate to relate to, and none is made up",
                endpoint.name.value
            )),
            role => {
                let relation = Relation {
                    endpoint: endpoint.name.value.clone(),
                    interface: interface.to_string(),
                    role: if role == Role::Provider { scaffold::Role::Provides } else { scaffold::Role::Requires },
                };
                let mut name = companion::name(&app, &relation);
                // Two endpoints whose companions would share a name (`db_x`, `db-x`).
                let base = name.clone();
                let mut n = 2;
                while taken.contains(&name) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                taken.push(name.clone());
                OtherSide::Companion(name)
            }
        };
        endpoints.push((endpoint.clone(), other));
    }
    if subordinate
        && !endpoints.iter().any(|(e, other)| {
            e.scope == Scope::Container && matches!(other, OtherSide::Principal | OtherSide::Companion(_))
        })
    {
        return Err(format!(
            "`{app}` is a subordinate with no container-scoped relation to put it beside a principal (Juju refuses it: add `requires: {{host: {{interface: juju-info, scope: container}}}}`)"
        ));
    }
    let principal = endpoints.iter().any(|(_, other)| *other == OtherSide::Principal).then_some(if subordinate {
        meeting
    } else {
        1
    });
    let series = formula.metadata.series.first().filter(|s| crate::base::Release::find(s).is_some()).cloned();
    Ok(Plan { app, units: if subordinate { 0 } else { meeting }, endpoints, principal, series })
}

/// A scenario written for a formula: where it is, and what to say about it.
#[derive(Clone, Debug)]
pub struct Written {
    /// The scenario file (`NAME.yaml`, so that the model is named after the formula).
    pub scenario: PathBuf,
    /// Endpoints left unrelated, and why.
    pub notes: Vec<String>,
    /// How the formula is deployed.
    pub plan: Plan,
}

/// Writes into `dest` (which must exist) the scenario that deploys the formula in `dir` as
/// [`plan`] says, with its companions and principal rendered from `templates` (a template's
/// files, [`scaffold::template_files`]) and given the settings of `data`.
pub fn write(
    dir: &Path,
    templates: &[TemplateFile],
    data: Option<&CompanionData>,
    dest: &Path,
) -> Result<Written, Vec<ScenarioError>> {
    let formula_error = |message: String| vec![ScenarioError { path: dir.join("metadata.yaml"), span: None, message }];
    let formula = crate::model::load_deployable(dir).map_err(|e| formula_error(e.to_string()))?;
    let plan = plan(&formula).map_err(formula_error)?;
    if let Some(data) = data {
        check_data(&plan, data)?;
    }
    let io = |what: &Path, e: std::io::Error| formula_error(format!("cannot write {}: {e}", what.display()));
    let absolute = std::path::absolute(dir).map_err(|e| io(dir, e))?;
    let app = &plan.app;
    let mut formulas = format!("formulas:\n  {app}: {}\n", quoted(&absolute.to_string_lossy()));
    let mut applications = String::from("applications:\n");
    let _ = match plan.units {
        0 => writeln!(applications, "  {app}: {{formula: {app}}}"),
        n => writeln!(applications, "  {app}: {{formula: {app}, units: {n}}}"),
    };
    let mut relations = String::new();
    let mut notes = Vec::new();
    if let Some(units) = plan.principal {
        let files = companion::principal(templates, app).map_err(|e| formula_error(e.to_string()))?;
        let place = dest.join(PRINCIPAL);
        scaffold::write_files(&place, &files).map_err(|e| io(&place, e))?;
        let _ = writeln!(formulas, "  {PRINCIPAL}: {PRINCIPAL}");
        let _ = writeln!(applications, "  {PRINCIPAL}: {{formula: {PRINCIPAL}, units: {units}}}");
    }
    for (endpoint, other) in &plan.endpoints {
        let name = &endpoint.name.value;
        match other {
            OtherSide::Peers => {}
            OtherSide::Nothing(why) => notes.push(why.clone()),
            OtherSide::Principal => {
                let _ = writeln!(relations, "  - [{app}:{name}, {PRINCIPAL}:{}]", crate::model::JUJU_INFO);
            }
            OtherSide::Companion(companion_app) => {
                let relation = Relation {
                    endpoint: name.clone(),
                    interface: endpoint.interface.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
                    role: if endpoint.role == Role::Provider {
                        scaffold::Role::Provides
                    } else {
                        scaffold::Role::Requires
                    },
                };
                let made = companion::companion(templates, app, &relation).map_err(|e| formula_error(e.to_string()))?;
                let place = dest.join("companions").join(companion_app);
                scaffold::write_files(&place, &made.files).map_err(|e| io(&place, e))?;
                if let Some((_, settings)) = data.and_then(|d| d.endpoints.get(name)) {
                    let file = place.join(companion::SETTINGS_FILE);
                    // JSON is YAML, and `relation-set --file` reads YAML.
                    let text = serde_json::to_string_pretty(settings).unwrap_or_default();
                    std::fs::write(&file, text + "\n").map_err(|e| io(&file, e))?;
                }
                let _ = writeln!(formulas, "  {companion_app}: companions/{companion_app}");
                let _ = writeln!(applications, "  {companion_app}: {{formula: {companion_app}, units: 1}}");
                let _ = writeln!(relations, "  - [{app}:{name}, {companion_app}:{name}]");
            }
        }
    }
    let mut text = format!(
        "# Written by `formula sim` for {}, which was given with no scenario: the formula\n\
         # deployed with a companion formula on each of its relations (the companions\n\
         # `formula new` writes into tests/), then settled.\n",
        absolute.display()
    );
    if let Some(series) = &plan.series {
        let _ = writeln!(text, "series: {series}");
    }
    text.push_str(&formulas);
    text.push_str(&applications);
    if !relations.is_empty() {
        text.push_str("relations:\n");
        text.push_str(&relations);
    }
    let scenario = dest.join(format!("{app}.yaml"));
    std::fs::write(&scenario, text).map_err(|e| io(&scenario, e))?;
    Ok(Written { scenario, notes, plan })
}

/// Every endpoint `data` names must have a companion to publish its settings.
fn check_data(plan: &Plan, data: &CompanionData) -> Result<(), Vec<ScenarioError>> {
    let with_companion: Vec<&str> = plan
        .endpoints
        .iter()
        .filter(|(_, other)| matches!(other, OtherSide::Companion(_)))
        .map(|(e, _)| e.name.value.as_str())
        .collect();
    let known = if with_companion.is_empty() {
        "it has none that gets a companion".to_string()
    } else {
        format!("those with a companion: {}", with_companion.join(", "))
    };
    let mut errors = Vec::new();
    for (endpoint, (span, _)) in &data.endpoints {
        let why = match plan.endpoints.iter().find(|(e, _)| &e.name.value == endpoint) {
            None => format!("`{}` has no endpoint `{endpoint}`; {known}", plan.app),
            Some((_, OtherSide::Companion(_))) => continue,
            Some((_, OtherSide::Peers)) => {
                format!("`{endpoint}` is a peer relation: its settings come from `{}`'s own units; {known}", plan.app)
            }
            Some((_, OtherSide::Principal)) => format!(
                "`{endpoint}` relates to the principal's implicit `juju-info`, whose settings Juju writes; {known}"
            ),
            Some((_, OtherSide::Nothing(why))) => format!("{why}; {known}"),
        };
        errors.push(ScenarioError { path: data.path.clone(), span: Some(*span), message: why });
    }
    errors.sort_by_key(|e| e.span.map(|s| s.start.offset));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `kind` with its article (`an int`, `a list`).
fn a(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {kind}")
}

/// `text` as a YAML scalar that reads back as itself (JSON's quoting is YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Result<CompanionData, Vec<String>> {
        CompanionData::parse(Path::new("data.yaml"), text).map_err(|e| e.iter().map(ToString::to_string).collect())
    }

    /// A formula with `metadata` (after its name) in a new directory.
    fn formula(metadata: &str) -> (tempfile::TempDir, Formula) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("name: subject\nsummary: s\ndescription: d\n{metadata}");
        std::fs::write(dir.path().join("metadata.yaml"), text).unwrap();
        let loaded = Formula::load(dir.path());
        (dir, loaded)
    }

    fn sides(plan: &Plan) -> Vec<(String, OtherSide)> {
        plan.endpoints.iter().map(|(e, other)| (e.name.value.clone(), other.clone())).collect()
    }

    fn companion(name: &str) -> OtherSide {
        OtherSide::Companion(name.into())
    }

    #[test]
    fn each_relation_gets_its_other_side() {
        let (_dir, f) = formula(
            "series: [trusty]\nprovides: {website: http}\nrequires: {db: mysql, db_x: pgsql, db-x: pgsql, host: juju-info}\npeers: {ring: ring}\n",
        );
        let plan = plan(&f).unwrap();
        assert_eq!((plan.app.as_str(), plan.units, plan.principal), ("subject", 2, Some(1)));
        assert_eq!(plan.series.as_deref(), Some("trusty"));
        assert_eq!(
            sides(&plan),
            [
                ("website".into(), companion("website-companion")),
                ("db".into(), companion("db-companion")),
                ("db_x".into(), companion("db-x-companion")),
                ("db-x".into(), companion("db-x-companion-2")),
                ("host".into(), OtherSide::Principal),
                ("ring".into(), OtherSide::Peers),
            ]
        );
    }

    #[test]
    fn a_subordinate_lives_beside_a_principal() {
        let (_dir, f) = formula(
            "subordinate: true\nrequires:\n  host: {interface: juju-info, scope: container}\n  logs: {interface: syslog, scope: container}\npeers: {ring: ring}\n",
        );
        let plan = plan(&f).unwrap();
        // Two principal units, so that the subordinate's peers meet.
        assert_eq!((plan.units, plan.principal), (0, Some(2)));
        assert_eq!(sides(&plan)[1], ("logs".into(), companion("logs-companion")));
        let (_dir, lonely) = formula("subordinate: true\nrequires: {db: mysql}\n");
        assert!(super::plan(&lonely).unwrap_err().contains("no container-scoped relation"));
    }

    #[test]
    fn a_principal_container_endpoint_is_left_alone() {
        let (_dir, f) = formula("provides:\n  logs: {interface: syslog, scope: container}\n");
        let plan = plan(&f).unwrap();
        assert_eq!(plan.units, 1);
        assert!(matches!(&sides(&plan)[0].1, OtherSide::Nothing(why) if why.contains("container-scoped")));
    }

    /// The project's `templates/common/` files, as the binary embeds them.
    fn templates() -> Vec<TemplateFile> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<TemplateFile>) {
            use std::os::unix::fs::PermissionsExt;
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    let mode = entry.metadata().unwrap().permissions().mode();
                    out.push(TemplateFile::file(&rel, mode & 0o777, &std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/common");
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        out
    }

    #[test]
    fn the_scenario_deploys_the_formula_with_its_companions() {
        let (dir, _) = formula("series: [xenial]\nrequires: {db: mysql, host: juju-info}\nprovides: {website: http}\n");
        let dest = tempfile::tempdir().unwrap();
        let data = CompanionData::parse(Path::new("d.yaml"), "db: {host: db.example.org, port: 5432}\n").unwrap();
        let written = write(dir.path(), &templates(), Some(&data), dest.path()).unwrap();
        assert_eq!(written.scenario, dest.path().join("subject.yaml"));
        let scenario = crate::scenario::load(&written.scenario).unwrap();
        let apps: Vec<(&str, u32)> = scenario.applications.iter().map(|a| (a.name.value.as_str(), a.units)).collect();
        assert_eq!(apps, [("subject", 1), ("principal", 1), ("website-companion", 1), ("db-companion", 1)]);
        let relations: Vec<String> = scenario.relations.iter().map(|(a, b)| format!("{a} {b}")).collect();
        assert_eq!(
            relations,
            [
                "subject:website website-companion:website",
                "subject:db db-companion:db",
                "subject:host principal:juju-info"
            ]
        );
        assert_eq!(scenario.series.as_deref(), Some("xenial"));
        let db = dest.path().join("companions/db-companion");
        assert!(db.join("hooks/db-relation-joined").is_file());
        assert!(std::fs::read_to_string(db.join("metadata.yaml"))
            .unwrap()
            .contains("provides:\n  db:\n    interface: mysql"));
        let settings: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(db.join(companion::SETTINGS_FILE)).unwrap()).unwrap();
        assert_eq!(settings["port"], "5432");
        assert!(!dest.path().join("companions/website-companion").join(companion::SETTINGS_FILE).exists());
        assert!(dest.path().join("principal/metadata.yaml").is_file());
    }

    #[test]
    fn data_for_an_endpoint_without_a_companion_is_refused_where_it_is_written() {
        let (dir, _) = formula("requires: {db: mysql, host: juju-info}\npeers: {ring: ring}\n");
        let dest = tempfile::tempdir().unwrap();
        let data = CompanionData::parse(Path::new("d.yaml"), "ring: {a: b}\nhost: {a: b}\ncache: {a: b}\ndb: {a: b}\n")
            .unwrap();
        let errors: Vec<String> = write(dir.path(), &templates(), Some(&data), dest.path())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "d.yaml:1:1: `ring` is a peer relation: its settings come from `subject`'s own units; those with a companion: db",
                "d.yaml:2:1: `host` relates to the principal's implicit `juju-info`, whose settings Juju writes; those with a companion: db",
                "d.yaml:3:1: `subject` has no endpoint `cache`; those with a companion: db",
            ]
        );
    }

    #[test]
    fn settings_are_strings_as_written() {
        let read =
            data("db:\n  host: db.example.org\n  port: 5432\n  ratio: 1.10\n  tls: yes\n  empty: ''\nwebsite:\n")
                .unwrap();
        let (_, db) = &read.endpoints["db"];
        let pairs: Vec<(&str, &str)> = db.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [("empty", ""), ("host", "db.example.org"), ("port", "5432"), ("ratio", "1.10"), ("tls", "yes")]
        );
        assert!(read.endpoints["website"].1.is_empty());
        assert!(data("").unwrap().endpoints.is_empty());
    }

    #[test]
    fn every_problem_is_at_its_place() {
        let errors = data("db:\n  host: [a, b]\n  port:\n  a b: x\nweb: 3\ndb: {}\n").unwrap_err();
        assert_eq!(
            errors,
            [
                "data.yaml:2:9: setting `host` must be a string, not a list (relation settings are strings)",
                "data.yaml:3:7: setting `port` has no value (relation settings are strings; quote an empty one: `''`)",
                "data.yaml:4:3: `a b` cannot be a relation setting's key (no `=`, no spaces)",
                "data.yaml:5:6: the settings of `web` must be a mapping (`key: value`), not an int",
                "data.yaml:6:1: endpoint `db` is given twice",
            ]
        );
        assert_eq!(
            data("- db\n").unwrap_err(),
            ["data.yaml:1:1: the companion data must be a mapping of endpoints (`db: {host: …}`), not a list"]
        );
        assert!(data("db: {host: x\n").unwrap_err()[0].starts_with("data.yaml:"));
    }
}
