//! `juju run` (actions), `juju exec` (commands in units' hook contexts) and `juju show-task`:
//! each run or exec is an operation of one task per unit ([`crate::controller::tasks`]).
//!
//! `juju run` queues the action on each unit and, unless `--background`, waits for the units
//! to run it (`--wait`, 60 s by default, as jubilant says Juju waits), then prints the tasks'
//! results. As in Juju, a task whose hook exited non-zero (an exception in an ops charm) makes
//! the command fail with "the following task failed", results still printed; a task that
//! called `action-fail` exits 0 and is reported `failed`. `juju exec` runs its command on each
//! unit between two hooks, with the hook tools, and reports the same way.

use super::args::{switch, value, Parsed};
use super::output::{self, Format};
use super::{arity, parse, Call};
use crate::controller::model::{Handle, State};
use crate::controller::tasks::{Task, Work};
use crate::controller::wire::Reply;
use serde_json::{Map, Value as Json};
use simulator::model::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

/// How often a waiting command looks at its tasks.
const POLL: Duration = Duration::from_millis(50);
/// How long `juju run` waits by default.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// How long `juju exec` waits by default.
const DEFAULT_EXEC_WAIT: Duration = Duration::from_secs(300);

const FORMATS: &[Format] = &[Format::Plain, Format::Json, Format::Yaml];

/// `juju run UNIT… ACTION [key=value…]`.
pub fn run(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["format"]),
        value(&["output", "o"]),
        value(&["wait"]),
        value(&["params"]),
        switch(&["background"]),
        switch(&["string-args"]),
        switch(&["utc"]),
        switch(&["color"]),
        switch(&["no-color"]),
    ];
    let parsed = parse("run", argv, &flags)?;
    let format = output::format(&parsed, FORMATS, Format::Plain)?;
    let (units, action, pairs) = split_run_args(&parsed.args)?;
    let mut params = match parsed.value("params") {
        Some(file) => params_file(&call.path(file))?,
        None => BTreeMap::new(),
    };
    for (keys, text) in pairs {
        let value = if parsed.switch("string-args") { Value::Str(text) } else { yaml_value(&text) };
        insert_path(&mut params, &keys, value);
    }
    let wait = wait_flag(&parsed, DEFAULT_WAIT)?;
    let handle = call.model(&parsed)?;
    let queued = handle
        .run(move |state: &mut State| queue_actions(state, &units, &action, &params))
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    finish(&handle, queued, format, parsed.switch("background"), wait)
}

/// The units (`app/N` or `app/leader`), the action and its `key.key=value` arguments.
type RunArgs = (Vec<String>, String, Vec<(Vec<String>, String)>);

fn split_run_args(args: &[String]) -> Result<RunArgs, Reply> {
    let is_unit = |a: &str| a.split_once('/').is_some_and(|(app, n)| !app.is_empty() && !n.is_empty());
    let units: Vec<String> = args.iter().take_while(|a| is_unit(a)).cloned().collect();
    if units.is_empty() {
        return Err(Reply::usage("no unit specified"));
    }
    let Some(action) = args.get(units.len()).cloned() else {
        return Err(Reply::usage("no action specified"));
    };
    let apps: std::collections::BTreeSet<&str> = units.iter().filter_map(|u| u.split('/').next()).collect();
    if apps.len() > 1 {
        return Err(Reply::usage("all units must be of the same application"));
    }
    let mut pairs = Vec::new();
    for arg in &args[units.len() + 1..] {
        let Some((keys, text)) = arg.split_once('=') else {
            return Err(Reply::usage(format!("argument {arg:?} must be of the form key.key.key...=value")));
        };
        pairs.push((keys.split('.').map(str::to_string).collect(), text.to_string()));
    }
    Ok((units, action, pairs))
}

/// A command-line value parsed as YAML, as Juju parses it (`true`, `3`, `[1, 2]`).
fn yaml_value(text: &str) -> Value {
    match formula_sdk::yaml::parse(text) {
        Ok(node) => Value::from_json(&node.to_json()),
        Err(_) => Value::Str(text.to_string()),
    }
}

