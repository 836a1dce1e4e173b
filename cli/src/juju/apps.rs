//! Applications, units and relations: `deploy`, `add-unit`, `remove-unit`,
//! `remove-application`, `integrate` (`relate`), `remove-relation`.
//!
//! Each change is a job on the model's thread ([`crate::controller::model::Handle::run`]):
//! it checks what Juju checks, in Juju's words, changes the model through the simulator's
//! verbs, and returns; the model's hooks then run in the background.

use super::args::{switch as flag, value};
use super::{arity, parse, Call};
use crate::controller::model::{Handle, State};
use crate::controller::record::Deployed;
use crate::controller::wire::Reply;
use simulator::model::{Placement, Value};
use simulator::scenario::EndpointRef;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs `job` on the model's thread; its error is Juju's message.
pub(super) fn change<T: Send + 'static>(
    handle: &Handle,
    job: impl FnOnce(&mut State) -> Result<T, String> + Send + 'static,
) -> Result<T, Reply> {
    handle.run(job).map_err(|e| Reply::error(format!("{e:#}")))?.map_err(Reply::error)
}

/// Juju's message for an application that is not there.
pub fn app_not_found(app: &str) -> String {
    format!("application {app:?} not found (not found)")
}

/// A formula to deploy: a directory, a charmcraft project laid out as its charm in
/// `unpack_to`, or a `.charm` archive unpacked there.
pub(super) fn formula_dir(given: &str, path: &Path, unpack_to: &Path) -> Result<PathBuf, Reply> {
    if path.is_dir() && formula_sdk::charmcraft::is_project(path) {
        crate::pack::lay_out_project(path, unpack_to).map_err(|e| Reply::error(format!("{e:#}")))?;
        return Ok(unpack_to.to_path_buf());
    }
    if path.is_dir() {
        return Ok(path.to_path_buf());
    }
    if path.is_file() && path.extension().is_some_and(|e| e == "charm") {
        let _ = std::fs::remove_dir_all(unpack_to);
        formula_sdk::pack::unpack::unpack(path, unpack_to, &Default::default())
            .map_err(|e| Reply::error(format!("cannot read charm archive {}: {e:#}", path.display())))?;
        return Ok(unpack_to.to_path_buf());
    }
    Err(Reply::error(format!("no charm or bundle found at {given:?}")))
}

/// Reads `--config FILE`: a YAML map of application names to their settings, as `juju
/// deploy --config` and `juju config --file` take it; the settings of `app`.
pub fn settings_file(path: &Path, app: &str) -> Result<BTreeMap<String, Value>, Reply> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Reply::error(format!("cannot read {}: {e}", path.display())))?;
    let root = formula_sdk::yaml::parse(&text).map_err(|e| {
        let at = e.span.start;
        Reply::error(format!("{}:{}:{}: {}", path.display(), at.line, at.column, e.message))
    })?;
    let mut out = BTreeMap::new();
    let Some(section) = root.get(app) else {
        return Ok(out);
    };
    let Some(entries) = section.map_entries() else {
        let at = section.span.start;
        return Err(Reply::error(format!(
            "{}:{}:{}: the settings of {app:?} must be a map",
            path.display(),
            at.line,
            at.column
        )));
    };
    for (key, node) in entries {
        let Some(key) = key.key_text() else {
            continue;
        };
        out.insert(key, simulator::model::node_value(node));
    }
    Ok(out)
}

