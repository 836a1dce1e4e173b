//! `formula schema`: every scenario, formula file and bundle written here, and every file
//! `formula new` writes, is valid against the schemas; common typos are not; the
//! `# yaml-language-server: $schema=` lines of `formula new`'s files name schemas it wrote.

use crate::support::{formula, repo};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The schema `formula schema NAME` prints, checked against draft 2020-12's meta-schema.
fn schema(name: &str) -> Value {
    let out = formula().args(["schema", name]).output().expect("run formula schema");
    assert!(out.status.success(), "formula schema {name}: {}", String::from_utf8_lossy(&out.stderr));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the {name} schema is not a valid schema: {e}");
    }
    schema
}

/// A validator for the schema `name`.
struct Checker {
    name: &'static str,
    validator: jsonschema::Validator,
}

impl Checker {
    fn new(name: &'static str) -> Checker {
        let validator = jsonschema::draft202012::new(&schema(name)).expect("the schema compiles");
        Checker { name, validator }
    }

    /// What the schema says about `text` (YAML, read as Juju and the simulator read it):
    /// one line per error, empty when it is valid.
    fn errors(&self, text: &str) -> Vec<String> {
        let node = formula_sdk::yaml::parse(text).unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"));
        let instance = node.to_json();
        self.validator.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
    }

    fn assert_valid(&self, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let errors = self.errors(&text);
        assert!(errors.is_empty(), "{} is not a valid {}:\n{}", path.display(), self.name, errors.join("\n"));
    }

    fn assert_refused(&self, text: &str, why: &str) {
        assert!(!self.errors(text).is_empty(), "the {} schema accepts {why}:\n{text}", self.name);
    }
}

