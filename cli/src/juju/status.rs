//! `juju status` (the table, and the JSON and YAML layout of Juju 3.6 that jubilant's
//! `Status` reads) and `juju show-unit`.

use super::args::{switch as flag, value};
use super::output::{self, Format};
use super::{parse, Call};
use crate::controller::daemon::CONTROLLER_NAME;
use crate::controller::since;
use crate::controller::view::{AppView, StatusView, UnitView, View, JUJU_VERSION};
use crate::controller::wire::Reply;
use serde_json::{json, Map, Value as Json};
use std::time::SystemTime;

/// The cloud and region every model is on.
const CLOUD: &str = "localhost";

/// `juju status [SELECTOR…]`.
pub fn status(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [
        value(&["format", "o"]),
        flag(&["relations"]),
        flag(&["integrations"]),
        flag(&["color"]),
        flag(&["no-color"]),
        flag(&["storage"]),
        flag(&["utc"]),
        value(&["watch"]),
    ];
    let parsed = parse("status", argv, &flags)?;
    if parsed.value("watch").is_some() {
        return Err(Reply::error("status --watch is not simulated by formula (poll `juju status` instead)"));
    }
    let format = output::format(&parsed, &[Format::Tabular, Format::Json, Format::Yaml], Format::Tabular)?;
    let handle = call.model(&parsed)?;
    let mut view = handle.view();
    select(&mut view, &parsed.args);
    let now = SystemTime::now();
    Ok(Reply::out(match format {
        Format::Tabular => table(&view, now, parsed.switch("relations") || parsed.switch("integrations")),
        other => output::structured(&status_json(&view, now), other),
    }))
}

/// Keeps in `view` the applications `selectors` name (an application, a unit, `app/*`);
/// none keeps all.
fn select(view: &mut View, selectors: &[String]) {
    if selectors.is_empty() {
        return;
    }
    let wanted = |app: &AppView| {
        selectors.iter().any(|s| {
            let s = s.trim_end_matches("/*");
            s == app.name || s.split('/').next() == Some(app.name.as_str())
        })
    };
    view.apps.retain(|_, app| wanted(app));
    for app in view.apps.values_mut() {
        let names: Vec<&String> = selectors.iter().filter(|s| s.contains('/') && !s.ends_with("/*")).collect();
        if names.iter().any(|n| n.starts_with(&format!("{}/", app.name))) {
            app.units.retain(|u| names.contains(&&u.name));
        }
    }
    // The machines of the units left, as Juju's filter keeps them.
    let machines: Vec<String> = view.apps.values().flat_map(|a| &a.units).map(|u| u.machine.clone()).collect();
    view.machines.retain(|m| machines.contains(&m.id));
}

/// A status as Juju's JSON has it (`message` only when there is one; `version` for agents).
fn status_info(status: &StatusView, version: Option<&str>) -> Json {
    let mut out = Map::new();
    out.insert("current".into(), json!(status.current));
    if !status.message.is_empty() {
        out.insert("message".into(), json!(status.message));
    }
    out.insert("since".into(), json!(status.since));
    if let Some(version) = version {
        out.insert("version".into(), json!(version));
    }
    Json::Object(out)
}

/// A unit as Juju's JSON has it.
fn unit_json(unit: &UnitView) -> Json {
    let mut out = Map::new();
    out.insert("workload-status".into(), status_info(&unit.workload, None));
    out.insert("juju-status".into(), status_info(&unit.agent, Some(JUJU_VERSION)));
    if unit.leader {
        out.insert("leader".into(), json!(true));
    }
    if !unit.machine.is_empty() {
        out.insert("machine".into(), json!(unit.machine));
    }
    if !unit.ports.is_empty() {
        out.insert("open-ports".into(), json!(unit.ports));
    }
    out.insert("public-address".into(), json!(unit.address));
    if !unit.subordinates.is_empty() {
        let mut subs: Vec<&UnitView> = unit.subordinates.iter().collect();
        subs.sort_by(|a, b| a.name.cmp(&b.name));
        let map: Map<String, Json> = subs.into_iter().map(|s| (s.name.clone(), unit_json(s))).collect();
        out.insert("subordinates".into(), Json::Object(map));
    }
    Json::Object(out)
}