/// `juju deploy PATH [APP]`.
pub fn deploy(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["num-units", "n"]),
        value(&["config"]),
        flag(&["trust"]),
        value(&["base"]),
        value(&["series"]),
        value(&["channel"]),
        value(&["revision"]),
        value(&["constraints"]),
        value(&["to"]),
        value(&["bind"]),
        value(&["resource"]),
        value(&["storage"]),
        value(&["attach-storage"]),
        value(&["overlay"]),
        flag(&["force"]),
        flag(&["dry-run"]),
    ];
    let parsed = parse("deploy", argv, &flags)?;
    arity(&parsed, 1, 2, "charm name")?;
    let handle = call.model(&parsed)?;
    let given = &parsed.args[0];
    if !(given.starts_with('.') || given.starts_with('/')) {
        return Err(Reply::error(format!(
            "cannot deploy {given:?} from Charmhub: not simulated by formula (deploy a formula directory or .charm file, ./PATH)"
        )));
    }
    if super::bundle::is_bundle(&call.path(given)) {
        return super::bundle::deploy_bundle(call, &parsed, &call.path(given));
    }
    let units: u32 = match parsed.value("num-units") {
        Some(n) => n.parse().map_err(|_| Reply::usage(format!("invalid value {n:?} for option -n: invalid syntax")))?,
        None => 1,
    };
    let path = call.path(given);
    // Resolved once: the model's scenario names the formula as it was found.
    let path = path.canonicalize().unwrap_or(path);
    let unpack_to = handle.dir.join("charms").join(path.file_stem().unwrap_or_default());
    let dir = formula_dir(given, &path, &unpack_to)?;
    crate::build::ensure_built([dir.as_path()]).map_err(|e| Reply::error(format!("{e:#}")))?;
    let formula = simulator::model::load_deployable(&dir).map_err(Reply::error)?;
    let charm = formula.name();
    let app = parsed.args.get(1).cloned().unwrap_or_else(|| charm.clone());
    let mut config = BTreeMap::new();
    for item in parsed.values("config") {
        match item.split_once('=') {
            Some((k, v)) => {
                config.insert(k.to_string(), Value::Str(v.to_string()));
            }
            None => config.extend(settings_file(&call.path(item), &app)?),
        }
    }
    let series = parsed.value("base").or(parsed.value("series")).map(str::to_string);
    let trust = parsed.switch("trust");
    let resources = resource_files(call, &formula, parsed.values("resource"))?;
    let revision = formula.effective_revision().unwrap_or(0);
    let subordinate = formula.metadata.subordinate;
    let name = app.clone();
    let base = change(&handle, move |state| {
        if state.sim.model.apps.contains_key(&name) {
            return Err(format!("cannot add application {name:?}: application already exists"));
        }
        // A subordinate's units come with its container-scoped relations.
        let units = if subordinate { 0 } else { units };
        let placement = Placement { host_network: false, series: series.clone() };
        state
            .sim
            .deploy(&name, &dir, units, config.clone(), placement)
            .map_err(|e| format!("cannot add application {name:?}: {e}"))?;
        let resources = keep_resources(&state.record.resource_dir(&name), &resources)?;
        let extra = Deployed { base: series.clone(), trust, resources: resources.clone() };
        state.record.deploy(&name, &dir, units, &config, &extra);
        if trust {
            state.keeper.trusted.insert(name.clone());
        }
        if let Some(deployed) = state.sim.model.apps.get_mut(&name) {
            deployed.trusted = trust;
            deployed.resources = resources;
        }
        Ok(state.sim.model.apps.get(&name).map(|a| a.release.version.to_string()).unwrap_or_default())
    })?;
    Ok(Reply {
        stderr: format!(
            "Located local charm {charm:?}, revision {revision}\nDeploying {app:?} from local charm {charm:?}, revision {revision} on ubuntu@{base}/stable\n"
        ),
        ..Reply::default()
    })
}

/// The files of `--resource name=path` options, checked against the formula's resources.
fn resource_files(
    call: &Call,
    formula: &formula_sdk::format::Formula,
    given: &[String],
) -> Result<BTreeMap<String, std::path::PathBuf>, Reply> {
    let mut out = BTreeMap::new();
    for item in given {
        let Some((name, path)) = item.split_once('=') else {
            return Err(Reply::usage(format!("invalid value {item:?} for option --resource: expected name=value")));
        };
        if !formula.metadata.resource_names.iter().any(|r| r == name) {
            return Err(Reply::error(format!("invalid resource name {name:?}: not found in the charm's metadata")));
        }
        let file = call.path(path);
        if !file.is_file() {
            return Err(Reply::error(format!(
                "file for resource {name:?}: open {}: no such file or directory",
                file.display()
            )));
        }
        out.insert(name.to_string(), file);
    }
    Ok(out)
}

