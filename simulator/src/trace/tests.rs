//! The trace's bytes: every event as main wrote it with `json!`, field for field.

use super::*;
use serde_json::json;
use std::collections::BTreeMap;

/// One event of each kind, typed, with the JSON the engine wrote for it before events had a
/// type (`json!` keeps insertion order here): the bytes must not change.
fn samples() -> Vec<(Event, serde_json::Value)> {
    let draw = |label: &str, options, picked| Draw { label: label.into(), options, picked };
    let env: BTreeMap<String, String> = [("A".to_string(), "1".to_string()), ("B".into(), "$SIM/x".into())].into();
    vec![
        (
            Event::Run(Run { seed: 3, backend: "host".into(), model: "sim".into(), ..Run::default() }),
            json!({"event": "run", "seed": 3, "backend": "host", "model": "sim"}),
        ),
        (
            Event::Run(Run { seed: 4, backend: "host".into(), model: "sim".into(), avoiding: true, ..Run::default() }),
            json!({"event": "run", "seed": 4, "backend": "host", "model": "sim", "avoiding": true}),
        ),
        (
            Event::Run(Run {
                seed: 3,
                backend: "ns".into(),
                model: "sim".into(),
                base: Some(crate::base::BaseId {
                    recipe: "debian-bookworm-0123456789ab".into(),
                    digest: "sha256:ab".into(),
                }),
                scenario: Some("s.yaml".into()),
                faults: Some("leader=5,fail=0,restart=0,tick=0".into()),
                replay: true,
                avoiding: false,
            }),
            json!({"event": "run", "seed": 3, "backend": "ns", "model": "sim", "base": {"recipe": "debian-bookworm-0123456789ab", "digest": "sha256:ab"}, "scenario": "s.yaml", "faults": "leader=5,fail=0,restart=0,tick=0", "replay": true}),
        ),
        (
            Event::Deploy(Deploy { application: "wiki".into(), formula: "wiki".into(), units: 2 }),
            json!({"event": "deploy", "application": "wiki", "formula": "wiki", "units": 2}),
        ),
        (Event::AddUnit(UnitNamed { unit: "wiki/0".into() }), json!({"event": "add-unit", "unit": "wiki/0"})),
        (
            Event::Subordinate(Subordinate { unit: "monitor/0".into(), principal: "wiki/0".into(), relation: 3 }),
            json!({"event": "subordinate", "unit": "monitor/0", "principal": "wiki/0", "relation": 3}),
        ),
        (
            Event::SubordinateDying(SubordinateDying {
                unit: "monitor/0".into(),
                principal: "wiki/0".into(),
                reason: "principal-dying".into(),
            }),
            json!({"event": "subordinate-dying", "unit": "monitor/0", "principal": "wiki/0", "reason": "principal-dying"}),
        ),
        (
            Event::Relate(Relate { relation: 1, key: "db:db wiki:db".into() }),
            json!({"event": "relate", "relation": 1, "key": "db:db wiki:db"}),
        ),
        (Event::Unrelate(RelationNamed { relation: 1 }), json!({"event": "unrelate", "relation": 1})),
        (Event::RemoveUnit(UnitNamed { unit: "wiki/0".into() }), json!({"event": "remove-unit", "unit": "wiki/0"})),
        (
            Event::RemoveApplication(ApplicationNamed { application: "wiki".into() }),
            json!({"event": "remove-application", "application": "wiki"}),
        ),
        (
            Event::Config(Config { application: "wiki".into(), version: 2 }),
            json!({"event": "config", "application": "wiki", "version": 2}),
        ),
        (
            Event::Upgrade(Upgrade { application: "wiki".into(), charm_version: 2 }),
            json!({"event": "upgrade", "application": "wiki", "charm-version": 2}),
        ),
        (
            Event::Action(Action { unit: "wiki/0".into(), name: "backup".into(), id: 0 }),
            json!({"event": "action", "unit": "wiki/0", "name": "backup", "id": 0}),
        ),
        (
            Event::Resolve(Resolve { unit: "wiki/0".into(), retry: true, hook: "install".into() }),
            json!({"event": "resolve", "unit": "wiki/0", "retry": true, "hook": "install"}),
        ),
        (Event::Elect(UnitNamed { unit: "wiki/1".into() }), json!({"event": "elect", "unit": "wiki/1"})),
        (Event::UpdateStatus(UpdateStatus { tick: 1 }), json!({"event": "update-status", "tick": 1})),
        (Event::RelationRemoved(RelationNamed { relation: 1 }), json!({"event": "relation-removed", "relation": 1})),
        (
            Event::ApplicationRemoved(ApplicationNamed { application: "wiki".into() }),
            json!({"event": "application-removed", "application": "wiki"}),
        ),
        (Event::UnitRemoved(UnitNamed { unit: "wiki/0".into() }), json!({"event": "unit-removed", "unit": "wiki/0"})),
        (
            Event::Fault(Fault { step: 4, fault: FaultKind::Tick, unit: None, hook: None }),
            json!({"event": "fault", "step": 4, "fault": "tick"}),
        ),
        (
            Event::Fault(Fault { step: 4, fault: FaultKind::Leader, unit: Some("wiki/1".into()), hook: None }),
            json!({"event": "fault", "step": 4, "fault": "leader", "unit": "wiki/1"}),
        ),
        (
            Event::Fault(Fault {
                step: 4,
                fault: FaultKind::Restart,
                unit: Some("wiki/1".into()),
                hook: Some("start".into()),
            }),
            json!({"event": "fault", "step": 4, "fault": "restart", "unit": "wiki/1", "hook": "start"}),
        ),
        (
            Event::Hook(Hook {
                step: 1,
                unit: "wiki/0".into(),
                hook: "install".into(),
                remote_unit: None,
                remote_app: None,
                relation: None,
                choices: vec![draw("unit", 2, 1), draw("stale", 100, 40)],
                candidates: Vec::new(),
                env: env.clone(),
            }),
            json!({"event": "hook", "step": 1, "unit": "wiki/0", "hook": "install", "remote-unit": null, "remote-app": null, "relation": null, "choices": [["unit", 2, 1], ["stale", 100, 40]], "env": {"A": "1", "B": "$SIM/x"}}),
        ),
        (
            Event::Hook(Hook {
                step: 2,
                unit: "wiki/0".into(),
                hook: "db-relation-joined".into(),
                remote_unit: Some("db/0".into()),
                remote_app: Some("db".into()),
                relation: Some(0),
                choices: Vec::new(),
                candidates: vec!["db/0".into(), "wiki/0".into()],
                env: BTreeMap::new(),
            }),
            json!({"event": "hook", "step": 2, "unit": "wiki/0", "hook": "db-relation-joined", "remote-unit": "db/0", "remote-app": "db", "relation": 0, "choices": [], "candidates": ["db/0", "wiki/0"], "env": {}}),
        ),
        (
            Event::DebugHooks(DebugHooks { step: 2, unit: "wiki/0".into(), hook: "start".into() }),
            json!({"event": "debug-hooks", "step": 2, "unit": "wiki/0", "hook": "start"}),
        ),
        (
            Event::Tool(Tool {
                step: 2,
                unit: "wiki/0".into(),
                tool: "relation-get".into(),
                args: vec!["-".into()],
                code: 0,
                stdout: "a: b\n".into(),
                stderr: String::new(),
            }),
            json!({"event": "tool", "step": 2, "unit": "wiki/0", "tool": "relation-get", "args": ["-"], "code": 0, "stdout": "a: b\n", "stderr": ""}),
        ),
        (
            Event::Refused(Refused {
                step: 2,
                unit: "wiki/1".into(),
                hook: "start".into(),
                kind: "non-leader".into(),
                what: "leader-set by a non-leader".into(),
            }),
            json!({"event": "refused", "step": 2, "unit": "wiki/1", "hook": "start", "kind": "non-leader", "what": "leader-set by a non-leader"}),
        ),
        (
            Event::Log(Log { step: 2, unit: "wiki/0".into(), line: "INFO ready".into() }),
            json!({"event": "log", "step": 2, "unit": "wiki/0", "line": "INFO ready"}),
        ),
        (
            Event::Stub(Stub {
                step: 2,
                unit: "wiki/0".into(),
                command: "apt-get".into(),
                args: vec!["install".into()],
            }),
            json!({"event": "stub", "step": 2, "unit": "wiki/0", "command": "apt-get", "args": ["install"]}),
        ),
        (
            Event::Exit(Exit {
                step: 2,
                unit: "wiki/0".into(),
                hook: "juju-exec".into(),
                result: "ok".into(),
                ..Exit::default()
            }),
            json!({"event": "exit", "step": 2, "unit": "wiki/0", "hook": "juju-exec", "result": "ok"}),
        ),
        (
            Event::Exit(Exit {
                step: 2,
                unit: "wiki/0".into(),
                hook: "start".into(),
                result: "failed (exit 1)".into(),
                stdout: Some("o".into()),
                stderr: Some("e".into()),
                fuel: None,
            }),
            json!({"event": "exit", "step": 2, "unit": "wiki/0", "hook": "start", "result": "failed (exit 1)", "stdout": "o", "stderr": "e"}),
        ),
        (
            Event::Exit(Exit {
                step: 2,
                unit: "wiki/0".into(),
                hook: "start".into(),
                result: "ok".into(),
                stdout: Some(String::new()),
                stderr: Some(String::new()),
                fuel: Some(12345),
            }),
            json!({"event": "exit", "step": 2, "unit": "wiki/0", "hook": "start", "result": "ok", "stdout": "", "stderr": "", "fuel": 12345}),
        ),
        (
            Event::Commit(Commit {
                step: 2,
                unit: "wiki/0".into(),
                changes: Changes {
                    relations: vec![BagChange {
                        relation: 0,
                        bag: BagKind::App,
                        changes: [("a".to_string(), Some("1".to_string())), ("b".into(), None)].into(),
                        changed: true,
                    }],
                    ports: vec![PortChange { open: true, range: "80/tcp".into() }],
                    state: [("k".to_string(), None)].into(),
                },
            }),
            json!({"event": "commit", "step": 2, "unit": "wiki/0", "changes": {"relations": [{"relation": 0, "bag": "app", "changes": {"a": "1", "b": null}, "changed": true}], "ports": [{"open": true, "range": "80/tcp"}], "state": {"k": null}}}),
        ),
        (
            Event::Discard(Discard { step: 2, unit: "wiki/0".into(), buffered: false }),
            json!({"event": "discard", "step": 2, "unit": "wiki/0", "buffered": false}),
        ),
        (
            Event::ActionResult(ActionResult {
                step: 3,
                unit: "wiki/0".into(),
                action: "backup".into(),
                id: 0,
                status: "completed".into(),
                message: String::new(),
                results: [("n".to_string(), json!(1.5)), ("stdout".into(), json!("x"))].into(),
                log: vec!["half".into()],
            }),
            json!({"event": "action-result", "step": 3, "unit": "wiki/0", "action": "backup", "id": 0, "status": "completed", "message": "", "results": {"n": 1.5, "stdout": "x"}, "log": ["half"]}),
        ),
        (Event::Settled(HookCount { hooks: 9 }), json!({"event": "settled", "hooks": 9})),
        (Event::SettleFailed(HookCount { hooks: 9 }), json!({"event": "settle-failed", "hooks": 9})),
        (Event::Step(Step { index: 0, line: 7 }), json!({"event": "step", "index": 0, "line": 7})),
        (
            Event::ExpectPassed(ExpectPassed { at: "s.yaml:7:5".into() }),
            json!({"event": "expect-passed", "at": "s.yaml:7:5"}),
        ),
        (
            Event::ExpectFailed(Expectation {
                at: "s.yaml:7:5".into(),
                what: "status of wiki/0".into(),
                expected: "active".into(),
                found: "blocked".into(),
            }),
            json!({"event": "expect-failed", "at": "s.yaml:7:5", "what": "status of wiki/0", "expected": "active", "found": "blocked"}),
        ),
        (
            Event::Idempotence(Idempotence { unit: "wiki/0".into(), changes: vec!["c".into()], notes: Vec::new() }),
            json!({"event": "idempotence", "unit": "wiki/0", "changes": ["c"], "notes": []}),
        ),
        (
            Event::RunResult(RunResult { passed: true, ..RunResult::default() }),
            json!({"event": "result", "passed": true, "failures": [], "unexpected-errors": [], "refused": [], "not-idempotent": [], "error": null}),
        ),
        (Event::End(End { hooks: 9, choices: Vec::new() }), json!({"event": "end", "hooks": 9})),
        (
            Event::End(End { hooks: 9, choices: vec![draw("fault-tick", 100, 3)] }),
            json!({"event": "end", "hooks": 9, "choices": [["fault-tick", 100, 3]]}),
        ),
        (
            Event::Wait(Wait { duration: "11m0s".into(), from: "0s".into(), until: "11m0s".into() }),
            json!({"event": "wait", "duration": "11m0s", "from": "0s", "until": "11m0s"}),
        ),
        (Event::Clock(Clock { now: "5m0s".into() }), json!({"event": "clock", "now": "5m0s"})),
        (
            Event::RetryScheduled(RetryScheduled {
                unit: "wiki/0".into(),
                hook: "install".into(),
                retry: 2,
                after: "10s".into(),
                due: "15s".into(),
            }),
            json!({"event": "retry-scheduled", "unit": "wiki/0", "hook": "install", "retry": 2, "after": "10s", "due": "15s"}),
        ),
        (
            Event::Retry(Retry { unit: "wiki/0".into(), hook: "install".into(), retry: 2 }),
            json!({"event": "retry", "unit": "wiki/0", "hook": "install", "retry": 2}),
        ),
        (
            Event::RetryLimit(RetryLimit { retries: 10, units: vec!["wiki/0 install".into()] }),
            json!({"event": "retry-limit", "retries": 10, "units": ["wiki/0 install"]}),
        ),
        (
            Event::Reboot(Reboot { unit: "wiki/0".into(), now: true, stopped: true }),
            json!({"event": "reboot", "unit": "wiki/0", "now": true, "stopped": true}),
        ),
    ]
}

