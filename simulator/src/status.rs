//! A table like `juju status`: applications, units, relations.

use crate::model::{sort_units, Model};
use crate::uniter::Agent;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Renders the status of a run: the model, where its units live and the seed, then the
/// status of its model.
pub fn render_run(sim: &crate::sim::Sim) -> String {
    let mut out = String::new();
    let seed = sim.seed().to_string();
    table(
        &mut out,
        &[
            vec!["Model".into(), "Backend".into(), "Seed".into()],
            vec![sim.model.name.clone(), sim.backend_name().into(), seed],
        ],
    );
    out.push('\n');
    out.push_str(&render(&sim.model, &sim.agents));
    out
}

/// Renders the status of `model`; `errors` gives the agent message of units in error.
pub fn render(model: &Model, agents: &BTreeMap<String, Agent>) -> String {
    let mut out = String::new();
    let mut apps = vec![vec![
        "App".to_string(),
        "Version".into(),
        "Status".into(),
        "Units".into(),
        "Formula".into(),
        "Rev".into(),
    ]];
    for app in model.apps.values() {
        let units = model.units_of(&app.name);
        let shown: Vec<String> = units
            .iter()
            .filter_map(|u| crate::uniter::status::shown(model, agents, &u.name))
            .map(|info| info.status)
            .collect();
        let status = app_status(app, &shown);
        let rev = app.formula.effective_revision().map(|r| r.to_string()).unwrap_or_else(|| "-".into());
        apps.push(vec![
            app.name.clone(),
            model.app_workload_version(&app.name),
            status,
            units.len().to_string(),
            app.formula.name(),
            rev,
        ]);
    }
    table(&mut out, &apps);
    out.push('\n');
    let mut rows = vec![vec![
        "Unit".to_string(),
        "Workload".into(),
        "Agent".into(),
        "Address".into(),
        "Ports".into(),
        "Message".into(),
    ]];
    // Principal units, each followed by its subordinates, indented, as `juju status` shows them.
    let mut principals: Vec<String> =
        model.units.values().filter(|u| u.principal.is_none()).map(|u| u.name.clone()).collect();
    sort_units(&mut principals);
    let names = principals.into_iter().flat_map(|p| {
        let subs = model.subordinates_of(&p);
        std::iter::once((p, false)).chain(subs.into_iter().map(|s| (s, true)))
    });
    for (name, indented) in names.collect::<Vec<_>>() {
        let Some(u) = model.units.get(&name) else {
            continue;
        };
        let leader = model.apps.get(&u.app).and_then(|a| a.leader.as_deref()) == Some(name.as_str());
        let agent_state = agent_status(agents.get(&name));
        let ports: Vec<String> = u.ports.iter().map(|p| p.range.to_string()).collect();
        let shown = crate::uniter::status::shown(model, agents, &name).unwrap_or_default();
        rows.push(vec![
            format!("{}{name}{}", if indented { "  " } else { "" }, if leader { "*" } else { "" }),
            shown.status,
            agent_state.to_string(),
            u.address.clone(),
            ports.join(","),
            shown.message,
        ]);
    }
    table(&mut out, &rows);
    if !model.relations.is_empty() {
        out.push('\n');
        let mut rels =
            vec![vec!["Relation provider".to_string(), "Requirer".into(), "Interface".into(), "Type".into()]];
        for r in model.relations.values() {
            let (provider, requirer, kind) = if r.is_peer() {
                let e = &r.ends[0];
                (format!("{}:{}", e.app, e.endpoint), format!("{}:{}", e.app, e.endpoint), "peer")
            } else {
                let mut ends = r.ends.clone();
                ends.sort_by_key(|e| e.role != formula_sdk::format::Role::Provider);
                (
                    format!("{}:{}", ends[0].app, ends[0].endpoint),
                    format!("{}:{}", ends[1].app, ends[1].endpoint),
                    if r.is_container() { "subordinate" } else { "regular" },
                )
            };
            let interface = r.ends.first().map(|e| e.interface.clone()).unwrap_or_default();
            let kind = if r.life == crate::model::Life::Dying { "dying" } else { kind };
            rels.push(vec![provider, requirer, interface, kind.to_string()]);
        }
        table(&mut out, &rels);
    }
    out
}

/// The unit agent's status as `juju status` shows it: `allocating` until install has run,
/// then `idle`. A hook in error shows as the workload's `error` and an idle agent, as Juju's
/// state layer translates it (state/unit.go `Unit.Status`, `UnitAgent.Status`; spec §6.4),
/// even when the failed hook was install.
pub fn agent_status(agent: Option<&Agent>) -> &'static str {
    match agent {
        Some(a) if a.error.is_none() && !a.installed => "allocating",
        _ => "idle",
    }
}

/// The application's status: its own when the leader set one, else derived from the units'
/// workload statuses as `juju status` shows them (`shown`), the most severe winning.
pub fn app_status(app: &crate::model::Application, shown: &[String]) -> String {
    if !app.status.status.is_empty() {
        return app.status.status.clone();
    }
    let rank = |s: &str| match s {
        "error" => 0,
        "blocked" => 1,
        "maintenance" => 2,
        "waiting" => 3,
        "active" => 4,
        _ => 5,
    };
    shown.iter().map(String::as_str).min_by_key(|s| rank(s)).unwrap_or("unknown").to_string()
}

/// Writes `rows` as `juju status` writes its tables: columns two spaces apart, padded to the
/// widest cell, the last cell of a row unpadded.
pub fn table(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[c]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}
