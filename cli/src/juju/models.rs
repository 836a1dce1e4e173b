//! The model commands: `version`, `add-model`, `destroy-model`, `models`, `show-model`,
//! `switch`, `model-config`.

use super::args::{switch as flag, value};
use super::output::{self, Format};
use super::{arity, model_not_found, parse, short_model_name, Call};
use crate::controller::daemon::CONTROLLER_NAME;
use crate::controller::model::{default_model_config, Handle};
use crate::controller::view::{View, JUJU_VERSION};
use crate::controller::wire::Reply;
use serde_json::{json, Map, Value as Json};
use simulator::clock::ConfigValue;
use simulator::model::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The cloud and region every model is on.
const CLOUD: &str = "localhost";
/// The whole version `juju version` prints.
fn full_version() -> String {
    format!("{JUJU_VERSION}-genericlinux-amd64")
}

/// `juju version`.
pub fn version(argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("version", argv, &[value(&["format", "o"]), flag(&["all"])])?;
    let format = output::format(&parsed, &[Format::Smart, Format::Json, Format::Yaml], Format::Smart)?;
    let version = full_version();
    if parsed.switch("all") {
        let all = json!({"version": version, "git-commit": "", "git-tree-state": "", "compiler": "gc", "official-build": false});
        return Ok(Reply::out(match format {
            Format::Json => output::json(&all),
            _ => output::yaml(&all),
        }));
    }
    Ok(Reply::out(match format {
        Format::Json => output::json(&json!(version)),
        _ => format!("{version}\n"),
    }))
}

/// Whether `name` is a model name Juju takes: lowercase letters, digits and hyphens, not
/// starting with a hyphen.
fn is_model_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `juju add-model NAME [CLOUD]`.
pub fn add_model(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        flag(&["no-switch"]),
        value(&["config"]),
        value(&["credential"]),
        value(&["controller", "c"]),
        value(&["owner"]),
        value(&["target-controller"]),
    ];
    let parsed = parse("add-model", argv, &flags)?;
    arity(&parsed, 1, 2, "model name")?;
    let name = parsed.args[0].clone();
    if !is_model_name(&name) {
        return Err(Reply::error(format!(
            "{name:?} is not a valid name: model names may only contain lowercase letters, digits and hyphens"
        )));
    }
    let mut settings = Vec::new();
    for item in parsed.values("config") {
        match item.split_once('=') {
            Some((k, v)) => settings.push((k.to_string(), v.to_string())),
            None => {
                return Err(Reply::error(format!(
                    "--config {item:?}: expected key=value (formula reads no config file here)"
                )))
            }
        }
    }
    let controller = call.controller;
    // Held while the model is made, so that two clients cannot make the same one.
    let mut models = controller.models.lock().map_err(|_| Reply::error("the controller's models are poisoned"))?;
    if models.contains_key(&name) {
        return Err(Reply::error(format!(
            "failed to create new model: model {name:?} for admin already exists (already exists)"
        )));
    }
    let handle = Handle::start(&name, controller.model_dir(&name), &controller.args, false)
        .map_err(|e| Reply::error(format!("failed to create new model: {e:#}")))?;
    let handle = Arc::new(handle);
    models.insert(name.clone(), handle.clone());
    drop(models);
    if !settings.is_empty() {
        handle
            .run(move |state| set_model_config(state, &settings))
            .map_err(|e| Reply::error(format!("{e:#}")))?
            .map_err(Reply::error)?;
    }
    if !parsed.switch("no-switch") {
        controller.set_current(Some(name.clone()));
    }
    Ok(Reply {
        stderr: format!(
            "Added '{name}' model on {CLOUD}/{CLOUD} with credential '{CONTROLLER_NAME}' for user 'admin'\n"
        ),
        ..Reply::default()
    })
}

/// `juju destroy-model NAME`.
pub fn destroy_model(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        flag(&["no-prompt", "y"]),
        flag(&["destroy-storage"]),
        flag(&["release-storage"]),
        flag(&["force"]),
        flag(&["no-wait"]),
        value(&["timeout", "t"]),
    ];
    let parsed = parse("destroy-model", argv, &flags)?;
    arity(&parsed, 1, 1, "model name")?;
    let name = short_model_name(&parsed.args[0]).to_string();
    let handle = call
        .controller
        .models
        .lock()
        .ok()
        .and_then(|mut models| models.remove(&name))
        .ok_or_else(|| Reply::error(model_not_found(&name)))?;
    if call.controller.current().as_deref() == Some(name.as_str()) {
        call.controller.set_current(None);
    }
    // Its units stop and go; the trace stays in the controller's directory, marked so that a
    // restarted controller does not bring the model back.
    handle.stop();
    let _ = std::fs::write(handle.dir.join(crate::controller::model::DESTROYED), "");
    Ok(Reply { stderr: "Destroying model\nModel destroyed.\n".into(), ..Reply::default() })
}

