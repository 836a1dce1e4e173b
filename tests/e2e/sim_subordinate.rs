//! Subordinates end to end (spec §6.6): a subordinate application deployed without units gets
//! one unit beside each principal unit of a container-scoped relation, on that unit's machine
//! (its files, host name and address), sees only its own container, is told its principal,
//! and goes with its principal or with its last container relation; what Juju refuses is
//! refused with Juju's words.

use crate::sim_ns::ns_guard;
use crate::support::*;
use simulator::trace::{self, Event};

/// web (two units, the second added later), api (one unit, added last), the agent on both,
/// and logs on web only, related to the agent in the same container.
const FLEET: &str = r#"
formulas: {web: FORMULAS/sub-web, agent: FORMULAS/sub-agent, logs: FORMULAS/sub-logs}
applications:
  web: {formula: web}
  api: {formula: web, units: 0}
  agent: {formula: agent}
  logs: {formula: logs}
relations:
  - [agent, web]
  - [logs:host, web:juju-info]
  - [agent:logs, logs:agent]
  - [agent, api]
steps:
  - settle
  - add-unit: {application: web}
  - settle
  - add-unit: {application: api}
  - settle
  - expect:
      status:
        agent/0: {status: active, message: watching web/0}
        agent/1: {status: active, message: watching web/1}
        agent/2: {status: active, message: watching api/0}
      run: {unit: agent/1, command: "cat hooks.log", exit: 0, stdout-contains: "principal=web/1"}
  - remove-unit: web/1
  - settle
  - expect:
      units: {web/1: false, agent/1: false, logs/1: false, web/0: true, agent/0: true, agent/2: true}
  - unrelate: [agent, web]
  - settle
  - expect:
      units: {agent/0: false, web/0: true, logs/0: true, agent/2: true}
"#;

fn subordinates(run: &SimRun) -> Vec<(String, String)> {
    run.events
        .iter()
        .filter_map(|e| match e {
            Event::Subordinate(s) => Some((s.unit.clone(), s.principal.clone())),
            _ => None,
        })
        .collect()
}