/// An application as Juju's JSON has it.
fn app_json(app: &AppView) -> Json {
    let mut out = Map::new();
    out.insert("charm".into(), json!(format!("local:{}-{}", app.charm, app.revision)));
    out.insert("base".into(), json!({"name": "ubuntu", "channel": app.base_channel}));
    out.insert("charm-origin".into(), json!("local"));
    out.insert("charm-name".into(), json!(app.charm));
    out.insert("charm-rev".into(), json!(app.revision));
    out.insert("exposed".into(), json!(false));
    out.insert("application-status".into(), status_info(&app.status, None));
    if !app.relations.is_empty() {
        let relations: Map<String, Json> = app
            .relations
            .iter()
            .map(|(endpoint, related)| {
                let list: Vec<Json> = related
                    .iter()
                    .map(|r| json!({"related-application": r.app, "interface": r.interface, "scope": r.scope}))
                    .collect();
                (endpoint.clone(), Json::Array(list))
            })
            .collect();
        out.insert("relations".into(), Json::Object(relations));
    }
    if !app.subordinate_to.is_empty() {
        out.insert("subordinate-to".into(), json!(app.subordinate_to));
    }
    if !app.units.is_empty() {
        let mut units: Vec<&UnitView> = app.units.iter().collect();
        // Go sorts a map's keys as strings.
        units.sort_by(|a, b| a.name.cmp(&b.name));
        let map: Map<String, Json> = units.into_iter().map(|u| (u.name.clone(), unit_json(u))).collect();
        out.insert("units".into(), Json::Object(map));
    }
    if !app.version.is_empty() {
        out.insert("version".into(), json!(app.version));
    }
    Json::Object(out)
}

/// `juju status --format json` of `view` at `now`.
pub fn status_json(view: &View, now: SystemTime) -> Json {
    let short_uuid: String = view.uuid.chars().filter(|c| c.is_ascii_hexdigit()).take(6).collect();
    let mut machines: Vec<_> = view.machines.iter().collect();
    machines.sort_by(|a, b| a.id.cmp(&b.id));
    let machines: Map<String, Json> = machines
        .into_iter()
        .map(|m| {
            let host = format!("juju-{short_uuid}-{}", m.id);
            let machine = json!({
                "juju-status": {"current": "started", "since": m.since, "version": JUJU_VERSION},
                "hostname": host,
                "dns-name": m.address,
                "ip-addresses": [m.address],
                "instance-id": host,
                "machine-status": {"current": "running", "message": "Running", "since": m.since},
                "modification-status": {"current": "applied", "since": m.since},
                "base": {"name": "ubuntu", "channel": m.base_channel},
            });
            (m.id.clone(), machine)
        })
        .collect();
    let apps: Map<String, Json> = view.apps.iter().map(|(name, app)| (name.clone(), app_json(app))).collect();
    json!({
        "model": {
            "name": view.name,
            "type": "iaas",
            "controller": CONTROLLER_NAME,
            "cloud": CLOUD,
            "region": CLOUD,
            "version": JUJU_VERSION,
            "model-status": {"current": "available", "since": view.created},
            "sla": "unsupported",
        },
        "machines": machines,
        "applications": apps,
        "storage": {},
        "controller": {"timestamp": since::time_of_day(now)},
    })
}

