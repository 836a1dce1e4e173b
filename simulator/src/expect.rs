//! Checking what a scenario expects against the model.

use crate::backend::{Capture, ProcessSpec};
use crate::model::Life;
use crate::model::Value;
use crate::scenario::Expect;
use crate::sim::Sim;
use std::collections::BTreeMap;
use std::path::Path;

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// What was checked (`status of wiki/0`).
    pub what: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}, found {}", self.what, self.expected, self.found)
    }
}

/// Checks `expect`; returns what did not hold (empty when everything did).
pub fn check(sim: &mut Sim, expect: &Expect) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut fail = |what: String, expected: String, found: String| failures.push(Failure { what, expected, found });
    for (unit, want) in &expect.units {
        let exists = sim.model.units.get(unit).is_some_and(|u| u.life == Life::Alive);
        if exists != *want {
            fail(
                format!("unit {unit}"),
                if *want { "present" } else { "absent" }.into(),
                if exists { "present" } else { "absent" }.into(),
            );
        }
    }
    for (unit, want) in &expect.status {
        match sim.shown_status(unit) {
            None => fail(format!("status of {unit}"), want.status.clone(), "no such unit".into()),
            Some(shown) => {
                if shown.status != want.status || want.message.as_ref().is_some_and(|m| *m != shown.message) {
                    let expected = match &want.message {
                        Some(m) => format!("{} ({m:?})", want.status),
                        None => want.status.clone(),
                    };
                    fail(format!("status of {unit}"), expected, format!("{} ({:?})", shown.status, shown.message));
                }
            }
        }
    }
    for (unit, want) in &expect.agent {
        let found = match sim.agents.get(unit) {
            None => "no such unit".to_string(),
            Some(a) if a.error.is_some() => "error".to_string(),
            Some(_) => "idle".to_string(),
        };
        if &found != want {
            let detail = sim
                .agents
                .get(unit)
                .and_then(|a| a.error.as_ref())
                .map(|e| format!(" ({})", e.message))
                .unwrap_or_default();
            fail(format!("agent of {unit}"), want.clone(), format!("{found}{detail}"));
        }
    }
    for check in &expect.relation_data {
        let parts: Vec<&str> = check.relation.split_whitespace().collect();
        let relation = match parts.as_slice() {
            [a, b] => sim.model.find_relation(a, b),
            [a] => sim.model.relations.values().find(|r| r.is_peer() && r.key() == *a),
            _ => None,
        };
        let Some(relation) = relation else {
            let known: Vec<String> = sim.model.relations.values().map(|r| r.key()).collect();
            fail(format!("relation `{}`", check.relation), "to exist".into(), format!("relations: {known:?}"));
            continue;
        };
        let bag =
            if check.app_bag { relation.app_bags.get(&check.owner) } else { relation.unit_bags.get(&check.owner) };
        let data = bag.map(|b| b.data.clone()).unwrap_or_default();
        for (k, v) in &check.data {
            if data.get(k) != Some(v) {
                fail(
                    format!("`{k}` of {} in `{}`", check.owner, check.relation),
                    format!("{v:?}"),
                    data.get(k).map_or("nothing".into(), |x| format!("{x:?}")),
                );
            }
        }
        for k in &check.absent {
            if let Some(v) = data.get(k) {
                fail(format!("`{k}` of {} in `{}`", check.owner, check.relation), "absent".into(), format!("{v:?}"));
            }
        }
    }
    for (unit, want) in &expect.ports {
        let found: Vec<String> = sim
            .model
            .units
            .get(unit)
            .map(|u| u.ports.iter().map(|p| p.range.to_string()).collect())
            .unwrap_or_default();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        let mut found_sorted = found.clone();
        found_sorted.sort();
        if want_sorted != found_sorted {
            fail(format!("ports of {unit}"), format!("{want:?}"), format!("{found:?}"));
        }
    }
    for (app, unit) in &expect.leader {
        let found = sim.model.apps.get(app).and_then(|a| a.leader.clone()).unwrap_or_else(|| "none".into());
        if &found != unit {
            // Leader faults move leadership as Juju may; say so where the surprise shows.
            let why = if sim.faults().leader > 0 {
                " (leader faults are on, and Juju keeps no unit the leader: see \"Leadership under faults\" in docs/scenario.md)"
            } else {
                ""
            };
            fail(format!("leader of {app}"), unit.clone(), format!("{found}{why}"));
        }
    }
    for (unit, hooks) in &expect.hooks {
        let ran = sim.hooks_run.get(unit).cloned().unwrap_or_default();
        for h in &hooks.ran {
            if !ran.contains(h) {
                fail(format!("hooks of {unit}"), format!("`{h}` to have run"), format!("{ran:?}"));
            }
        }
        for h in &hooks.not_ran {
            if ran.contains(h) {
                fail(format!("hooks of {unit}"), format!("`{h}` not to have run"), format!("{ran:?}"));
            }
        }
    }
    for (unit, (status, results)) in &expect.action {
        let last = sim.model.units.get(unit).and_then(|u| u.action_results.last().cloned());
        let Some(last) = last else {
            fail(format!("action on {unit}"), "a finished action".into(), "none".into());
            continue;
        };
        if let Some(s) = status {
            if &last.status != s {
                fail(
                    format!("action `{}` on {unit}", last.name),
                    s.clone(),
                    format!("{} ({})", last.status, last.message),
                );
            }
        }
        for (k, v) in results {
            let found = lookup(&last.results, k);
            if found.as_ref() != Some(v) {
                fail(
                    format!("result `{k}` of action `{}` on {unit}", last.name),
                    format!("{v:?}"),
                    found.map_or("nothing".into(), |f| format!("{f:?}")),
                );
            }
        }
    }
    for (unit, files) in &expect.files {
        for (path, want) in files {
            let host = sim.backend().host_path(unit, Path::new(path));
            let content = std::fs::read(&host).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
            let what = format!("file {path} on {unit}");
            match (&content, want.exists) {
                (None, Some(false)) => continue,
                (Some(_), Some(false)) => {
                    fail(what, "absent".into(), "present".into());
                    continue;
                }
                (None, _) => {
                    fail(what, "present".into(), "absent".into());
                    continue;
                }
                _ => {}
            }
            let text = content.unwrap_or_default();
            if let Some(needle) = &want.contains {
                if !text.contains(needle.as_str()) {
                    fail(what.clone(), format!("to contain {needle:?}"), format!("{:?}", clip(&text)));
                }
            }
            if let Some(exact) = &want.equals {
                if &text != exact {
                    fail(what, format!("{exact:?}"), format!("{:?}", clip(&text)));
                }
            }
        }
    }
    for run in &expect.run {
        let (code, stdout) = run_in_unit(sim, &run.unit, &run.command);
        let what = format!("`{}` on {}", run.command, run.unit);
        if let Some(exit) = run.exit {
            if code != exit {
                fail(what.clone(), format!("exit {exit}"), format!("exit {code}, output {:?}", clip(&stdout)));
            }
        }
        if let Some(needle) = &run.stdout_contains {
            if !stdout.contains(needle.as_str()) {
                fail(what, format!("output containing {needle:?}"), format!("{:?}", clip(&stdout)));
            }
        }
    }
    failures
}