fn dying(run: &SimRun) -> Vec<&trace::SubordinateDying> {
    run.events
        .iter()
        .filter_map(|e| match e {
            Event::SubordinateDying(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// The principal each subordinate unit's hooks were told, and whether principals were told none.
fn check_principal_env(run: &SimRun) {
    let principal_of: std::collections::BTreeMap<String, String> = subordinates(run).into_iter().collect();
    for hook in run.hook_events() {
        let told = hook.env.get("JUJU_PRINCIPAL_UNIT").cloned().unwrap_or_default();
        let want = principal_of.get(&hook.unit).cloned().unwrap_or_default();
        assert_eq!(told, want, "JUJU_PRINCIPAL_UNIT of {} {}", hook.unit, hook.hook);
    }
}

/// No hook of a unit names a remote unit of another container.
fn check_containers(run: &SimRun) {
    let principal_of: std::collections::BTreeMap<String, String> = subordinates(run).into_iter().collect();
    let container = |u: &str| principal_of.get(u).cloned().unwrap_or_else(|| u.to_string());
    for hook in run.hooks() {
        if let Some(remote) = &hook.remote {
            assert_eq!(container(&hook.unit), container(remote), "{} {} saw {remote}", hook.unit, hook.name);
        }
    }
    for call in run.tools().into_iter().filter(|t| t.tool == "relation-list") {
        for member in call.stdout.split_whitespace() {
            assert_eq!(container(&call.unit), container(member), "{} listed {member}", call.unit);
        }
    }
}

fn run_fleet(backend: &str) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    sim(&scenario_file(dir.path(), FLEET), &["--backend", backend])
}

fn check_fleet(run: &SimRun) {
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(
        subordinates(run),
        pairs(&[
            ("agent/0", "web/0"),
            ("logs/0", "web/0"),
            ("agent/1", "web/1"),
            ("logs/1", "web/1"),
            ("agent/2", "api/0")
        ]),
        "one subordinate unit per principal unit, numbered in order of creation"
    );
    check_principal_env(run);
    check_containers(run);
    // The logs subordinate sees the agent of its own container only.
    let logs0 = run.unit_hooks("logs/0");
    let joined: Vec<_> = logs0.iter().filter(|h| h.name == "agent-relation-joined").collect();
    assert_eq!(joined.len(), 1, "{logs0:?}");
    assert_eq!(joined[0].remote.as_deref(), Some("agent/0"));
    // agent/2 lives on api/0: the relation to web is not its own.
    assert!(run.unit_hooks("agent/2").iter().all(|h| !h.remote.clone().unwrap_or_default().starts_with("web/")));
    // The subordinate of a removed principal goes first, its hooks in Juju's order, then the principal.
    let agent1 = run.unit_hook_names("agent/1");
    let tail: Vec<&str> = agent1.iter().rev().take(2).rev().map(String::as_str).collect();
    assert_eq!(tail, ["stop", "remove"], "{agent1:?}");
    assert!(
        agent1.contains(&"host-relation-departed".to_string()) && agent1.contains(&"host-relation-broken".to_string())
    );
    let hooks = run.hooks();
    let at = |unit: &str, name: &str| hooks.iter().position(|h| h.unit == unit && h.name == name);
    let (sub_gone, principal_gone) = (at("agent/1", "remove"), at("web/1", "remove"));
    assert!(
        sub_gone.is_some() && principal_gone.is_some() && sub_gone < principal_gone,
        "{sub_gone:?} {principal_gone:?}"
    );
    let reasons: Vec<(&str, &str)> = dying(run).iter().map(|d| (d.unit.as_str(), d.reason.as_str())).collect();
    assert!(reasons.contains(&("agent/1", "principal-dying")), "{reasons:?}");
    assert!(reasons.contains(&("logs/1", "principal-dying")), "{reasons:?}");
    assert!(reasons.contains(&("agent/0", "no-container-relation")), "{reasons:?}");
    assert!(!reasons.iter().any(|(u, _)| *u == "agent/2" || *u == "logs/0"), "{reasons:?}");
}

#[test]
fn subordinates_live_and_go_with_their_principals_on_ns() {
    let _guard = ns_guard();
    let run = run_fleet("ns");
    check_fleet(&run);
    let address = |unit: &str| {
        run.tools()
            .into_iter()
            .find(|t| t.tool == "relation-get" && t.unit == unit && t.args.iter().any(|a| a == "private-address"))
            .map(|t| t.stdout.trim().to_string())
    };
    // agent/0 read its principal's address; it is its own too (one machine, one address).
    let web0 = address("agent/0").unwrap_or_default();
    assert!(web0.starts_with("10."), "{web0:?}");
    let table_line =
        |unit: &str| run.stdout.lines().find(|l| l.trim_start().starts_with(unit)).unwrap_or_default().to_string();
    assert!(table_line("web/0").contains(&web0), "{}", run.stdout);
    assert!(
        table_line("agent/2").contains(table_line("api/0").split_whitespace().nth(3).unwrap_or("?")),
        "{}",
        run.stdout
    );
}

/// On ns the agent runs in its principal's machine: its host name, its /tmp and its root.
#[test]
fn a_subordinate_shares_its_principals_machine_on_ns() {
    let _guard = ns_guard();
    let dir = tempfile::tempdir().expect("temp dir");
    let text = r#"
formulas: {web: FORMULAS/sub-web, agent: FORMULAS/sub-agent}
applications:
  web: {formula: web, units: 2}
  agent: {formula: agent}
relations:
  - [agent:host, web:juju-info]
steps:
  - settle
  - expect:
      run: {unit: agent/0, command: "grep -c 'start principal=web/[01] hostname=web-[01] principal-hostname=web-[01]' hooks.log", exit: 0, stdout-contains: "1"}
  - expect:
      run: {unit: agent/1, command: "h=$(hostname); grep -q \"hostname=$h principal-hostname=$h\" hooks.log && ls /var/lib/juju/agents | tr '\\n' ' '", exit: 0, stdout-contains: "unit-agent-1 unit-web-"}
  - expect:
      run: {unit: agent/1, command: "pwd", exit: 0, stdout-contains: "/var/lib/juju/agents/unit-agent-1/charm"}
"#;
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let subs = subordinates(&run);
    assert_eq!(subs.len(), 2, "{subs:?}");
    // The status table: each subordinate indented under its own principal.
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (sub, principal) in &subs {
        let p = lines.iter().position(|l| l.starts_with(principal.as_str())).unwrap_or(usize::MAX);
        let s = lines.iter().position(|l| l.starts_with(&format!("  {sub}"))).unwrap_or(usize::MAX);
        assert_eq!(s, p.wrapping_add(1), "{sub} right under {principal}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("subordinate"), "the relation's type:\n{}", run.stdout);
}

#[test]
fn subordinates_live_and_go_with_their_principals_on_host() {
    let run = run_fleet("host");
    check_fleet(&run);
    let line =
        |unit: &str| run.stdout.lines().find(|l| l.trim_start().starts_with(unit)).unwrap_or_default().to_string();
    let address = |unit: &str| line(unit).split_whitespace().nth(3).unwrap_or_default().to_string();
    assert_eq!(address("agent/2"), address("api/0"), "{}", run.stdout);
    assert!(line("logs/0").starts_with("  logs/0"), "{}", run.stdout);
}

#[test]
fn a_subordinate_takes_no_units_in_a_scenario_or_a_bundle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "formulas: {web: FORMULAS/sub-web, agent: FORMULAS/sub-agent}\napplications:\n  web: {formula: web}\n  agent: {formula: agent, units: 1}\nrelations: [[agent, web]]\n";
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "host"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("scenario.yaml:4:34: application `agent` runs a subordinate formula, which takes no `units`"),
        "{}",
        run.stderr
    );
    let bundle = |n: u32| {
        format!(
            "applications:\n  web: {{charm: ./sub-web, num_units: 1}}\n  agent: {{charm: ./sub-agent, num_units: {n}}}\nrelations:\n  - [agent:host, web:juju-info]\n"
        )
    };
    let formulas = repo().join("tests/formulas");
    let path = formulas.join(format!("bundle-sub-{}.yaml", std::process::id()));
    std::fs::write(&path, bundle(2)).expect("write bundle");
    let refused = sim(&path, &["--backend", "host"]);
    std::fs::write(&path, bundle(0)).expect("write bundle");
    let fine = sim(&path, &["--backend", "host"]);
    let _ = std::fs::remove_file(&path);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains(":3:42: application `agent` runs a subordinate formula"), "{}", refused.stderr);
    assert_eq!(fine.code, 0, "{}", fine.stderr);
    assert_eq!(subordinates(&fine), [("agent/0".to_string(), "web/0".to_string())]);
}

#[test]
fn juju_refuses_adding_units_to_a_subordinate_and_a_container_relation_between_principals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "formulas: {web: FORMULAS/sub-web, agent: FORMULAS/sub-agent}\napplications:\n  web: {formula: web}\n  agent: {formula: agent}\nrelations: [[agent, web]]\nsteps:\n  - settle\n  - add-unit: {application: agent}\n";
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "host"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains(r#"scenario.yaml:8:5: cannot add unit to application "agent": application is a subordinate"#),
        "{}",
        run.stderr
    );
    let text = "formulas: {web: FORMULAS/sub-web, clingy: FORMULAS/sub-clingy}\napplications:\n  web: {formula: web}\n  clingy: {formula: clingy}\nrelations: [[clingy:host, web:juju-info]]\n";
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "host"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains(
            r#"cannot add relation "clingy:host web:juju-info": container scoped relation requires at least one subordinate application"#
        ),
        "{}",
        run.stderr
    );
    // Inferred endpoints too.
    let text = "formulas: {web: FORMULAS/sub-web, clingy: FORMULAS/sub-clingy}\napplications:\n  web: {formula: web}\n  clingy: {formula: clingy}\nrelations: [[clingy, web]]\n";
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "host"]);
    assert!(
        run.stderr.contains("container scoped relation requires at least one subordinate application"),
        "{}",
        run.stderr
    );
}