#[test]
fn every_event_writes_the_bytes_main_wrote_and_reads_back() {
    let mut kinds = std::collections::BTreeSet::new();
    for (event, want) in samples() {
        let line = serde_json::to_string(&event).unwrap_or_default();
        assert_eq!(line, want.to_string(), "{}", event.name());
        assert_eq!(read(&line), Ok(vec![event.clone()]), "{line}");
        assert_eq!(want["event"], event.name(), "name() is the tag");
        kinds.insert(event.name());
    }
    assert_eq!(kinds.len(), 43, "a sample of every kind of event");
}

#[test]
fn a_missing_field_reads_as_empty_and_an_unknown_event_as_other() {
    let events = read("{\"event\":\"exit\",\"step\":1,\"result\":\"ok\"}\n\n{\"event\":\"later\",\"x\":1}\n");
    let want = Event::Exit(Exit { step: 1, result: "ok".into(), ..Exit::default() });
    assert_eq!(events, Ok(vec![want, Event::Other]));
}

#[test]
fn errors_name_line_and_column() {
    let error = |text: &str| read(text).err().map(|e| e.to_string());
    assert_eq!(
        error("{\"event\": \"run\", \"seed\": 1}\n{\"event\": \"hook\", \"step\": }\n").as_deref(),
        Some("2:27: not a JSON event: expected value")
    );
    assert_eq!(error("{\"seed\": 1}").as_deref(), Some("1:1: not a trace event (no `event` name)"));
    assert_eq!(
        error("{\"event\": \"hook\", \"step\": \"one\"}").as_deref(),
        Some("1:1: not a trace event: invalid type: string \"one\", expected u64")
    );
}

#[test]
fn the_schema_documents_every_event() {
    let doc = include_str!("../../../docs/trace.md");
    for (event, _) in samples() {
        assert!(
            doc.contains(&format!("### `{}`", event.name())),
            "docs/trace.md has no section for `{}`",
            event.name()
        );
    }
}