/// Every file under `dir` whose name ends with `suffix`, sorted; `target/` is skipped, and
/// symbolic links are not followed (tests/formulas/wasm-escape has one to `/` on purpose).
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && entry.file_name() != "target" {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

const FORMULA_FILES: [(&str, &str); 3] =
    [("metadata.yaml", "metadata"), ("config.yaml", "config"), ("actions.yaml", "actions")];

/// Formulas of tests/formulas that are broken on purpose, with the reason.
const BROKEN_ON_PURPOSE: &[(&str, &str)] = &[];

#[test]
fn the_repository_s_files_are_valid() {
    let root = repo();
    let scenario = Checker::new("scenario");
    let bundle = Checker::new("bundle");
    let checkers: Vec<(&str, Checker)> = FORMULA_FILES.iter().map(|(file, name)| (*file, Checker::new(name))).collect();
    let mut counts = [0usize; 3];
    for dir in [root.join("examples"), root.join("tests/scenarios"), root.join("tests/formulas")] {
        for path in files(&dir, ".yaml") {
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let formula = path.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
            if BROKEN_ON_PURPOSE.iter().any(|(name, _)| formula.as_deref() == Some(*name)) {
                continue;
            }
            if let Some((_, checker)) = checkers.iter().find(|(name, _)| *name == file) {
                checker.assert_valid(&path);
                counts[0] += 1;
            } else if file == "bundle.yaml" {
                bundle.assert_valid(&path);
                // A bundle is a scenario too.
                scenario.assert_valid(&path);
                counts[1] += 1;
            } else {
                scenario.assert_valid(&path);
                counts[2] += 1;
            }
        }
    }
    for path in files(&root.join("formula-sdk/tests/fixtures/lint"), "/good/bundle.yaml") {
        bundle.assert_valid(&path);
        counts[1] += 1;
    }
    // The walk found what it should (a moved directory must not empty the test).
    assert!(counts[0] > 60 && counts[1] >= 5 && counts[2] > 15, "{counts:?}");
}

#[test]
fn common_typos_are_refused() {
    let scenario = Checker::new("scenario");
    let good = "formulas: {wiki: ../wiki}\napplications:\n  wiki: {formula: wiki, units: 2}\nsteps:\n  - settle\n  - expect: {status: {wiki/0: active}}\n";
    assert_eq!(scenario.errors(good), Vec::<String>::new());
    for (text, why) in [
        ("applications:\n  wiki: {formula: ../wiki, unit: 2}\n", "`unit` for `units`"),
        ("application:\n  wiki: {formula: ../wiki}\n", "`application` for `applications`"),
        ("applications: {wiki: {formula: ../wiki}}\nsteps: [settel]\n", "a misspelt step"),
        ("applications: {wiki: {formula: ../wiki}}\nsteps:\n  - expect: {stauts: {wiki/0: active}}\n", "`stauts`"),
        (
            "applications: {wiki: {formula: ../wiki}}\nsteps:\n  - config: {app: wiki, values: {}}\n",
            "`app` in `config`",
        ),
        ("applications: {wiki: {formula: ../wiki}}\nsteps:\n  - wait: five minutes\n", "a duration in words"),
        ("applications: {wiki: {formula: ../wiki}}\nfaults: {leadr: 5}\n", "an unknown fault"),
        ("applications: {wiki: {formula: ../wiki}}\nrelations: [[wiki:db]]\n", "a relation with one end"),
        ("applications: {wiki: {formula: ../wiki, units: -1}}\n", "a negative unit count"),
    ] {
        scenario.assert_refused(text, why);
    }

    let metadata = Checker::new("metadata");
    let good = "name: wiki\nsummary: s\ndescription: d\nsubordinate: yes\nrequires:\n  db: mysql\n  logs: {interface: syslog, scope: container, limit: 1}\nrevision: 3\nensemble: formula\n";
    assert_eq!(metadata.errors(good), Vec::<String>::new());
    for (text, why) in [
        ("name: wiki\nsummary: s\ndescription: d\nrequries:\n  db: mysql\n", "`requries`"),
        ("name: wiki\nsummary: s\ndescription: d\nrequires:\n  db: {interfce: mysql}\n", "`interfce`"),
        (
            "name: wiki\nsummary: s\ndescription: d\nrequires:\n  db: {interface: mysql, scope: containr}\n",
            "a bad scope",
        ),
        ("name: wiki\nsummary: s\ndescription: d\nsubordinate: maybe\n", "a non-boolean subordinate"),
        ("name: Wiki_Server\nsummary: s\ndescription: d\n", "a name Juju refuses"),
        ("name: wiki\ndescription: d\n", "a missing summary"),
        ("name: wiki\nsummary: s\ndescription: d\nprovides:\n  DB: mysql\n", "an endpoint name Juju refuses"),
    ] {
        metadata.assert_refused(text, why);
    }

    let config = Checker::new("config");
    let good = "options:\n  port: {type: int, default: 80, description: p}\n  debug: {type: boolean, default: false, description: d}\n  name: {default: x, description: the name}\n  ratio: {type: float, default: 0.5, description: r}\n";
    assert_eq!(config.errors(good), Vec::<String>::new());
    for (text, why) in [
        ("options:\n  port: {type: int, defualt: 80, description: p}\n", "`defualt`"),
        ("options:\n  port: {type: integer, default: 80, description: p}\n", "an unknown option type"),
        ("options:\n  port: {type: int, default: eighty, description: p}\n", "a default of the wrong type"),
        ("options:\n  debug: {type: boolean, default: maybe, description: d}\n", "a default that is not a boolean"),
        ("option:\n  port: {type: int, default: 80, description: p}\n", "`option` for `options`"),
        ("options:\n  port: {type: int, default: 80}\nport: {type: int}\n", "an option outside `options`"),
    ] {
        config.assert_refused(text, why);
    }

    let actions = Checker::new("actions");
    let good = "backup:\n  description: Back up.\n  params:\n    target: {type: string, description: where}\n  required: [target]\nsnapshot:\n";
    assert_eq!(actions.errors(good), Vec::<String>::new());
    for (text, why) in [
        ("Backup_Now:\n  description: b\n", "a name Juju refuses"),
        ("juju-backup:\n  description: b\n", "a reserved name"),
        ("backup:\n  params:\n    target: {type: strng}\n", "an unknown JSON type"),
        ("backup:\n  params:\n    target: {$ref: '#/x'}\n", "`$ref`"),
        ("backup:\n  parallel: sometimes\n", "a non-boolean `parallel`"),
    ] {
        actions.assert_refused(text, why);
    }

    let bundle = Checker::new("bundle");
    let good = "series: jammy\napplications:\n  wiki: {charm: ./wiki, num_units: 2, options: {port: 80}}\n  db: {charm: ./db}\nrelations:\n  - [wiki:db, db:db]\n";
    assert_eq!(bundle.errors(good), Vec::<String>::new());
    for (text, why) in [
        ("aplications:\n  wiki: {charm: ./wiki}\n", "`aplications`"),
        ("applications:\n  wiki: {charm: ./wiki, num_unit: 2}\n", "`num_unit`"),
        ("applications:\n  wiki: {charm: ./wiki, units: 2}\n", "a scenario's `units` in a bundle"),
        ("applications:\n  wiki: {charm: ./wiki}\nrelations:\n  - [wiki, db, cache]\n", "a relation of three"),
        ("applications:\n  wiki: {num_units: 1}\n", "an application without `charm`"),
        (
            "wiki-stack:\n  series: trusty\n  services:\n    wiki: {charm: cs:trusty/wiki}\n",
            "a juju-deployer (v3) bundle",
        ),
    ] {
        bundle.assert_refused(text, why);
    }
}

/// The template mixes `formula new` is tried with, as in new_cli.
const MIXES: &[&[&str]] = &[
    &[],
    &["--requires", "db:mysql", "--provides", "website:http", "--peers", "cluster:web-peers"],
    &["--subordinate", "--requires", "logs:syslog"],
];

#[test]
fn formula_new_writes_valid_files_that_name_their_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let checkers: Vec<Checker> = ["scenario", "metadata", "config", "actions"].into_iter().map(Checker::new).collect();
    let mut checked = 0;
    for template in ["bash", "python", "rust"] {
        for (i, mix) in MIXES.iter().enumerate() {
            let name = format!("{template}-s{i}");
            let out = formula()
                .current_dir(tmp.path())
                .args(["new", &name, "--template", template])
                .args(*mix)
                .output()
                .expect("run formula new");
            assert!(out.status.success(), "formula new {name}: {}", String::from_utf8_lossy(&out.stderr));
            let dir = tmp.path().join(&name);
            // The schemas it wrote are those `formula schema` prints.
            for checker in &checkers {
                let written = std::fs::read(dir.join(".schema").join(format!("{}.json", checker.name)))
                    .unwrap_or_else(|e| panic!("{name}: .schema/{}.json: {e}", checker.name));
                let written: Value = serde_json::from_slice(&written).expect("JSON");
                assert_eq!(written, schema(checker.name), "{name}: .schema/{}.json", checker.name);
            }
            for path in files(&dir, ".yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let first = text.lines().next().unwrap_or_default();
                let target = first.strip_prefix("# yaml-language-server: $schema=").unwrap_or_else(|| {
                    panic!("{} does not start with a yaml-language-server line: {first}", path.display())
                });
                let schema_path = path.parent().unwrap().join(target);
                let schema_path =
                    schema_path.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
                assert_eq!(schema_path.parent(), dir.join(".schema").canonicalize().ok().as_deref());
                let kind = schema_path.file_stem().unwrap().to_string_lossy().into_owned();
                let checker = checkers.iter().find(|c| c.name == kind).expect("a schema formula new writes");
                checker.assert_valid(&path);
                checked += 1;
            }
        }
    }
    assert!(checked >= 9 * 3, "only {checked} files checked");
}