/// `--params FILE`: a YAML map of parameters.
fn params_file(path: &std::path::Path) -> Result<BTreeMap<String, Value>, Reply> {
    let text = std::fs::read_to_string(path).map_err(|e| Reply::error(format!("open {}: {e}", path.display())))?;
    let node = formula_sdk::yaml::parse(&text).map_err(|e| Reply::error(format!("{}: {e}", path.display())))?;
    match Value::from_json(&node.to_json()) {
        Value::Map(map) => Ok(map),
        Value::Null => Ok(BTreeMap::new()),
        _ => Err(Reply::error("params must contain a YAML map with string keys")),
    }
}

/// Sets `keys` (`a.b.c`) to `value` in `params`, making the maps on the way.
fn insert_path(params: &mut BTreeMap<String, Value>, keys: &[String], value: Value) {
    let Some((last, path)) = keys.split_last() else { return };
    let mut map = params;
    for key in path {
        let slot = map.entry(key.clone()).or_insert_with(|| Value::Map(BTreeMap::new()));
        if !matches!(slot, Value::Map(_)) {
            *slot = Value::Map(BTreeMap::new());
        }
        let Value::Map(inner) = slot else { return };
        map = inner;
    }
    map.insert(last.clone(), value);
}

/// `--wait`: a Go duration (`60s`, `2m`, `1.5s`).
fn wait_flag(parsed: &Parsed, default: Duration) -> Result<Duration, Reply> {
    match parsed.value("wait") {
        None => Ok(default),
        Some(text) => match go_duration(text) {
            // Juju's client takes a wait of 0 as its default.
            Some(Duration::ZERO) => Ok(default),
            Some(wait) => Ok(wait),
            None => {
                Err(Reply::usage(format!("invalid value {text:?} for option --wait: time: invalid duration {text:?}")))
            }
        },
    }
}

/// A Go duration: numbers with units `ns`, `us`, `ms`, `s`, `m`, `h`, or `0`.
fn go_duration(text: &str) -> Option<Duration> {
    if text == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = text;
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * seconds;
        rest = &rest[unit_end..];
    }
    Some(Duration::from_secs_f64(total))
}

/// What a command queued: its operation, its tasks by id, and why each receiver it could not
/// queue a task on was refused (Juju reports those and goes on with the others).
struct Queued {
    operation: u64,
    tasks: Vec<u64>,
    refused: Vec<String>,
}

/// Queues `action` on `units` (an `app/leader` being its leader), each a task of one operation.
fn queue_actions(
    state: &mut State,
    units: &[String],
    action: &str,
    params: &BTreeMap<String, Value>,
) -> Result<Queued, String> {
    let mut resolved = Vec::new();
    let mut refused = Vec::new();
    for unit in units {
        match action_receiver(state, unit, action) {
            Ok(name) => resolved.push(name),
            Err(why) => refused.push(why),
        }
    }
    let parameters = Value::Map(params.clone()).to_json();
    let operation = state.tasks.operation(action, parameters);
    let mut tasks = Vec::new();
    for unit in resolved {
        let id = state.sim.action(&unit, action, params.clone()).map_err(|e| e.to_string())?;
        state.record.action(&unit, action, params);
        let enqueued = SystemTime::now();
        let task = Task { unit, machine: None, enqueued, work: Work::Action { id, done: None } };
        tasks.push(state.tasks.add(operation, task));
    }
    Ok(Queued { operation, tasks, refused })
}

/// The unit `receiver` (`app/N`, or `app/leader`) names, if it can run `action`; else why not,
/// in the words of Juju's controller.
fn action_receiver(state: &State, receiver: &str, action: &str) -> Result<String, String> {
    let model = &state.sim.model;
    let name = match receiver.strip_suffix("/leader") {
        Some(app) => {
            let a = model.apps.get(app).ok_or_else(|| super::apps::app_not_found(app))?;
            a.leader.clone().ok_or_else(|| format!("could not determine leader for {app:?}"))?
        }
        None => receiver.to_string(),
    };
    let Some(unit) = model.units.get(&name) else {
        return Err(format!("unit {name:?} not found"));
    };
    let defined = model.apps.get(&unit.app).is_some_and(|a| a.formula.actions.action(action).is_some());
    if !defined {
        return Err(format!("action {action:?} not defined on unit {name:?}"));
    }
    Ok(name)
}

