//! `juju config APP [KEY | KEY=VALUE…] [--reset K1,K2] [--file FILE]`: an application's
//! settings, in Juju's layout (`application`, `application-config` with `trust`, `charm`,
//! `settings` with each option's `default`, `description`, `source`, `type` and `value`).

use super::apps::{app_not_found, settings_file};
use super::args::value;
use super::output::{self, Format};
use super::{arity, parse, Call};
use crate::controller::view::{AppView, OptionView};
use crate::controller::wire::Reply;
use serde_json::{json, Map, Value as Json};
use simulator::model::Value;
use std::collections::BTreeMap;

/// The application-config key `juju config` sets beside the formula's options.
const TRUST: &str = "trust";

/// `juju config`.
pub fn config(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format", "o"]), value(&["reset"]), value(&["file"]), value(&["color"])];
    let parsed = parse("config", argv, &flags)?;
    arity(&parsed, 1, usize::MAX, "application name")?;
    let handle = call.model(&parsed)?;
    let app = parsed.args[0].clone();
    let view = handle.view();
    let Some(app_view) = view.apps.get(&app) else {
        return Err(Reply::error(app_not_found(&app)));
    };
    let mut sets: BTreeMap<String, Value> = BTreeMap::new();
    let mut gets = Vec::new();
    for arg in &parsed.args[1..] {
        match arg.split_once('=') {
            Some((k, v)) => {
                sets.insert(k.to_string(), Value::Str(v.to_string()));
            }
            None => gets.push(arg.clone()),
        }
    }
    if let Some(file) = parsed.value("file") {
        for (k, v) in settings_file(&call.path(file), &app)? {
            sets.entry(k).or_insert(v);
        }
    }
    for key in parsed.values("reset").iter().flat_map(|r| r.split(',')).filter(|k| !k.is_empty()) {
        sets.insert(key.to_string(), Value::Null);
    }
    if !sets.is_empty() {
        if !gets.is_empty() {
            return Err(Reply::usage("cannot get and set at the same time"));
        }
        return set(&handle, app_view, sets);
    }
    match gets.as_slice() {
        [] => {
            let format = output::format(&parsed, &[Format::Json, Format::Yaml], Format::Yaml)?;
            Ok(Reply::out(output::structured(&settings(app_view), format)))
        }
        [key] => {
            let format = output::format(&parsed, &[Format::Smart, Format::Json, Format::Yaml], Format::Smart)?;
            let value = if key == TRUST && !app_view.options.iter().any(|o| o.name == TRUST) {
                Some(Value::Bool(app_view.trust))
            } else {
                let option = app_view.options.iter().find(|o| &o.name == key).ok_or_else(|| {
                    Reply::error(format!("key {key:?} not found in {app:?} application config or charm settings."))
                })?;
                option.set.clone().or_else(|| option.default.clone())
            };
            Ok(Reply::out(match format {
                Format::Smart => format!("{}\n", output::plain(value.as_ref())),
                other => output::structured(&value.map_or(Json::Null, |v| v.to_json()), other),
            }))
        }
        _ => Err(Reply::usage("can only retrieve a single value, or all values")),
    }
}

/// `juju trust APP [--remove]`: the application's `trust`, as `juju config APP trust=…` sets it.
pub fn trust(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [super::args::switch(&["remove"]), value(&["scope"])];
    let parsed = parse("trust", argv, &flags)?;
    arity(&parsed, 1, 1, "application name")?;
    let handle = call.model(&parsed)?;
    let app = &parsed.args[0];
    let view = handle.view();
    let app_view = view.apps.get(app).ok_or_else(|| Reply::error(app_not_found(app)))?;
    let values = BTreeMap::from([(TRUST.to_string(), Value::Bool(!parsed.switch("remove")))]);
    set(&handle, app_view, values)
}

