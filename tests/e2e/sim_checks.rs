//! Checks every run makes with no expectation written (tool calls Juju refuses), and the
//! idempotence check of `--idempotence`, on real formulas (tests/formulas).

use crate::support::*;

fn run_text(text: &str, args: &[&str]) -> SimRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = scenario_file(dir.path(), text);
    sim(&path, args)
}

const CARELESS: &str = r#"
formulas: {server: FORMULAS/server, careless: FORMULAS/careless}
applications:
  server: {formula: server, units: 1}
  careless: {formula: careless, units: 2}
relations:
  - [server:api, careless:api]
steps:
  - settle
  - unrelate: [server:api, careless:api]
  - settle
  - config: {application: careless, values: {mood: busy}}
  - settle
"#;

#[test]
fn refused_tool_calls_fail_the_run_even_when_the_hook_exits_0() {
    let run = run_text(CARELESS, &["--backend", "host", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Every hook succeeded: the failures are the refusals alone.
    assert!(run.hooks().iter().all(|h| h.result == "ok" || h.result.starts_with("missing")), "{:?}", run.hooks());
    assert!(
        run.stderr.contains("FAILED careless/1 config-changed: leader-set by a non-leader (refused by Juju)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("careless/0 config-changed: leader-set"), "the leader may write: {}", run.stderr);
    for unit in ["careless/0", "careless/1"] {
        let line = format!(
            "FAILED {unit} config-changed: relation-get on a relation that is gone (-r api:1) (refused by Juju)"
        );
        assert!(run.stderr.contains(&line), "{line}\n{}", run.stderr);
    }
    let refused = run.refused();
    assert!(refused.iter().any(|e| e.kind == "non-leader" && e.unit == "careless/1"), "{refused:?}");
    assert!(refused.iter().any(|e| e.kind == "gone-relation"), "{refused:?}");
    let result = run.results();
    assert!(!result[0].passed);
    assert!(!result[0].refused.is_empty());
}

#[test]
fn a_scenario_can_allow_refused_calls_on_purpose() {
    let text = format!("{CARELESS}allow-refused: [non-leader, gone-relation]\n");
    let run = run_text(&text, &["--backend", "host", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.refused().is_empty(), "refusals are still traced");
    let only_leader = format!("{CARELESS}allow-refused: [non-leader]\n");
    let run = run_text(&only_leader, &["--backend", "host", "-q"]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("leader-set by a non-leader"), "{}", run.stderr);
    assert!(run.stderr.contains("relation that is gone"), "{}", run.stderr);
}

#[test]
fn an_unknown_kind_of_refusal_is_a_scenario_error_with_its_place() {
    let text = format!("{CARELESS}allow-refused: [non-leader, sloppy]\n");
    let run = run_text(&text, &["--backend", "host", "-q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(":14:29: unknown kind of refused call `sloppy`; known: `non-leader`, `gone-relation`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_idempotent_config_changed_passes_and_same_value_writes_are_notes() {
    let text = "formulas: {steady: FORMULAS/steady}\napplications:\n  steady: {formula: steady, units: 2}\n";
    let run = run_text(text, &["--backend", "host", "-q", "--idempotence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let checks = run.idempotence();
    assert_eq!(checks.len(), 2, "one check per unit: {checks:?}");
    for unit in ["steady/0", "steady/1"] {
        assert!(
            run.stderr.contains(&format!("note: {unit}: relation-set of `mood` to the value it had (no change)")),
            "{}",
            run.stderr
        );
        let names = run.unit_hook_names(unit);
        assert_eq!(names.last().map(String::as_str), Some("config-changed"), "{names:?}");
    }
}

#[test]
fn a_config_changed_that_appends_and_counts_fails_naming_unit_and_changes() {
    let text = "formulas: {drifting: FORMULAS/drifting}\napplications:\n  drifting: {formula: drifting, units: 1}\n";
    let plain = run_text(text, &["--backend", "host", "-q"]);
    assert_eq!(plain.code, 0, "without --idempotence the run passes: {}", plain.stderr);
    let run = run_text(text, &["--backend", "host", "-q", "--idempotence"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.starts_with("FAILED not idempotent: drifting/0:")).unwrap_or_default();
    assert!(line.contains("relation 0 (unit bag): runs \"1\" → \"2\""), "{}", run.stderr);
    assert!(line.contains("file $CHARM_DIR/runs.log changed (11 → 22 bytes)"), "{}", run.stderr);
    assert!(line.contains("file $CHARM_DIR/count changed"), "{}", run.stderr);
    let check = &run.idempotence()[0];
    assert_eq!(check.unit, "drifting/0");
}

#[test]
fn on_the_ns_backend_a_change_anywhere_in_the_units_root_is_found() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    assert!(root, "the ns backend needs root (CI runs as root)");
    let text = "formulas: {etc-drifting: FORMULAS/etc-drifting}\napplications:\n  etc-drifting: {formula: etc-drifting, units: 1}\n";
    let run = run_text(text, &["--backend", "ns", "-q", "--idempotence"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("FAILED not idempotent: etc-drifting/0: config-changed run again with nothing changed: file /etc/etc-drifting.conf changed (11 → 22 bytes)"),
        "{}",
        run.stderr
    );
}