/// The status table, as `juju status` prints it (with `--relations`: the integrations).
fn table(view: &View, now: SystemTime, relations: bool) -> String {
    let mut out = String::new();
    let rows = |header: &[&str]| vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    let mut model = rows(&["Model", "Controller", "Cloud/Region", "Version", "SLA", "Timestamp"]);
    model.push(vec![
        view.name.clone(),
        CONTROLLER_NAME.into(),
        format!("{CLOUD}/{CLOUD}"),
        JUJU_VERSION.into(),
        "unsupported".into(),
        since::time_of_day(now),
    ]);
    simulator::status::table(&mut out, &model);
    if view.apps.is_empty() {
        out.push_str(&format!("\nModel \"admin/{}\" is empty.\n", view.name));
        return out;
    }
    let mut apps = rows(&["App", "Version", "Status", "Scale", "Charm", "Channel", "Rev", "Exposed", "Message"]);
    for app in view.apps.values() {
        let scale = if app.subordinate {
            view.apps
                .values()
                .flat_map(|a| &a.units)
                .flat_map(|u| &u.subordinates)
                .filter(|s| s.name.starts_with(&format!("{}/", app.name)))
                .count()
        } else {
            app.units.len()
        };
        apps.push(vec![
            app.name.clone(),
            app.version.clone(),
            app.status.current.clone(),
            scale.to_string(),
            app.charm.clone(),
            String::new(),
            app.revision.to_string(),
            "no".into(),
            app.status.message.clone(),
        ]);
    }
    out.push('\n');
    simulator::status::table(&mut out, &apps);
    let mut units = rows(&["Unit", "Workload", "Agent", "Machine", "Public address", "Ports", "Message"]);
    for app in view.apps.values() {
        for unit in &app.units {
            units.push(unit_row(unit, ""));
            for sub in &unit.subordinates {
                units.push(unit_row(sub, "  "));
            }
        }
    }
    if units.len() > 1 {
        out.push('\n');
        simulator::status::table(&mut out, &units);
    }
    if !view.machines.is_empty() {
        let short_uuid: String = view.uuid.chars().filter(|c| c.is_ascii_hexdigit()).take(6).collect();
        let mut machines = rows(&["Machine", "State", "Address", "Inst id", "Base", "AZ", "Message"]);
        for m in &view.machines {
            machines.push(vec![
                m.id.clone(),
                "started".into(),
                m.address.clone(),
                format!("juju-{short_uuid}-{}", m.id),
                format!("ubuntu@{}", m.base_channel),
                String::new(),
                "Running".into(),
            ]);
        }
        out.push('\n');
        simulator::status::table(&mut out, &machines);
    }
    if relations && !view.relations.is_empty() {
        let mut rels = rows(&["Integration provider", "Requirer", "Interface", "Type", "Message"]);
        for r in &view.relations {
            let message = if r.dying { "leaving" } else { "" };
            rels.push(vec![
                r.provider.clone(),
                r.requirer.clone(),
                r.interface.clone(),
                r.kind.clone(),
                message.into(),
            ]);
        }
        out.push('\n');
        simulator::status::table(&mut out, &rels);
    }
    out
}

/// A unit's row in the table, indented by `indent` (subordinates).
fn unit_row(unit: &UnitView, indent: &str) -> Vec<String> {
    vec![
        format!("{indent}{}{}", unit.name, if unit.leader { "*" } else { "" }),
        unit.workload.current.clone(),
        unit.agent.current.clone(),
        unit.machine.clone(),
        unit.address.clone(),
        unit.ports.join(","),
        unit.workload.message.clone(),
    ]
}