/// On lxd the subordinate's charm directory is a disk device of its principal's container.
#[test]
fn subordinates_live_and_go_with_their_principals_on_lxd() {
    crate::sim_lxd::lxd_ready();
    let run = run_fleet("lxd");
    check_fleet(&run);
    let line =
        |unit: &str| run.stdout.lines().find(|l| l.trim_start().starts_with(unit)).unwrap_or_default().to_string();
    let address = |unit: &str| line(unit).split_whitespace().nth(3).unwrap_or_default().to_string();
    assert_eq!(address("agent/2"), address("api/0"), "{}", run.stdout);
}

/// An install marked done by `resolve` (`--no-retry`) enters scope as a committed one does, and
/// the principal gets its subordinate.
#[test]
fn a_principal_whose_install_is_resolved_gets_its_subordinate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = r#"
# the install stays failed until it is resolved: no automatic retries (spec §6.5)
model-config: {automatically-retry-hooks: false}
formulas: {web: FORMULAS/sub-web, agent: FORMULAS/sub-agent}
applications:
  web: {formula: web}
  agent: {formula: agent}
relations: [[agent, web]]
steps:
  - fail-next-hook: {unit: web/0, hook: install}
  - settle
  - expect:
      agent: {web/0: error}
      units: {agent/0: false}
  - resolve: {unit: web/0, retry: false}
  - settle
  - expect:
      units: {agent/0: true}
      status: {agent/0: {status: active, message: watching web/0}}
"#;
    let run = sim(&scenario_file(dir.path(), text), &["--backend", "host"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(subordinates(&run), [("agent/0".to_string(), "web/0".to_string())]);
}