/// Waits for the tasks (unless `background`), then replies as Juju's run and exec do.
fn finish(handle: &Handle, queued: Queued, format: Format, background: bool, wait: Duration) -> Result<Reply, Reply> {
    let Queued { operation, tasks, refused } = queued;
    // As Juju's client: nothing queued is not an error (jubilant reads the empty output); some
    // receivers refused are said before the others' results.
    if tasks.is_empty() {
        let stderr = format!("Operation {operation} failed to schedule any tasks:\n{}\n", refused.join("\n"));
        return Ok(Reply { stderr, ..Reply::default() });
    }
    let refused = if refused.is_empty() {
        String::new()
    } else {
        format!("Some actions could not be scheduled:\n{}\n\n", refused.join("\n"))
    };
    let plural = if tasks.len() == 1 { "" } else { "s" };
    if background {
        let mut stderr = refused;
        if let [task] = tasks.as_slice() {
            stderr.push_str(&format!(
                "Scheduled operation {operation} with task {task}\nCheck operation status with 'juju show-operation {operation}'\nCheck task status with 'juju show-task {task}'\n"
            ));
        } else {
            stderr.push_str(&format!("Scheduled operation {operation} with {} tasks\n", tasks.len()));
            for task in &tasks {
                stderr.push_str(&format!("  - task {task}\n"));
            }
            stderr.push_str(&format!("Check operation status with 'juju show-operation {operation}'\n"));
            stderr.push_str("Check task status with 'juju show-task <id>'\n");
        }
        return Ok(Reply { stderr, ..Reply::default() });
    }
    let mut progress = format!("{refused}Running operation {operation} with {} task{plural}\n", tasks.len());
    let deadline = Instant::now() + wait;
    let ids = tasks.clone();
    let found = loop {
        let ids = ids.clone();
        let found: Vec<(u64, Task)> = handle
            .run(move |state: &mut State| {
                state.tasks.refresh(&state.sim);
                ids.iter().filter_map(|id| state.tasks.get(*id).map(|t| (*id, t.clone()))).collect()
            })
            .map_err(|e| Reply::error(format!("{e:#}")))?;
        // A task that finished after its wait was over (the model ran it while this command
        // waited for the model) did not finish in time, as Juju's client would have seen it.
        let in_time = |t: &Task| t.completed().is_some_and(|at| at <= t.enqueued + wait);
        if found.iter().all(|(_, t)| t.finished()) && found.iter().all(|(_, t)| in_time(t)) {
            break found;
        }
        if Instant::now() >= deadline || found.iter().all(|(_, t)| t.finished()) {
            let waiting: Vec<String> =
                found.iter().filter(|(_, t)| !in_time(t)).map(|(_, t)| format!("unit {}", t.unit)).collect();
            return Err(Reply::error(format!("timed out waiting for results from: {}", waiting.join(", "))));
        }
        std::thread::sleep(POLL);
    };
    for (id, task) in &found {
        progress.push_str(&format!("  - task {id} on {}\n", task.receiver_tag()));
    }
    progress.push('\n');
    for (id, _) in &found {
        progress.push_str(&format!("Waiting for task {id}...\n"));
    }
    let mut info = Map::new();
    let mut failed = Vec::new();
    for (id, task) in &found {
        info.insert(task.receiver(), task.report(*id));
        if task.code() >= 1 {
            failed.push(format!(" - id \"{id}\" with return code {}", task.code()));
        }
    }
    // Go writes the map of units sorted.
    let mut sorted: Vec<(String, Json)> = info.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let info = Json::Object(sorted.into_iter().collect());
    let stdout = match format {
        Format::Plain => plain(&info),
        other => output::structured(&info, other),
    };
    if failed.is_empty() {
        return Ok(Reply { stdout, stderr: progress, ..Reply::default() });
    }
    failed.sort();
    let plural = if failed.len() == 1 { "" } else { "s" };
    let message = format!(
        "ERROR the following task{plural} failed:\n{}\n\nuse 'juju show-task' to inspect the failure{plural}\n",
        failed.join("\n")
    );
    Ok(Reply { stdout, stderr: format!("{progress}{message}"), code: 1, then: None })
}

