//! What a model went through, written as a scenario as it happens: one step per command
//! that changed the model (`deploy`, `relate`, `config`, …) and one `step-at` per engine
//! step, at the model time it was taken. The model's trace names this file as its scenario,
//! so `formula sim --replay trace.jsonl` runs the same commands between the same hooks with
//! the trace's choices, and says where it departs.
//!
//! Each step is one line, a JSON flow mapping (JSON is YAML), appended as it happens, so the
//! file is whole up to the last step even while the controller runs.

use serde_json::{json, Value as Json};
use simulator::clock::{ConfigValue, Millis, Shown};
use simulator::model::Value;
use simulator::scenario::EndpointRef;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The scenario being written.
pub struct Record {
    path: PathBuf,
    file: Option<File>,
}

/// What `juju deploy` gave an application besides its formula, units and config.
#[derive(Debug, Default)]
pub struct Deployed {
    /// `--base`/`--series`.
    pub base: Option<String>,
    /// `--trust`.
    pub trust: bool,
    /// `--resource NAME=FILE`, the files kept by the model ([`Record::resource_dir`]).
    pub resources: BTreeMap<String, PathBuf>,
}

impl Record {
    /// Starts the scenario of model `model` at `path` (its file stem is the model's name, so
    /// that a replay's model has the same name).
    pub fn create(path: &Path, model: &str) -> std::io::Result<Record> {
        let mut file = File::create(path)?;
        writeln!(
            file,
            "# Model `{model}` of a formula controller: its `juju` commands and engine steps, as they happened.\n\
             # `formula sim --replay trace.jsonl` (beside this file) runs them again with the trace's choices.\n\
             applications: {{}}\n\
             steps:"
        )?;
        Ok(Record { path: path.to_path_buf(), file: Some(file) })
    }

    /// Goes on with the scenario already at `path` (a model restored after a restart).
    pub fn append(path: &Path) -> std::io::Result<Record> {
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        Ok(Record { path: path.to_path_buf(), file: Some(file) })
    }

    /// Appends one step; a write that fails stops the record (and says so once).
    fn push(&mut self, step: Json) {
        let Some(file) = &mut self.file else {
            return;
        };
        if let Err(e) = writeln!(file, "  - {step}") {
            eprintln!("cannot write {}: {e}; its scenario stops here", self.path.display());
            self.file = None;
        }
    }

    /// An engine step at model time `at`.
    pub fn step_at(&mut self, at: Millis) {
        self.push(json!({"step-at": Shown(at).to_string()}));
    }

    /// `juju deploy`.
    pub fn deploy(
        &mut self,
        app: &str,
        formula: &Path,
        units: u32,
        config: &BTreeMap<String, Value>,
        extra: &Deployed,
    ) {
        let config: serde_json::Map<String, Json> = config.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        let mut spec = json!({"formula": formula.display().to_string(), "units": units, "config": config});
        if let Some(base) = &extra.base {
            spec["base"] = json!(base);
        }
        if extra.trust {
            spec["trust"] = json!(true);
        }
        if !extra.resources.is_empty() {
            spec["resources"] = json!(extra.resources);
        }
        self.push(json!({"deploy": {app: spec}}));
    }

    /// Where a deployed application's resource files are kept, beside the scenario: the
    /// client's files may be gone when the model is replayed (a test's temporary files).
    pub fn resource_dir(&self, app: &str) -> PathBuf {
        self.path.with_file_name("resources").join(app)
    }

    /// `juju add-unit`.
    pub fn add_unit(&mut self, app: &str, count: u32) {
        self.push(json!({"add-unit": {"application": app, "count": count}}));
    }

    /// `juju remove-unit`.
    pub fn remove_unit(&mut self, unit: &str) {
        self.push(json!({"remove-unit": unit}));
    }

    /// `juju remove-application`.
    pub fn remove_application(&mut self, app: &str) {
        self.push(json!({"remove-application": app}));
    }

    /// `juju integrate` (`relate: true`) or `juju remove-relation`.
    pub fn relation(&mut self, relate: bool, a: &EndpointRef, b: &EndpointRef) {
        let kind = if relate { "relate" } else { "unrelate" };
        self.push(json!({kind: [a.to_string(), b.to_string()]}));
    }

    /// `juju resolve` (`retry`: the hook runs again).
    pub fn resolve(&mut self, unit: &str, retry: bool) {
        self.push(json!({"resolve": {"unit": unit, "retry": retry}}));
    }

    /// `juju run` of an action.
    pub fn action(&mut self, unit: &str, name: &str, params: &BTreeMap<String, Value>) {
        let params: serde_json::Map<String, Json> = params.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        // Queued only: the controller's model ran its hooks in the steps recorded after it.
        self.push(json!({"action": {"unit": unit, "name": name, "params": params, "wait": false}}));
    }

    /// `juju exec` on one unit.
    pub fn exec(&mut self, unit: &str, command: &str) {
        self.push(json!({"exec": {"unit": unit, "command": command}}));
    }

    /// `juju refresh --path`.
    pub fn upgrade(&mut self, app: &str, formula: &Path) {
        self.push(json!({"upgrade": {"application": app, "formula": formula.display().to_string()}}));
    }

    /// `juju config` (a `Null` value resets).
    pub fn config(&mut self, app: &str, values: &BTreeMap<String, Value>) {
        let values: serde_json::Map<String, Json> = values.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        self.push(json!({"config": {"application": app, "values": values}}));
    }

    /// `juju model-config`, the keys the simulator honours.
    pub fn model_config(&mut self, entries: &[(String, ConfigValue)]) {
        if entries.is_empty() {
            return;
        }
        let map: serde_json::Map<String, Json> = entries
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    ConfigValue::Bool(b) => json!(b),
                    ConfigValue::Text(t) => json!(t),
                };
                (k.clone(), v)
            })
            .collect();
        self.push(json!({"model-config": map}));
    }
}