/// Copies an application's resource files into `dir` (one directory per resource, the file
/// keeping its name), so that the model and its replay keep them; the copies, by name.
fn keep_resources(dir: &Path, files: &BTreeMap<String, PathBuf>) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut kept = BTreeMap::new();
    for (name, file) in files {
        let into = dir.join(name);
        let copy = into.join(file.file_name().unwrap_or(std::ffi::OsStr::new(name)));
        std::fs::create_dir_all(&into)
            .and_then(|()| std::fs::copy(file, &copy))
            .map_err(|e| format!("cannot keep the file of resource {name:?} ({}): {e}", file.display()))?;
        kept.insert(name.clone(), copy);
    }
    Ok(kept)
}

/// `juju add-unit APP`.
pub fn add_unit(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["num-units", "n"]), value(&["to"]), value(&["attach-storage"])];
    let parsed = parse("add-unit", argv, &flags)?;
    arity(&parsed, 1, 1, "application name")?;
    let handle = call.model(&parsed)?;
    let count: u32 = match parsed.value("num-units") {
        Some(n) => n.parse().map_err(|_| Reply::usage(format!("invalid value {n:?} for option -n: invalid syntax")))?,
        None => 1,
    };
    let app = parsed.args[0].clone();
    change(&handle, move |state| {
        let Some(a) = state.sim.model.apps.get(&app) else {
            return Err(app_not_found(&app));
        };
        if a.subordinate {
            return Err(format!("cannot add unit to application {app:?}: application is subordinate"));
        }
        for _ in 0..count {
            state.sim.add_unit(&app).map_err(|e| e.to_string())?;
            // Each unit as it comes: a replay adds those that were added.
            state.record.add_unit(&app, 1);
        }
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju remove-unit UNIT…`.
pub fn remove_unit(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        flag(&["no-prompt"]),
        flag(&["force"]),
        flag(&["no-wait"]),
        flag(&["destroy-storage"]),
        value(&["num-units"]),
        flag(&["dry-run"]),
    ];
    let parsed = parse("remove-unit", argv, &flags)?;
    arity(&parsed, 1, usize::MAX, "units")?;
    let handle = call.model(&parsed)?;
    let units = parsed.args.clone();
    let said = change(&handle, move |state| {
        let mut said = String::new();
        for unit in &units {
            let Some(u) = state.sim.model.units.get(unit) else {
                return Err(format!("removing unit {unit} failed: unit {unit:?} not found"));
            };
            if u.principal.is_some() {
                return Err(format!("removing unit {unit} failed: unit {unit:?} is a subordinate"));
            }
            state.sim.remove_unit(unit).map_err(|e| format!("removing unit {unit} failed: {e}"))?;
            state.record.remove_unit(unit);
            said.push_str(&format!("will remove unit {unit}\n"));
        }
        Ok(said)
    })?;
    Ok(Reply { stderr: said, ..Reply::default() })
}

/// `juju remove-application APP…`.
pub fn remove_application(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags =
        [flag(&["no-prompt"]), flag(&["force"]), flag(&["no-wait"]), flag(&["destroy-storage"]), flag(&["dry-run"])];
    let parsed = parse("remove-application", argv, &flags)?;
    arity(&parsed, 1, usize::MAX, "application name")?;
    let handle = call.model(&parsed)?;
    let apps = parsed.args.clone();
    let said = change(&handle, move |state| {
        let mut said = String::new();
        for app in &apps {
            if !state.sim.model.apps.contains_key(app) {
                return Err(format!("removing application {app} failed: application {app:?} not found"));
            }
            let units: Vec<String> = state.sim.model.units_of(app).iter().map(|u| u.name.clone()).collect();
            state.sim.remove_application(app).map_err(|e| format!("removing application {app} failed: {e}"))?;
            state.record.remove_application(app);
            said.push_str(&format!("will remove application {app}\n"));
            for unit in units {
                said.push_str(&format!("- will remove unit {unit}\n"));
            }
        }
        Ok(said)
    })?;
    Ok(Reply { stderr: said, ..Reply::default() })
}

/// `app` or `app:endpoint`.
fn endpoint(text: &str) -> EndpointRef {
    let (app, endpoint) = match text.split_once(':') {
        Some((app, endpoint)) => (app.to_string(), Some(endpoint.to_string())),
        None => (text.to_string(), None),
    };
    EndpointRef { app, endpoint, span: Default::default() }
}

/// `juju integrate A B` (`relate`).
pub fn integrate(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("integrate", argv, &[value(&["via"])])?;
    arity(&parsed, 2, 2, "relation endpoints")?;
    let handle = call.model(&parsed)?;
    let (a, b) = (endpoint(&parsed.args[0]), endpoint(&parsed.args[1]));
    change(&handle, move |state| {
        for end in [&a, &b] {
            if !state.sim.model.apps.contains_key(&end.app) {
                return Err(app_not_found(&end.app));
            }
        }
        state.sim.relate(&a, &b).map_err(|e| {
            let text = e.to_string();
            if text.contains("already exists") {
                let key = text.split('`').nth(1).unwrap_or_default().to_string();
                format!("cannot add relation {key:?}: relation {key} already exists (already exists)")
            } else if text.starts_with("no relation between") {
                "no relations found".to_string()
            } else {
                text
            }
        })?;
        state.record.relation(true, &a, &b);
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju remove-relation A B`, or `juju remove-relation ID`.
pub fn remove_relation(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("remove-relation", argv, &[flag(&["force"])])?;
    arity(&parsed, 1, 2, "relation endpoints")?;
    let handle = call.model(&parsed)?;
    let args = parsed.args.clone();
    change(&handle, move |state| {
        let (a, b) = match args.as_slice() {
            [id] => {
                let found = id.parse::<i64>().ok().and_then(|id| state.sim.model.relations.get(&id));
                let Some(relation) = found.filter(|r| !r.is_peer()) else {
                    return Err(format!("relation {id} not found (not found)"));
                };
                let end = |e: &simulator::model::RelationEnd| EndpointRef {
                    app: e.app.clone(),
                    endpoint: Some(e.endpoint.clone()),
                    span: Default::default(),
                };
                (end(&relation.ends[0]), end(&relation.ends[1]))
            }
            [a, b] => (endpoint(a), endpoint(b)),
            _ => return Err("no relation endpoints specified".into()),
        };
        for end in [&a, &b] {
            if !state.sim.model.apps.contains_key(&end.app) {
                return Err(app_not_found(&end.app));
            }
        }
        // Juju removes the relation that exists between them: endpoints left out are those.
        let (a, b) = existing_relation(&state.sim.model, &a, &b).unwrap_or((a, b));
        state.sim.unrelate(&a, &b).map_err(|e| {
            let text = e.to_string();
            if text.starts_with("there is no relation") {
                format!("relation \"{a} {b}\" not found (not found)")
            } else {
                text
            }
        })?;
        state.record.relation(false, &a, &b);
        Ok(())
    })?;
    Ok(Reply::default())
}

/// The ends of the one live relation between `a` and `b` (endpoints, where given, must
/// match), if exactly one is there.
fn existing_relation(
    model: &simulator::model::Model,
    a: &EndpointRef,
    b: &EndpointRef,
) -> Option<(EndpointRef, EndpointRef)> {
    let fits = |want: &EndpointRef, end: &simulator::model::RelationEnd| {
        want.app == end.app && want.endpoint.as_ref().is_none_or(|e| *e == end.endpoint)
    };
    let found: Vec<_> = model
        .relations
        .values()
        .filter(|r| r.life == simulator::model::Life::Alive && !r.is_peer())
        .filter_map(|r| {
            let (x, y) = (&r.ends[0], &r.ends[1]);
            if fits(a, x) && fits(b, y) {
                Some((x, y))
            } else if fits(a, y) && fits(b, x) {
                Some((y, x))
            } else {
                None
            }
        })
        .collect();
    let [(x, y)] = found.as_slice() else {
        return None;
    };
    let named = |e: &simulator::model::RelationEnd| EndpointRef {
        app: e.app.clone(),
        endpoint: Some(e.endpoint.clone()),
        span: Default::default(),
    };
    Some((named(x), named(y)))
}

/// `juju resolve UNIT…` (`resolved`): the failed hook runs again, or with `--no-retry` is
/// taken as done.
pub fn resolve(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("resolve", argv, &[flag(&["no-retry"]), flag(&["all"])])?;
    let handle = call.model(&parsed)?;
    let retry = !parsed.switch("no-retry");
    let (units, all) = (parsed.args.clone(), parsed.switch("all"));
    if units.is_empty() && !all {
        return Err(Reply::usage("no unit specified"));
    }
    change(&handle, move |state| {
        let units = if all {
            state.sim.agents.iter().filter(|(_, a)| a.error.is_some()).map(|(u, _)| u.clone()).collect()
        } else {
            units
        };
        for unit in &units {
            let Some(agent) = state.sim.agents.get(unit) else {
                return Err(format!("unit {unit:?} not found (not found)"));
            };
            if agent.error.is_none() {
                return Err(format!("unit {unit:?} is not in an error state"));
            }
            state.sim.resolve(unit, retry).map_err(|e| e.to_string())?;
            state.record.resolve(unit, retry);
        }
        Ok(())
    })?;
    Ok(Reply::default())
}

/// `juju refresh APP --path PATH`: the application's units run upgrade-charm with the formula
/// at PATH (a directory, a charmcraft project or a `.charm`).
pub fn refresh(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["path"]),
        value(&["channel"]),
        value(&["revision"]),
        value(&["switch"]),
        value(&["base"]),
        value(&["resource"]),
        value(&["config"]),
        flag(&["force"]),
        flag(&["force-units"]),
        flag(&["force-base"]),
        flag(&["trust"]),
    ];
    let parsed = parse("refresh", argv, &flags)?;
    arity(&parsed, 1, 1, "application name")?;
    let handle = call.model(&parsed)?;
    let Some(given) = parsed.value("path") else {
        return Err(Reply::error("refreshing from Charmhub is not simulated by formula (give --path)"));
    };
    let app = parsed.args[0].clone();
    let path = call.path(given);
    let path = path.canonicalize().unwrap_or(path);
    // Each refresh unpacks beside the others: units of a dying revision may still read theirs.
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    let unpack_to = handle.dir.join("charms").join(format!("{stem}-refresh-{stamp}"));
    let dir = formula_dir(given, &path, &unpack_to)?;
    crate::build::ensure_built([dir.as_path()]).map_err(|e| Reply::error(format!("{e:#}")))?;
    let formula = simulator::model::load_deployable(&dir).map_err(Reply::error)?;
    let (charm, revision) = (formula.name(), formula.effective_revision().unwrap_or(0));
    change(&handle, move |state| {
        if !state.sim.model.apps.contains_key(&app) {
            return Err(app_not_found(&app));
        }
        state.sim.upgrade(&app, &dir).map_err(|e| e.to_string())?;
        state.record.upgrade(&app, &dir);
        Ok(())
    })?;
    Ok(Reply {
        stderr: format!("Added local charm {charm:?}, revision {revision}, to the model\n"),
        ..Reply::default()
    })
}
