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
    operations: BTreeMap<u64, Operation>,
}

/// An operation: one `juju run` or `juju exec`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The action's name (`juju-exec` for a command, as Juju names it).
    pub action: String,
    /// Its parameters (a command's: `command`).
    pub parameters: Json,
    /// Its tasks' ids, in order.
    pub tasks: Vec<u64>,
}

/// One task: what runs on one unit.
#[derive(Debug, Clone)]
pub struct Task {
    /// The unit.
    pub unit: String,
    /// The machine it ran on, for `juju exec --machine` (reported by machine, not unit).
    pub machine: Option<String>,
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
    /// A new operation of `action` with `parameters`; its id.
    pub fn operation(&mut self, action: &str, parameters: Json) -> u64 {
        self.last_id += 1;
        self.operations.insert(self.last_id, Operation { action: action.to_string(), parameters, tasks: Vec::new() });
        self.last_id
    }

    /// Adds a task to `operation`; returns its id.
    pub fn add(&mut self, operation: u64, task: Task) -> u64 {
        self.last_id += 1;
        self.tasks.insert(self.last_id, task);
        if let Some(op) = self.operations.get_mut(&operation) {
            op.tasks.push(self.last_id);
        }
        self.last_id
    }

    /// The operations, by id.
    pub fn operations(&self) -> &BTreeMap<u64, Operation> {
        &self.operations
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

impl Operation {
    /// Juju's summary: `ACTION run on unit-a-0,unit-a-1`.
    pub fn summary(&self, book: &TaskBook) -> String {
        let receivers: Vec<String> = self.tasks.iter().filter_map(|id| book.get(*id)).map(Task::receiver_tag).collect();
        format!("{} run on {}", self.action, receivers.join(","))
    }

    /// Its status from its tasks': `pending` while one is, else `failed` if one failed, else
    /// `completed`.
    pub fn status(&self, book: &TaskBook) -> String {
        let statuses: Vec<String> = self.tasks.iter().filter_map(|id| book.get(*id)).map(Task::status).collect();
        ["pending", "error", "failed"]
            .into_iter()
            .find(|s| statuses.iter().any(|t| t == s))
            .unwrap_or("completed")
            .to_string()
    }

    /// When it was queued (its first task), and when it completed (its last, once all have).
    pub fn times(&self, book: &TaskBook) -> (Option<SystemTime>, Option<SystemTime>) {
        let tasks: Vec<&Task> = self.tasks.iter().filter_map(|id| book.get(*id)).collect();
        let enqueued = tasks.iter().map(|t| t.enqueued).min();
        let completed =
            tasks.iter().map(|t| t.completed()).collect::<Option<Vec<_>>>().and_then(|v| v.into_iter().max());
        (enqueued, completed)
    }
}

impl Task {
    /// What Juju calls the task's receiver: `unit-app-0`, or `machine-0`.
    pub fn receiver_tag(&self) -> String {
        match &self.machine {
            Some(machine) => format!("machine-{machine}"),
            None => format!("unit-{}", self.unit.replace('/', "-")),
        }
    }

    /// The receiver's name: the unit, or the machine's id.
    pub fn receiver(&self) -> String {
        self.machine.clone().unwrap_or_else(|| self.unit.clone())
    }

    /// When it finished, once it has.
    pub fn completed(&self) -> Option<SystemTime> {
        match &self.work {
            Work::Action { done, .. } => done.as_ref().map(|(_, at)| *at),
            Work::Exec { completed, .. } => Some(*completed),
        }
    }

    /// Its status: `pending`, or as its end says.
    pub fn status(&self) -> String {
        match &self.work {
            Work::Action { done: None, .. } => "pending".into(),
            Work::Action { done: Some((result, _)), .. } => result.status.clone(),
            Work::Exec { .. } => "completed".into(),
        }
    }

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
        if let Some(machine) = &self.machine {
            out.insert("machine".into(), json!(machine));
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
        if self.machine.is_none() {
            out.insert("unit".into(), json!(self.unit));
        }
        Json::Object(out)
    }
}