/// Juju's plain output: one task's results as YAML (its failure first), then its stdout and
/// stderr; several tasks as YAML by unit.
fn plain(info: &Json) -> String {
    let Some(tasks) = info.as_object() else { return String::new() };
    let mut shown = Map::new();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for (unit, task) in tasks {
        let mut results = task.get("results").and_then(Json::as_object).cloned().unwrap_or_default();
        if let Some(text) = results.get("stdout").and_then(Json::as_str) {
            stdout = text.to_string();
        }
        if let Some(text) = results.get("stderr").and_then(Json::as_str) {
            stderr = text.to_string();
        }
        for key in ["return-code", "stdout", "stderr", "stdout-encoding", "stderr-encoding"] {
            results.remove(key);
        }
        let output = if results.is_empty() { String::new() } else { output::yaml(&Json::Object(results)) };
        let mut entry = Map::new();
        entry.insert("id".into(), task.get("id").cloned().unwrap_or_default());
        if let Some(message) = task.get("message") {
            entry.insert("message".into(), message.clone());
        }
        entry.insert("output".into(), Json::String(output));
        entry.insert("status".into(), task.get("status").cloned().unwrap_or_default());
        shown.insert(unit.clone(), Json::Object(entry));
    }
    let mut out = String::new();
    if shown.len() > 1 {
        out = output::yaml(&Json::Object(shown));
    } else if let Some(task) = shown.values().next() {
        let text = |k: &str| task.get(k).and_then(Json::as_str).unwrap_or_default().to_string();
        if text("status") == "failed" {
            out.push_str(&format!("Action id {} failed: {}\n", text("id"), text("message")));
        }
        out.push_str(&format!("{}\n", text("output")));
    }
    for text in [stdout, stderr] {
        if !text.is_empty() {
            out.push_str(text.trim_matches('\n'));
            out.push('\n');
        }
    }
    out
}

/// `juju exec --unit U… | --application A… | --all -- COMMAND…`.
pub fn exec(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["format"]),
        value(&["output", "o"]),
        value(&["wait"]),
        value(&["unit", "u"]),
        value(&["application", "app"]),
        value(&["machine"]),
        switch(&["all"]),
        switch(&["background"]),
        switch(&["parallel"]),
        value(&["execution-group"]),
        switch(&["utc"]),
        switch(&["color"]),
        switch(&["no-color"]),
    ];
    let parsed = parse("exec", argv, &flags)?;
    let format = output::format(&parsed, FORMATS, Format::Plain)?;
    arity(&parsed, 1, usize::MAX, "commands")?;
    let list = |name: &str| -> Vec<String> {
        parsed.values(name).iter().flat_map(|v| v.split(',')).filter(|v| !v.is_empty()).map(str::to_string).collect()
    };
    let (units, apps, all) = (list("unit"), list("application"), parsed.switch("all"));
    let machines = list("machine");
    if units.is_empty() && apps.is_empty() && machines.is_empty() && !all {
        return Err(Reply::usage(
            "you must specify a target, either through --all, --machine, --application or --unit",
        ));
    }
    let command = parsed.args.join(" ");
    let wait = wait_flag(&parsed, DEFAULT_EXEC_WAIT)?;
    let handle = call.model(&parsed)?;
    let queued = handle
        .run(move |state: &mut State| exec_on(state, &Targets { units, apps, machines, all }, &command))
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    finish(&handle, queued, format, parsed.switch("background"), wait)
}

/// What `juju exec` runs on: units, applications' units, machines, or all units.
struct Targets {
    units: Vec<String>,
    apps: Vec<String>,
    machines: Vec<String>,
    all: bool,
}