/// `juju show-unit UNIT…`: each unit, its relations and the data its related units publish.
pub fn show_unit(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let flags = [value(&["format", "o"]), value(&["endpoint"]), value(&["related-unit"]), flag(&["app"])];
    let parsed = parse("show-unit", argv, &flags)?;
    super::arity(&parsed, 1, usize::MAX, "unit name")?;
    let format = output::format(&parsed, &[Format::Json, Format::Yaml], Format::Yaml)?;
    let handle = call.model(&parsed)?;
    let units = parsed.args.clone();
    let view = handle.view();
    let shown = handle
        .run(move |state| {
            let model = &state.sim.model;
            let mut out = Map::new();
            for name in &units {
                let Some(unit) = model.units.get(name) else {
                    return Err(format!("unit {name:?} not found (not found)"));
                };
                let app = model.apps.get(&unit.app);
                let mut info = Map::new();
                info.insert("workload-version".into(), json!(unit.workload_version.version));
                if let Some((_, u)) = view.unit(name) {
                    if !u.machine.is_empty() {
                        info.insert("machine".into(), json!(u.machine));
                    }
                }
                let ports: Vec<String> = unit.ports.iter().map(|p| p.range.to_string()).collect();
                info.insert("opened-ports".into(), json!(ports));
                info.insert("public-address".into(), json!(unit.address));
                if let Some(app) = app {
                    let revision = app.formula.effective_revision().unwrap_or(0);
                    info.insert("charm".into(), json!(format!("local:{}-{revision}", app.formula.name())));
                    info.insert("leader".into(), json!(app.leader.as_deref() == Some(name.as_str())));
                }
                info.insert(
                    "life".into(),
                    json!(if unit.life == simulator::model::Life::Alive { "alive" } else { "dying" }),
                );
                let mut relations = Vec::new();
                for relation in model.relations_of(&unit.app) {
                    let Some(own) = relation.end_of(&unit.app) else {
                        continue;
                    };
                    let other = relation.ends.iter().find(|e| e.app != unit.app).unwrap_or(own);
                    let mut related = Map::new();
                    for member in
                        relation.scope.iter().filter(|m| *m != name && m.split('/').next() == Some(other.app.as_str()))
                    {
                        let data = relation.unit_bags.get(member).map(|b| json!(b.data)).unwrap_or_else(|| json!({}));
                        related.insert(member.clone(), json!({"in-scope": true, "data": data}));
                    }
                    let app_data =
                        relation.app_bags.get(&other.app).map(|b| json!(b.data)).unwrap_or_else(|| json!({}));
                    relations.push(json!({
                        "relation-id": relation.id,
                        "endpoint": own.endpoint,
                        "related-endpoint": other.endpoint,
                        "application-data": app_data,
                        "related-units": related,
                    }));
                }
                info.insert("relation-info".into(), Json::Array(relations));
                out.insert(name.clone(), Json::Object(info));
            }
            Ok(Json::Object(out))
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)?;
    Ok(Reply::out(output::structured(&shown, format)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controller::view::MachineView;

    fn unit(name: &str, message: &str, leader: bool, machine: &str) -> UnitView {
        let status = |current: &str, message: &str| StatusView {
            current: current.into(),
            message: message.into(),
            since: "t".into(),
        };
        UnitView {
            name: name.into(),
            workload: status("active", message),
            agent: status("idle", ""),
            leader,
            address: "10.0.0.1".into(),
            machine: machine.into(),
            ..UnitView::default()
        }
    }

    #[test]
    fn the_json_is_laid_out_as_juju_writes_it() {
        let app = AppView {
            name: "a".into(),
            charm: "a".into(),
            units: vec![unit("a/2", "", true, "2"), unit("a/10", "ready", false, "10")],
            ..AppView::default()
        };
        let machine = |id: &str| MachineView {
            id: id.into(),
            address: "10.0.0.1".into(),
            base_channel: "22.04".into(),
            since: "t".into(),
        };
        let view = View {
            name: "m".into(),
            apps: [("a".to_string(), app)].into(),
            machines: vec![machine("2"), machine("10")],
            ..View::default()
        };
        let json = status_json(&view, SystemTime::UNIX_EPOCH);
        // Go orders a map's keys as strings.
        let units: Vec<&String> = json["applications"]["a"]["units"].as_object().unwrap().keys().collect();
        assert_eq!(units, ["a/10", "a/2"]);
        let machines: Vec<&String> = json["machines"].as_object().unwrap().keys().collect();
        assert_eq!(machines, ["10", "2"]);
        // Empty fields are left out; the agent's status carries its version.
        let quiet = &json["applications"]["a"]["units"]["a/2"];
        assert_eq!(quiet["workload-status"], json!({"current": "active", "since": "t"}));
        assert_eq!(quiet["juju-status"], json!({"current": "idle", "since": "t", "version": JUJU_VERSION}));
        assert_eq!(quiet["leader"], true);
        assert!(json["applications"]["a"]["units"]["a/10"].get("leader").is_none());
        assert!(json["applications"]["a"].get("relations").is_none());
        // What jubilant's `Status` requires of an application.
        for key in ["charm", "charm-origin", "charm-name", "charm-rev", "exposed"] {
            assert!(json["applications"]["a"].get(key).is_some(), "{key}");
        }
        assert_eq!(json["controller"]["timestamp"], "00:00:00Z");
    }
}