fn lookup(results: &BTreeMap<String, Value>, dotted: &str) -> Option<String> {
    let mut parts = dotted.split('.');
    let mut current = results.get(parts.next()?)?;
    for part in parts {
        match current {
            Value::Map(m) => current = m.get(part)?,
            _ => return None,
        }
    }
    match current {
        Value::Str(s) => Some(s.clone()),
        other => Some(format!("{}", other.to_json())),
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Runs a shell command in a unit (as `juju exec` would), returning its exit code and output.
pub fn run_in_unit(sim: &mut Sim, unit: &str, command: &str) -> (i32, String) {
    let Some(places) = sim.places(unit).cloned() else {
        return (-1, format!("no unit {unit}"));
    };
    let out = places.dir.join("out");
    let _ = std::fs::create_dir_all(&out);
    let mut env = BTreeMap::new();
    env.insert("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
    env.insert("LANG".to_string(), "C.UTF-8".to_string());
    env.insert("JUJU_UNIT_NAME".to_string(), unit.to_string());
    env.insert("HOME".to_string(), places.home.to_string_lossy().into_owned());
    let spec = ProcessSpec {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), command.into()],
        env,
        cwd: places.charm_dir.clone(),
        stdout: match Capture::new("run-stdout") {
            Ok(c) => c,
            Err(e) => return (-1, e.to_string()),
        },
        stderr: match Capture::new("run-stderr") {
            Ok(c) => c,
            Err(e) => return (-1, e.to_string()),
        },
    };
    let child = sim.backend().spawn(unit, &spec);
    let code = match child {
        Ok(mut child) => wait_bounded(&mut child, std::time::Duration::from_secs(60)),
        Err(e) => return (-1, e.to_string()),
    };
    let stdout = spec.stdout.text(1 << 20);
    (code, stdout)
}

fn wait_bounded(child: &mut crate::backend::Spawned, limit: std::time::Duration) -> i32 {
    let start = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.code().unwrap_or(-1),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(std::time::Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return -1;
            }
        }
    }
}