/// Runs `command` on each unit named, of each application named, on each machine named (in
/// the hook context of its principal unit), or on every unit (`all`), one after another,
/// between two hooks.
fn exec_on(state: &mut State, on: &Targets, command: &str) -> Result<Queued, String> {
    let Targets { units, apps, machines, all } = on;
    let mut refused = Vec::new();
    let mut on_machines: Vec<(String, Option<String>)> = Vec::new();
    for machine in machines {
        match state.keeper.unit_on_machine(machine) {
            Some(unit) => on_machines.push((unit, Some(machine.clone()))),
            None => refused.push(format!("machine {machine} not found")),
        }
    }
    let model = &state.sim.model;
    let mut targets: Vec<String> = Vec::new();
    for unit in units {
        let name = match unit.strip_suffix("/leader") {
            Some(app) => match model.apps.get(app).and_then(|a| a.leader.clone()) {
                Some(leader) => leader,
                None => {
                    refused.push(super::apps::app_not_found(app));
                    continue;
                }
            },
            None => unit.clone(),
        };
        if model.units.contains_key(&name) {
            targets.push(name);
        } else {
            refused.push(format!("unit {name:?} not found"));
        }
    }
    for app in apps {
        if !model.apps.contains_key(app) {
            return Err(super::apps::app_not_found(app));
        }
        targets.extend(model.units.values().filter(|u| &u.app == app).map(|u| u.name.clone()));
    }
    if *all {
        targets.extend(model.units.keys().cloned());
    }
    targets.dedup();
    let mut targets: Vec<(String, Option<String>)> = targets.into_iter().map(|u| (u, None)).collect();
    targets.extend(on_machines);
    let operation = state.tasks.operation("juju-exec", serde_json::json!({ "command": command }));
    let mut tasks = Vec::new();
    for (unit, machine) in targets {
        let enqueued = SystemTime::now();
        let output = state.sim.exec(&unit, command).map_err(|e| e.to_string())?;
        state.record.exec(&unit, command);
        let completed = SystemTime::now();
        let task = Task { unit, machine, enqueued, work: Work::Exec { output, completed } };
        tasks.push(state.tasks.add(operation, task));
    }
    Ok(Queued { operation, tasks, refused })
}

/// `juju show-task ID`.
pub fn show_task(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format"]), value(&["output", "o"]), value(&["wait"]), switch(&["watch"]), switch(&["utc"])];
    let parsed = parse("show-task", argv, &flags)?;
    let format = output::format(&parsed, FORMATS, Format::Plain)?;
    arity(&parsed, 1, 1, "task ID")?;
    let given = parsed.args[0].clone();
    let id: u64 = given.parse().map_err(|_| Reply::error(format!("task {given:?} not found")))?;
    let handle = call.model(&parsed)?;
    let task = handle
        .run(move |state: &mut State| {
            state.tasks.refresh(&state.sim);
            state.tasks.get(id).cloned()
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .ok_or_else(|| Reply::error(format!("task {id} not found")))?;
    let report = task.report(id);
    Ok(Reply::out(match format {
        Format::Plain => {
            let info = Json::Object(Map::from_iter([(task.receiver(), report)]));
            plain(&info)
        }
        other => output::structured(&report, other),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("60s"), Some(Duration::from_secs(60)));
        assert_eq!(go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(go_duration("0"), Some(Duration::ZERO));
        assert_eq!(go_duration("10"), None);
        assert_eq!(go_duration("5d"), None);
    }

    #[test]
    fn run_arguments_split_into_units_action_and_params() {
        let args: Vec<String> = ["kv/0", "kv/1", "set", "key=a", "nested.deep=1"].map(String::from).to_vec();
        let (units, action, pairs) = split_run_args(&args).unwrap();
        assert_eq!(units, ["kv/0", "kv/1"]);
        assert_eq!(action, "set");
        let mut params = BTreeMap::new();
        for (keys, text) in pairs {
            insert_path(&mut params, &keys, yaml_value(&text));
        }
        assert_eq!(params["key"], Value::Str("a".into()));
        assert_eq!(params["nested"], Value::Map(BTreeMap::from([("deep".to_string(), Value::Int(1))])));
        let mixed: Vec<String> = ["kv/0", "db/0", "set"].map(String::from).to_vec();
        assert!(split_run_args(&mixed).is_err());
    }
}
