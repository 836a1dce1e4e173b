//! `juju actions APP` (what an application's charm defines in actions.yaml), `juju
//! operations` and `juju show-operation ID` (the operations `juju run` and `juju exec` made,
//! [`crate::controller::tasks`]), in Juju 3.6's layouts.

use super::args::{switch, value};
use super::output::{self, Format};
use super::{arity, parse, Call};
use crate::controller::model::State;
use crate::controller::since;
use crate::controller::tasks::{Operation, TaskBook};
use crate::controller::wire::Reply;
use serde_json::{json, Map, Value as Json};
use std::time::SystemTime;

/// `juju actions APP`: a table of names and descriptions; `--format json|yaml` the same as a
/// map; `--schema` each action's parameters as JSON Schema (YAML by default).
pub fn actions(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format"]), value(&["output", "o"]), switch(&["schema"])];
    let parsed = parse("actions", argv, &flags)?;
    let format = output::format(&parsed, &[Format::Tabular, Format::Json, Format::Yaml], Format::Smart)?;
    let schema = parsed.switch("schema");
    if schema && format == Format::Tabular {
        return Err(Reply::usage("full schema not compatible with tabular output"));
    }
    if parsed.args.is_empty() {
        return Err(Reply::usage("no application name specified"));
    }
    arity(&parsed, 1, 1, "application name")?;
    let app = parsed.args[0].clone();
    let handle = call.model(&parsed)?;
    let defined = handle
        .run(move |state: &mut State| {
            let a = state.sim.model.apps.get(&app).ok_or_else(|| super::apps::app_not_found(&app))?;
            Ok::<_, String>(a.formula.actions.actions.clone())
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    let mut defined = defined;
    defined.sort_by(|a, b| natural_order(&a.name.value, &b.name.value));
    if schema {
        // Juju's schema of an action: its parameters as an object's properties.
        let mut all = Map::new();
        for action in &defined {
            let mut spec = Map::new();
            spec.insert("description".into(), json!(action.description));
            spec.insert("properties".into(), action.params.clone());
            if !action.required.is_empty() {
                spec.insert("required".into(), json!(action.required));
            }
            spec.insert("title".into(), json!(action.name.value));
            spec.insert("type".into(), json!("object"));
            all.insert(action.name.value.clone(), Json::Object(spec));
        }
        let format = if format == Format::Smart { Format::Yaml } else { format };
        return Ok(Reply::out(output::structured(&Json::Object(all), format)));
    }
    if matches!(format, Format::Json | Format::Yaml) {
        let map: Map<String, Json> =
            defined.iter().map(|a| (a.name.value.clone(), json!(description(&a.description)))).collect();
        return Ok(Reply::out(output::structured(&Json::Object(map), format)));
    }
    let Some(app) = parsed.args.first() else { return Err(Reply::usage("no application name specified")) };
    if defined.is_empty() {
        return Ok(Reply { stderr: format!("No actions defined for {app}.\n"), ..Reply::default() });
    }
    let mut rows = vec![vec!["Action".to_string(), "Description".to_string()]];
    for action in &defined {
        let text = description(&action.description);
        let mut lines = text.trim().lines();
        rows.push(vec![action.name.value.clone(), lines.next().unwrap_or_default().to_string()]);
        // A description's further lines go under the first, in its column.
        rows.extend(lines.map(|line| vec![String::new(), line.to_string()]));
    }
    let mut out = String::new();
    simulator::status::table(&mut out, &rows);
    Ok(Reply::out(out))
}

/// An action's description as Juju shows it: "No description" when it has none.
fn description(text: &str) -> &str {
    if text.is_empty() {
        "No description"
    } else {
        text
    }
}

/// Names in natural order (`a2` before `a10`), as Juju sorts actions.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    for (x, y) in chunks(a).into_iter().zip(chunks(b)) {
        let order = match (x, y) {
            ((true, x), (true, y)) => {
                x.trim_start_matches('0').len().cmp(&y.trim_start_matches('0').len()).then(x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len()).then(a.cmp(b))
}

/// What a command needs to report operations: each, with its tasks' reports and times.
struct OperationReport {
    id: u64,
    summary: String,
    status: String,
    enqueued: Option<SystemTime>,
    completed: Option<SystemTime>,
    /// `(name, parameters)` when every task runs the same action with the same parameters.
    action: (String, Json),
    /// Each task: id, receiver, status, completed, message, results, log.
    tasks: Vec<(u64, Json)>,
}

/// Reads every operation of the model (after taking in what its units finished).
fn read_operations(call: &Call, parsed: &super::args::Parsed) -> Result<Vec<OperationReport>, Reply> {
    let handle = call.model(parsed)?;
    handle
        .run(|state: &mut State| {
            state.tasks.refresh(&state.sim);
            let book = &state.tasks;
            book.operations().iter().map(|(id, op)| report(book, *id, op)).collect()
        })
        .map_err(|e| Reply::error(format!("{e:#}")))
}

fn report(book: &TaskBook, id: u64, op: &Operation) -> OperationReport {
    let (enqueued, completed) = op.times(book);
    let tasks = op.tasks.iter().filter_map(|t| book.get(*t).map(|task| (*t, task.report(*t)))).collect();
    OperationReport {
        id,
        summary: op.summary(book),
        status: op.status(book),
        enqueued,
        completed,
        action: (op.action.clone(), op.parameters.clone()),
        tasks,
    }
}

/// `juju operations`: a table (`ID Status Started Finished Task IDs Summary`), or by id in
/// JSON or YAML as `show-operation` shows each; `--actions`, `--apps`, `--units`,
/// `--machines`, `--status` filter, `--limit`/`--offset` page.
pub fn operations(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["format"]),
        value(&["output", "o"]),
        switch(&["utc"]),
        value(&["actions"]),
        value(&["applications", "apps"]),
        value(&["units"]),
        value(&["machines"]),
        value(&["status"]),
        value(&["limit"]),
        value(&["offset"]),
    ];
    let parsed = parse("operations", argv, &flags)?;
    let format = output::format(&parsed, &[Format::Plain, Format::Json, Format::Yaml], Format::Plain)?;
    arity(&parsed, 0, 0, "")?;
    let list = |name: &str| -> Vec<String> {
        parsed.values(name).iter().flat_map(|v| v.split(',')).filter(|v| !v.is_empty()).map(str::to_string).collect()
    };
    let number = |name: &str| -> Result<usize, Reply> {
        match parsed.value(name) {
            None => Ok(0),
            Some(text) => text
                .parse()
                .map_err(|_| Reply::usage(format!("invalid value {text:?} for option --{name}: parse error"))),
        }
    };
    let (actions, apps, units, machines, statuses) =
        (list("actions"), list("applications"), list("units"), list("machines"), list("status"));
    let (limit, offset) = (number("limit")?, number("offset")?);
    let mut all = read_operations(call, &parsed)?;
    all.retain(|op| {
        let receivers: Vec<String> =
            op.tasks.iter().map(|(_, t)| t["unit"].as_str().or(t["machine"].as_str()).unwrap_or("").into()).collect();
        (actions.is_empty() || actions.contains(&op.action.0))
            && (statuses.is_empty() || statuses.contains(&op.status))
            && (apps.is_empty() || receivers.iter().any(|r| apps.iter().any(|a| r.starts_with(&format!("{a}/")))))
            && (units.is_empty() || receivers.iter().any(|r| units.contains(r)))
            && (machines.is_empty()
                || op.tasks.iter().any(|(_, t)| t["machine"].as_str().is_some_and(|m| machines.iter().any(|x| x == m))))
    });
    let all: Vec<OperationReport> =
        all.into_iter().skip(offset).take(if limit == 0 { usize::MAX } else { limit }).collect();
    if all.is_empty() {
        return Ok(Reply { stderr: "no matching operations\n".into(), ..Reply::default() });
    }
    if format != Format::Plain {
        let map: Map<String, Json> = all.iter().map(|op| (op.id.to_string(), operation_info(op))).collect();
        return Ok(Reply::out(output::structured(&Json::Object(map), format)));
    }
    let mut rows = vec![["ID", "Status", "Started", "Finished", "Task IDs", "Summary"].map(String::from).to_vec()];
    for op in &all {
        let ids: Vec<String> = op.tasks.iter().map(|(id, _)| id.to_string()).collect();
        let mut tasks = ids.iter().take(5).cloned().collect::<Vec<_>>().join(",");
        if ids.len() > 5 {
            tasks.push_str("...");
        }
        // The simulator does not time when a unit starts a task: its queueing stands in.
        let when = |at: Option<SystemTime>| at.map(table_time).unwrap_or_default();
        rows.push(vec![
            op.id.to_string(),
            op.status.clone(),
            when(op.enqueued),
            when(op.completed),
            tasks,
            op.summary.clone(),
        ]);
    }
    let mut out = String::new();
    simulator::status::table(&mut out, &rows);
    Ok(Reply::out(out))
}

/// `juju show-operation ID`: the operation, its action and its tasks (YAML, or JSON).
pub fn show_operation(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format"]), value(&["output", "o"]), switch(&["utc"]), value(&["wait"]), switch(&["watch"])];
    let parsed = parse("show-operation", argv, &flags)?;
    let format = output::format(&parsed, &[Format::Json, Format::Yaml], Format::Yaml)?;
    if parsed.args.is_empty() {
        return Err(Reply::usage("no operation ID specified"));
    }
    arity(&parsed, 1, 1, "operation ID")?;
    let given = &parsed.args[0];
    let all = read_operations(call, &parsed)?;
    let Some(op) = all.iter().find(|op| op.id.to_string() == *given) else {
        return Err(Reply::error(format!("operation {given} not found")));
    };
    Ok(Reply::out(output::structured(&operation_info(op), format)))
}

/// An operation as Juju's `formatOperationResult` lays it out (Go struct order).
fn operation_info(op: &OperationReport) -> Json {
    let mut out = Map::new();
    out.insert("summary".into(), json!(op.summary));
    out.insert("status".into(), json!(op.status));
    let mut action = Map::new();
    action.insert("name".into(), json!(op.action.0));
    action.insert("parameters".into(), op.action.1.clone());
    out.insert("action".into(), Json::Object(action));
    let mut timing = Map::new();
    if let Some(at) = op.enqueued {
        timing.insert("enqueued".into(), json!(since::go_time(at)));
    }
    if let Some(at) = op.completed {
        timing.insert("completed".into(), json!(since::go_time(at)));
    }
    out.insert("timing".into(), Json::Object(timing));
    let mut tasks = Map::new();
    for (id, task) in &op.tasks {
        let mut info = Map::new();
        let host = task.get("unit").or(task.get("machine")).cloned().unwrap_or_default();
        info.insert("host".into(), host);
        info.insert("status".into(), task.get("status").cloned().unwrap_or_default());
        // Juju's task timing is a struct: enqueued, then completed.
        let mut timing = Map::new();
        for key in ["enqueued", "completed"] {
            if let Some(at) = task.get("timing").and_then(|t| t.get(key)) {
                timing.insert(key.into(), at.clone());
            }
        }
        info.insert("timing".into(), Json::Object(timing));
        for key in ["log", "message", "results"] {
            if let Some(value) = task.get(key) {
                info.insert(key.into(), value.clone());
            }
        }
        tasks.insert(id.to_string(), Json::Object(info));
    }
    out.insert("tasks".into(), Json::Object(tasks));
    Json::Object(out)
}

/// A moment as `juju operations`' table shows it: `2026-12-06T19:21:04`.
fn table_time(at: SystemTime) -> String {
    since::clock_time(at, true, false).replacen(' ', "T", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_sort_naturally() {
        let mut names = vec!["b10", "a", "b2", "b1"];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(names, ["a", "b1", "b2", "b10"]);
    }
}
