//! `juju deploy ./bundle.yaml`: a bundle of local charms, read as the simulator reads bundles
//! ([`simulator::scenario::load`]: charm paths relative to the bundle, `num_units`, `options`,
//! `series`/`base`, `relations`), plus each application's `trust`. Every application is
//! deployed as `juju deploy PATH` deploys one, then the relations are made; `--dry-run` says
//! what would be done and does nothing.

use super::apps::formula_dir;
use super::args::Parsed;
use super::Call;
use crate::controller::model::State;
use crate::controller::record::Deployed;
use crate::controller::wire::Reply;
use simulator::model::{Placement, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Whether `path` is a bundle file rather than a charm: a YAML file.
pub fn is_bundle(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// One application of the bundle, ready to deploy.
struct BundleApp {
    name: String,
    given: PathBuf,
    dir: PathBuf,
    units: u32,
    config: BTreeMap<String, Value>,
    series: Option<String>,
    trust: bool,
}

/// Deploys the bundle at `path` into the model `parsed` names.
pub fn deploy_bundle(call: &Call, parsed: &Parsed, path: &Path) -> Result<Reply, Reply> {
    let scenario = simulator::scenario::load(path).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Reply::error(format!("cannot deploy bundle: {}", lines.join("\n")))
    })?;
    let trusted = trusted_apps(&scenario.text);
    let handle = call.model(parsed)?;
    let mut apps = Vec::new();
    for spec in &scenario.applications {
        let name = spec.name.value.clone();
        let unpack_to = handle.dir.join("charms").join(&name);
        let given = spec.formula.canonicalize().unwrap_or_else(|_| spec.formula.clone());
        let dir = formula_dir(&spec.formula.to_string_lossy(), &given, &unpack_to)?;
        crate::build::ensure_built([dir.as_path()]).map_err(|e| Reply::error(format!("{e:#}")))?;
        let config = spec.config.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        let series = spec.series.clone().or_else(|| scenario.series.clone());
        let trust = trusted.contains(&name);
        apps.push(BundleApp { name, given, dir, units: spec.units, config, series, trust });
    }
    let relations: Vec<_> = scenario.relations.clone();
    let mut changes = Vec::new();
    for app in &apps {
        changes.push(format!("- upload charm {} for base {}", app.given.display(), base_text(&app.series)));
        let plural = if app.units == 1 { "" } else { "s" };
        changes.push(format!(
            "- deploy application {} with {} unit{plural} using {}",
            app.name,
            app.units,
            app.given.display()
        ));
        if app.trust {
            changes.push(format!("- set application options for {}", app.name));
        }
    }
    for (a, b) in &relations {
        changes.push(format!("- add relation {a} - {b}"));
    }
    if parsed.switch("dry-run") {
        return Ok(Reply::out(format!("Changes to deploy bundle:\n{}\n", changes.join("\n"))));
    }
    handle
        .run(move |state: &mut State| -> Result<(), String> {
            for app in &apps {
                if state.sim.model.apps.contains_key(&app.name) {
                    return Err(format!(
                        "cannot deploy bundle: cannot add application {:?}: application already exists",
                        app.name
                    ));
                }
            }
            for app in &apps {
                let formula = simulator::model::load_deployable(&app.dir).map_err(|e| e.to_string())?;
                let units = if formula.metadata.subordinate { 0 } else { app.units };
                let placement = Placement { host_network: false, series: app.series.clone() };
                state
                    .sim
                    .deploy(&app.name, &app.dir, units, app.config.clone(), placement)
                    .map_err(|e| format!("cannot deploy bundle: cannot add application {:?}: {e}", app.name))?;
                let extra = Deployed { base: app.series.clone(), trust: app.trust, ..Deployed::default() };
                state.record.deploy(&app.name, &app.dir, units, &app.config, &extra);
                if app.trust {
                    state.keeper.trusted.insert(app.name.clone());
                    if let Some(deployed) = state.sim.model.apps.get_mut(&app.name) {
                        deployed.trusted = true;
                    }
                }
            }
            for (a, b) in &relations {
                state
                    .sim
                    .relate(a, b)
                    .map_err(|e| format!("cannot deploy bundle: cannot add relation {a} {b}: {e}"))?;
                state.record.relation(true, a, b);
            }
            Ok(())
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    Ok(Reply {
        stderr: format!("Executing changes:\n{}\nDeploy of bundle completed.\n", changes.join("\n")),
        ..Reply::default()
    })
}

/// The applications whose `trust` is true in the bundle's text.
fn trusted_apps(text: &str) -> BTreeSet<String> {
    let Ok(root) = formula_sdk::yaml::parse(text) else { return BTreeSet::new() };
    let apps = root.get("applications").or_else(|| root.get("services"));
    apps.and_then(|a| a.map_entries())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, app)| app.get("trust").and_then(|t| t.as_bool()) == Some(true))
        .filter_map(|(k, _)| k.key_text())
        .collect()
}

/// A base as Juju's change list names it.
fn base_text(series: &Option<String>) -> String {
    match series.as_deref().and_then(simulator::base::Release::find) {
        Some(release) => format!("ubuntu@{}", release.version),
        None => "ubuntu@22.04".into(),
    }
}