/// Sets (and, for `Null`, resets) `values` of `app`; `trust` is the application's own.
fn set(
    handle: &crate::controller::model::Handle,
    app: &AppView,
    mut values: BTreeMap<String, Value>,
) -> Result<Reply, Reply> {
    let has_trust_option = app.options.iter().any(|o| o.name == TRUST);
    let trust = if has_trust_option { None } else { values.remove(TRUST) };
    let trust = match trust {
        None => None,
        Some(Value::Null) => Some(false),
        Some(Value::Str(text)) => Some(
            formula_sdk::go::strconv::parse_bool(&text)
                .map_err(|_| Reply::error(format!("option \"trust\" expected boolean, got {text:?}")))?,
        ),
        Some(Value::Bool(b)) => Some(b),
        Some(other) => return Err(Reply::error(format!("option \"trust\" expected boolean, got {other:?}"))),
    };
    for key in values.keys() {
        if !app.options.iter().any(|o| &o.name == key) {
            return Err(Reply::error(format!("unknown option {key:?}")));
        }
    }
    let name = app.name.clone();
    handle
        .run(move |state| {
            if let Some(trust) = trust {
                if let Some(deployed) = state.sim.model.apps.get_mut(&name) {
                    deployed.trusted = trust;
                }
                if trust {
                    state.keeper.trusted.insert(name.clone());
                } else {
                    state.keeper.trusted.remove(&name);
                }
            }
            if values.is_empty() {
                return Ok::<(), String>(());
            }
            state.sim.config(&name, values.clone()).map_err(|e| e.to_string())?;
            state.record.config(&name, &values);
            Ok(())
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    Ok(Reply::default())
}

/// One setting as `juju config` shows it.
fn setting(option: &OptionView) -> Json {
    let mut out = Map::new();
    if let Some(default) = &option.default {
        out.insert("default".into(), default.to_json());
    }
    out.insert("description".into(), json!(option.description));
    let (source, value) = match (&option.set, &option.default) {
        (Some(set), _) => ("user", Some(set)),
        (None, Some(default)) => ("default", Some(default)),
        (None, None) => ("unset", None),
    };
    out.insert("source".into(), json!(source));
    out.insert("type".into(), json!(option.kind));
    if let Some(value) = value {
        out.insert("value".into(), value.to_json());
    }
    Json::Object(out)
}

/// All of `app`'s settings, as `juju config APP` prints them.
fn settings(app: &AppView) -> Json {
    let mut options: Vec<&OptionView> = app.options.iter().collect();
    options.sort_by(|a, b| a.name.cmp(&b.name));
    let settings: Map<String, Json> = options.into_iter().map(|o| (o.name.clone(), setting(o))).collect();
    json!({
        "application": app.name,
        "application-config": {
            "trust": {
                "default": false,
                "description": "Does this application have access to trusted credentials",
                "source": if app.trust { "user" } else { "default" },
                "type": "bool",
                "value": app.trust,
            }
        },
        "charm": app.charm,
        "settings": settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(name: &str, default: Option<Value>, set: Option<Value>) -> OptionView {
        OptionView { name: name.into(), kind: "int".into(), description: "d".into(), default, set }
    }

    #[test]
    fn each_setting_says_where_its_value_comes_from() {
        let app = AppView {
            name: "a".into(),
            charm: "c".into(),
            options: vec![
                option("port", Some(Value::Int(80)), Some(Value::Int(81))),
                option("memory", Some(Value::Int(64)), None),
                option("name", None, None),
            ],
            ..AppView::default()
        };
        let shown = settings(&app);
        assert_eq!(
            shown["settings"]["port"],
            json!({"default": 80, "description": "d", "source": "user", "type": "int", "value": 81})
        );
        assert_eq!(shown["settings"]["memory"]["source"], "default");
        assert_eq!(shown["settings"]["memory"]["value"], 64);
        // No default and not set: no value at all (jubilant leaves such keys out).
        assert_eq!(shown["settings"]["name"], json!({"description": "d", "source": "unset", "type": "int"}));
        // Sorted, as Go writes a map.
        let keys: Vec<&String> = shown["settings"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["memory", "name", "port"]);
    }
}