/// What `show-model` and `models` say of a model.
fn model_info(view: &View) -> Json {
    let machines: Map<String, Json> = view.machines.iter().map(|m| (m.id.clone(), json!({"cores": 0}))).collect();
    json!({
        "name": format!("admin/{}", view.name),
        "short-name": view.name,
        "model-uuid": view.uuid,
        "model-type": "iaas",
        "controller-uuid": controller_uuid(),
        "controller-name": CONTROLLER_NAME,
        "is-controller": false,
        "owner": "admin",
        "cloud": CLOUD,
        "region": CLOUD,
        "type": "formula",
        "life": "alive",
        "status": {"current": "available", "since": view.created},
        "users": {"admin": {"display-name": "admin", "access": "admin", "last-connection": "just now"}},
        "machines": machines,
        "agent-version": JUJU_VERSION,
        // Not Juju's: where the simulator keeps what it did.
        "formula": {"backend": view.backend, "seed": view.seed, "trace": view.trace.display().to_string(), "hooks": view.hooks},
    })
}

/// The controller's uuid: fixed, as a simulated controller has no other.
fn controller_uuid() -> &'static str {
    "00000000-0000-4000-8000-00000000f0a1"
}

/// `juju models`.
pub fn models(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse(
        "models",
        argv,
        &[value(&["format", "o"]), flag(&["all"]), value(&["user", "u"]), flag(&["uuid"]), flag(&["exact-time"])],
    )?;
    let format = output::format(&parsed, &[Format::Tabular, Format::Json, Format::Yaml], Format::Tabular)?;
    let current = call.controller.current();
    let views: Vec<View> =
        call.controller.model_names().iter().filter_map(|n| call.controller.model(n)).map(|h| h.view()).collect();
    if format != Format::Tabular {
        let mut out = json!({"models": views.iter().map(model_info).collect::<Vec<_>>()});
        if let Some(current) = &current {
            out["current-model"] = json!(current);
        }
        return Ok(Reply::out(output::structured(&out, format)));
    }
    let mut rows = vec![["Model", "Cloud/Region", "Type", "Status", "Machines", "Units", "Access", "Last connection"]
        .map(String::from)
        .to_vec()];
    for view in &views {
        let mark = if current.as_deref() == Some(view.name.as_str()) { "*" } else { "" };
        let units: usize =
            view.apps.values().map(|a| a.units.iter().map(|u| 1 + u.subordinates.len()).sum::<usize>()).sum();
        rows.push(vec![
            format!("{}{mark}", view.name),
            format!("{CLOUD}/{CLOUD}"),
            "formula".into(),
            "available".into(),
            view.machines.len().to_string(),
            units.to_string(),
            "admin".into(),
            "just now".into(),
        ]);
    }
    let mut out = format!("Controller: {CONTROLLER_NAME}\n\n");
    simulator::status::table(&mut out, &rows);
    Ok(Reply::out(out))
}

/// `juju show-model [NAME]`.
pub fn show_model(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("show-model", argv, &[value(&["format", "o"])])?;
    arity(&parsed, 0, 1, "model name")?;
    let format = output::format(&parsed, &[Format::Json, Format::Yaml], Format::Yaml)?;
    let handle = match parsed.args.first() {
        Some(name) => {
            let name = short_model_name(name);
            call.controller.model(name).ok_or_else(|| Reply::error(model_not_found(name)))?
        }
        None => call.model(&parsed)?,
    };
    let view = handle.view();
    let out = json!({ view.name.clone(): model_info(&view) });
    Ok(Reply::out(output::structured(&out, format)))
}

/// `juju switch [NAME]`.
pub fn switch(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("switch", argv, &[])?;
    arity(&parsed, 0, 1, "model name")?;
    let current = call.controller.current();
    let shown = |model: Option<&str>| match model {
        Some(m) => format!("{CONTROLLER_NAME}:admin/{m}"),
        None => format!("{CONTROLLER_NAME} (controller)"),
    };
    let Some(asked) = parsed.args.first() else {
        return Ok(Reply::out(format!("{}\n", shown(current.as_deref()))));
    };
    let name = short_model_name(asked).to_string();
    if call.controller.model(&name).is_none() {
        return Err(Reply::error(format!("{asked:?} is not the name of a model or controller")));
    }
    call.controller.set_current(Some(name.clone()));
    Ok(Reply { stderr: format!("{} -> {}\n", shown(current.as_deref()), shown(Some(&name))), ..Reply::default() })
}

