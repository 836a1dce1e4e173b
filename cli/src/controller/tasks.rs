//! A model's tasks, as Juju numbers and reports them: each `juju run` or `juju exec` is an
//! operation with one task per unit, operations and tasks drawing their ids from one counter
//! (operation 1 has task 2, the next operation is 3). An action's task finishes when its unit
//! has run it (the simulator's action result); a `juju exec` task finishes as it is made, the
//! command having run between two hooks.

use super::since;
use serde_json::{json, Map, Value as Json};
use simulator::model::ActionResult;
use simulator::sim::{ExecOutput, Sim};
use std::collections::BTreeMap;
use std::time::SystemTime;

/// The tasks of a model.
#[derive(Debug, Default)]
pub struct TaskBook {
    last_id: u64,
    tasks: BTreeMap<u64, Task>,
}

/// One task: what runs on one unit.
#[derive(Debug, Clone)]
pub struct Task {
    /// The unit.
    pub unit: String,
    /// When it was queued.
    pub enqueued: SystemTime,
    /// What it runs, and what it came to once known.
    pub work: Work,
}

/// An action or a command.
#[derive(Debug, Clone)]
pub enum Work {
    /// An action, by the simulator's id; its result once the unit has run it, and when it was
    /// first seen.
    Action {
        /// The simulator's action id.
        id: u64,
        /// The result and when it was seen, once there.
        done: Option<(ActionResult, SystemTime)>,
    },
    /// A `juju exec` command that ran.
    Exec {
        /// What it left.
        output: ExecOutput,
        /// When it ended.
        completed: SystemTime,
    },
}

impl TaskBook {
    /// A new operation's id.
    pub fn operation(&mut self) -> u64 {
        self.last_id += 1;
        self.last_id
    }

    /// Adds a task; returns its id.
    pub fn add(&mut self, task: Task) -> u64 {
        self.last_id += 1;
        self.tasks.insert(self.last_id, task);
        self.last_id
    }

    /// Takes the results of the actions the model has finished since the last look.
    pub fn refresh(&mut self, sim: &Sim) {
        for task in self.tasks.values_mut() {
            if let Work::Action { id, done: done @ None } = &mut task.work {
                let result =
                    sim.model.units.get(&task.unit).and_then(|u| u.action_results.iter().find(|r| r.id == *id));
                if let Some(result) = result {
                    *done = Some((result.clone(), SystemTime::now()));
                }
            }
        }
    }

    /// The task `id`.
    pub fn get(&self, id: u64) -> Option<&Task> {
        self.tasks.get(&id)
    }
}

impl Task {
    /// Whether it has finished.
    pub fn finished(&self) -> bool {
        !matches!(self.work, Work::Action { done: None, .. })
    }

    /// Its return code: the action hook's or the command's exit code; -1 while it runs.
    pub fn code(&self) -> i32 {
        match &self.work {
            Work::Action { done: Some((result, _)), .. } => result.code,
            Work::Action { done: None, .. } => -1,
            Work::Exec { output, .. } => output.code,
        }
    }

    /// The task as `juju run --format json` and `juju show-task` report it (Juju's
    /// `formatActionResult`): id, status, unit, message, results with `return-code`, `stdout`
    /// and `stderr`, the action's log, and its times.
    pub fn report(&self, id: u64) -> Json {
        // Go writes maps with sorted keys: built here in that order.
        let enqueued = since::go_time(self.enqueued);
        let (status, message, results, log, completed) = match &self.work {
            Work::Action { done: None, .. } => ("pending".to_string(), String::new(), None, Vec::new(), None),
            Work::Action { done: Some((result, at)), .. } => {
                let mut results: BTreeMap<String, Json> =
                    result.results.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                results.insert("return-code".into(), json!(result.code));
                let log = result.log.iter().map(|line| format!("{} {line}", since::go_time(*at))).collect();
                (result.status.clone(), result.message.clone(), Some(results), log, Some(*at))
            }
            Work::Exec { output, completed } => {
                let results = BTreeMap::from([
                    ("return-code".to_string(), json!(output.code)),
                    ("stderr".to_string(), json!(output.stderr)),
                    ("stdout".to_string(), json!(output.stdout)),
                ]);
                ("completed".to_string(), String::new(), Some(results), Vec::new(), Some(*completed))
            }
        };
        let mut out = Map::new();
        out.insert("id".into(), json!(id.to_string()));
        if !log.is_empty() {
            out.insert("log".into(), json!(log));
        }
        if !message.is_empty() {
            out.insert("message".into(), json!(message));
        }
        if let Some(mut results) = results {
            // Juju leaves empty output out.
            results.retain(|k, v| !(matches!(k.as_str(), "stdout" | "stderr") && v.as_str() == Some("")));
            out.insert("results".into(), Json::Object(results.into_iter().collect()));
        }
        out.insert("status".into(), json!(status));
        // When the unit started it is not kept: the model's thread does not time hooks.
        let mut timing = Map::new();
        if let Some(at) = completed {
            timing.insert("completed".into(), json!(since::go_time(at)));
        }
        timing.insert("enqueued".into(), json!(enqueued));
        out.insert("timing".into(), Json::Object(timing));
        out.insert("unit".into(), json!(self.unit));
        Json::Object(out)
    }
}