/// Sets model-config keys: kept as given (a boolean as one), and those the simulator honours
/// applied to the model (spec §6.5).
fn set_model_config(state: &mut crate::controller::model::State, settings: &[(String, String)]) -> Result<(), String> {
    let mut honoured = Vec::new();
    for (key, text) in settings {
        let typed = match formula_sdk::go::strconv::parse_bool(text) {
            Ok(b) if matches!(default_model_config().get(key), Some(Value::Bool(_))) => ConfigValue::Bool(b),
            _ => ConfigValue::Text(text.clone()),
        };
        if simulator::clock::MODEL_CONFIG_KEYS.contains(&key.as_str()) {
            state.sim.model.model_config.set(key, &typed)?;
            honoured.push((key.clone(), typed.clone()));
        }
        let value = match typed {
            ConfigValue::Bool(b) => Value::Bool(b),
            ConfigValue::Text(t) => Value::Str(t),
        };
        state.model_config.insert(key.clone(), value);
    }
    state.record.model_config(&honoured);
    Ok(())
}

/// `juju model-config [KEY | KEY=VALUE…] [--reset K1,K2]`.
pub fn model_config(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format", "o"]), value(&["reset"]), value(&["file"]), flag(&["ignore-read-only-fields"])];
    let parsed = parse("model-config", argv, &flags)?;
    let handle = call.model(&parsed)?;
    let mut settings = Vec::new();
    let mut keys = Vec::new();
    for arg in &parsed.args {
        match arg.split_once('=') {
            Some((k, v)) => settings.push((k.to_string(), v.to_string())),
            None => keys.push(arg.clone()),
        }
    }
    let resets: Vec<String> =
        parsed.values("reset").iter().flat_map(|r| r.split(',')).filter(|k| !k.is_empty()).map(String::from).collect();
    if !settings.is_empty() || !resets.is_empty() {
        if !keys.is_empty() {
            return Err(Reply::usage("can only retrieve a single value, or all values"));
        }
        let defaults = default_model_config();
        let mut all: Vec<(String, String)> = Vec::new();
        for key in &resets {
            let default = defaults.get(key).map(|v| output::plain(Some(v))).unwrap_or_default();
            all.push((key.clone(), default));
        }
        all.extend(settings);
        handle
            .run(move |state| {
                set_model_config(state, &all)?;
                // A key with no default goes once reset.
                for key in &resets {
                    if !defaults.contains_key(key) {
                        state.model_config.remove(key);
                    }
                }
                Ok::<(), String>(())
            })
            .map_err(|e| Reply::error(format!("{e:#}")))?
            .map_err(Reply::error)?;
        return Ok(Reply::default());
    }
    let view = handle.view();
    if keys.len() > 1 {
        return Err(Reply::usage("can only retrieve a single value, or all values"));
    }
    if let Some(key) = keys.first() {
        let format = output::format(&parsed, &[Format::Smart, Format::Json, Format::Yaml], Format::Smart)?;
        let Some(found) = view.model_config.get(key) else {
            return Err(Reply::error(format!("key {key:?} not found in {:?} model.", view.name)));
        };
        return Ok(Reply::out(match format {
            Format::Smart => format!("{}\n", output::plain(Some(found))),
            other => output::structured(&found.to_json(), other),
        }));
    }
    let format = output::format(&parsed, &[Format::Tabular, Format::Json, Format::Yaml], Format::Tabular)?;
    let defaults = default_model_config();
    let source = |key: &str, value: &Value| if defaults.get(key) == Some(value) { "default" } else { "model" };
    let entries: BTreeMap<&String, (&Value, &str)> =
        view.model_config.iter().map(|(k, v)| (k, (v, source(k, v)))).collect();
    match format {
        Format::Tabular => {
            let mut rows = vec![vec!["Attribute".to_string(), "From".into(), "Value".into()]];
            for (key, (value, from)) in &entries {
                rows.push(vec![key.to_string(), from.to_string(), output::plain(Some(value))]);
            }
            let mut out = String::new();
            simulator::status::table(&mut out, &rows);
            Ok(Reply::out(out))
        }
        // Juju's JSON has Go's field names (no json tags); its YAML the lowercase tags.
        Format::Json => {
            let map: Map<String, Json> = entries
                .iter()
                .map(|(k, (v, from))| (k.to_string(), json!({"Value": v.to_json(), "Source": from})))
                .collect();
            Ok(Reply::out(output::json(&Json::Object(map))))
        }
        _ => {
            let map: Map<String, Json> = entries
                .iter()
                .map(|(k, (v, from))| (k.to_string(), json!({"value": v.to_json(), "source": from})))
                .collect();
            Ok(Reply::out(output::yaml(&Json::Object(map))))
        }
    }
}
