//! `formula sim DIR`: a formula given in place of a scenario, deployed with a companion
//! formula on each relation (a principal beside a subordinate), the settings companions
//! publish (`--companion-data`), every mode of `formula sim` on it, and `formula test` on a
//! formula without scenarios.

use crate::support::{formula, repo, run_typing, sim, SimRun};
use simulator::trace::Event;
use std::path::{Path, PathBuf};

fn alone(name: &str) -> PathBuf {
    repo().join("tests/formulas").join(name)
}

/// The applications deployed, with their units, in order.
fn deployed(run: &SimRun) -> Vec<(String, u32)> {
    run.events
        .iter()
        .filter_map(|e| match e {
            Event::Deploy(d) => Some((d.application.clone(), d.units)),
            _ => None,
        })
        .collect()
}

/// The cells of the status table's line that starts with `first`.
fn row(run: &SimRun, first: &str) -> Vec<String> {
    let line = run.stdout.lines().find(|l| l.split_whitespace().next() == Some(first));
    line.unwrap_or_else(|| panic!("no `{first}` row:\n{}", run.stdout)).split_whitespace().map(String::from).collect()
}

/// The cells of the App table's line of `app`.
fn app_row(run: &SimRun, app: &str) -> Vec<String> {
    let mut lines = run.stdout.lines().skip_while(|l| !l.starts_with("App "));
    let line = lines.find(|l| l.split_whitespace().next() == Some(app));
    line.unwrap_or_else(|| panic!("no `{app}` application:\n{}", run.stdout))
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// A file holding `text`, in `dir`.
fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a file");
    path
}

#[test]
fn peers_meet_on_two_units_and_the_version_shows() {
    let dir = alone("alone-ring");
    let run = sim(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!("running the formula {} with no companion", dir.display())),
        "{}",
        run.stderr
    );
    assert_eq!(deployed(&run), [("alone-ring".to_string(), 2)]);
    let logs = run.log_lines();
    for line in ["alone-ring/0 met alone-ring/1", "alone-ring/1 met alone-ring/0"] {
        assert!(logs.iter().any(|l| l.contains(line)), "no `{line}` in {logs:?}");
    }
    // The model is named after the formula; the Version column is what install set.
    let backend = run.runs()[0].backend.clone();
    assert_eq!(row(&run, "alone-ring"), ["alone-ring", backend.as_str(), "0"]);
    assert_eq!(app_row(&run, "alone-ring")[..4], ["alone-ring", "2.4.1", "active", "2"], "{}", run.stdout);
    // The trace names the formula as given: a replay makes its scenario again.
    assert_eq!(run.runs()[0].scenario.as_deref(), Some(dir.to_string_lossy().as_ref()));
}

#[test]
fn each_role_gets_a_companion_with_the_other_role() {
    let run = sim(&alone("alone-web"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        deployed(&run),
        [("alone-web".to_string(), 1), ("website-companion".to_string(), 1), ("db-companion".to_string(), 1)]
    );
    assert_eq!(row(&run, "alone-web:website"), ["alone-web:website", "website-companion:website", "http", "regular"]);
    assert_eq!(row(&run, "db-companion:db"), ["db-companion:db", "alone-web:db", "mysql", "regular"]);
    // The companions speak first (service, address) and hear what the formula said.
    assert!(run.log_lines().iter().any(|l| l.contains("database service db-companion at ")), "{:?}", run.log_lines());
    let heard = run.unit_hooks("website-companion/0");
    assert!(heard.iter().any(|h| h.name == "website-relation-changed" && h.remote.as_deref() == Some("alone-web/0")));
    assert_eq!(row(&run, "alone-web/0*")[1..3], ["active", "idle"]);
}

#[test]
fn a_subordinate_lives_beside_a_principal() {
    let run = sim(&alone("alone-agent"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deployed(&run), [("alone-agent".to_string(), 0), ("principal".to_string(), 1)]);
    let units: Vec<&str> = run.stdout.lines().skip_while(|l| !l.starts_with("Unit ")).skip(1).take(2).collect();
    assert!(units[0].starts_with("principal/0*") && units[1].starts_with("  alone-agent/0*"), "{}", run.stdout);
    assert!(run.log_lines().iter().any(|l| l.contains("watching principal/0 at ")), "{:?}", run.log_lines());
    assert_eq!(row(&run, "principal:juju-info")[3], "subordinate");
}

#[test]
fn companion_data_reaches_the_changed_hook() {
    let dir = alone("alone-needy");
    let without = sim(&dir, &[]);
    assert_eq!(without.code, 1, "{}", without.stderr);
    assert!(without.stderr.contains("db-companion/0 sent no password"), "{}", without.stderr);
    assert!(
        without.stderr.contains("FAILED unit in error: alone-needy/0: hook failed: \"db-relation-changed\""),
        "{}",
        without.stderr
    );
    assert!(without.stderr.contains(&format!("run `formula sim {} --seed 0` to reproduce", dir.display())));

    let tmp = tempfile::tempdir().expect("temp dir");
    let data = file(
        tmp.path(),
        "data.yaml",
        "# what a MySQL server sends\ndb:\n  host: db.example.org\n  port: 3306\n  user: forum\n  password: s3cret\n  database: forum\n",
    );
    let with = sim(&dir, &["--companion-data", &data.to_string_lossy()]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(
        with.log_lines().iter().any(|l| l.contains("connecting to db.example.org:3306 as forum")),
        "{:?}",
        with.log_lines()
    );
    assert_eq!(row(&with, "alone-needy/0*").last().map(String::as_str), Some("forum"));
    // The companion set them on the relation, numbers as written.
    let set = with
        .tools()
        .into_iter()
        .find(|t| t.unit == "db-companion/0" && t.args.first().map(String::as_str) == Some("--file"));
    assert!(set.is_some_and(|t| t.code == 0), "no relation-set --file: {:?}", with.tools());
    let bag = with.commits().into_iter().find(|c| c.unit == "db-companion/0" && !c.changes.relations.is_empty());
    let writes = format!("{:?}", bag.map(|c| &c.changes.relations));
    assert!(writes.contains("\"port\"") && writes.contains("\"3306\""), "{writes}");
}

#[test]
fn bad_companion_data_is_refused_at_its_place() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = file(tmp.path(), "data.yaml", "db:\n  password: [x, y]\ncache: {a: b}\n");
    let out =
        formula().args(["sim"]).arg(alone("alone-needy")).arg("--companion-data").arg(&data).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let at = |line: &str| format!("error: {}:{line}", data.display());
    assert!(stderr.contains(&at("2:13: setting `password` must be a string, not a list")), "{stderr}");

    let data = file(tmp.path(), "data.yaml", "cache: {a: b}\n");
    let out =
        formula().args(["sim"]).arg(alone("alone-needy")).arg("--companion-data").arg(&data).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&at("1:1: `alone-needy` has no endpoint `cache`; those with a companion: db")), "{stderr}");

    // Only with a formula; and a directory must hold one.
    let scenario = repo().join("tests/scenarios/basic.yaml");
    let out = formula().args(["sim"]).arg(&scenario).arg("--companion-data").arg(&data).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--companion-data goes with a formula"));
    let out = formula().args(["sim"]).arg(tmp.path()).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a scenario nor a formula"));
}

#[test]
fn an_ensemble_formula_of_2011_runs_with_its_companions() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = file(tmp.path(), "data.yaml", "db: {database: forum, user: forum, password: pw}\n");
    let run = sim(&alone("alone-ensemble"), &["--companion-data", &data.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Its revision is metadata's; it got its credentials and opened its port.
    assert_eq!(app_row(&run, "alone-ensemble").last().map(String::as_str), Some("9"));
    assert!(
        run.log_lines().iter().any(|l| l.contains("forum uses forum on ") && l.ends_with(" as forum")),
        "{:?}",
        run.log_lines()
    );
    assert!(row(&run, "alone-ensemble/0*").contains(&"80/tcp".to_string()), "{}", run.stdout);
    // Its hooks had the 2011 agent's environment; the companions Juju's.
    let env_of = |unit: &str| {
        run.hook_events()
            .into_iter()
            .find(|h| h.unit == unit)
            .map(|h| h.env.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(env_of("alone-ensemble/0").iter().any(|k| k == "ENSEMBLE_UNIT_NAME"));
    assert!(env_of("db-companion/0").iter().any(|k| k == "JUJU_UNIT_NAME"));
}

#[test]
fn a_charm_archive_runs_as_its_directory() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let archive = tmp.path().join("alone-web.charm");
    let packed =
        formula().arg("pack").arg(alone("alone-web")).arg("--force").arg("-o").arg(&archive).output().expect("pack");
    assert!(packed.status.success(), "{}", String::from_utf8_lossy(&packed.stderr));
    let from_archive = sim(&archive, &[]);
    let from_dir = sim(&alone("alone-web"), &[]);
    assert_eq!(from_archive.code, 0, "{}", from_archive.stderr);
    assert_eq!(from_archive.hooks(), from_dir.hooks());
    assert!(from_archive.stderr.starts_with(&format!("running the formula {} with ", archive.display())));
}

#[test]
fn every_mode_runs_a_formula_directory() {
    let web = alone("alone-web");
    // The same bytes for the same seed.
    let first = sim(&web, &["--seed", "3"]);
    let second = sim(&web, &["--seed", "3"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.trace_bytes == second.trace_bytes, "two runs of seed 3 wrote different traces");
    // A replay with no scenario takes the formula from the trace and makes its scenario again.
    let tmp = tempfile::tempdir().expect("temp dir");
    let trace = tmp.path().join("t.jsonl");
    std::fs::write(&trace, &first.trace_bytes).expect("write the trace");
    let replay = formula().args(["sim", "--keep", "never", "--replay"]).arg(&trace).output().expect("replay");
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert!(replay.status.success() && stderr.contains("replay: this run followed the trace's"), "{stderr}");
    // Many seeds, each a child run of the scenario made once.
    let explored =
        formula().args(["sim", "--explore", "3", "--out"]).arg(tmp.path()).arg(&web).output().expect("explore");
    let stderr = String::from_utf8_lossy(&explored.stderr);
    assert!(explored.status.success() && stderr.contains("3 runs, 0 failed"), "{stderr}");
    // A failure found so is replayed with the formula, as given, and its data.
    let needy = alone("alone-needy");
    let explored = formula()
        .args(["sim", "--explore", "2", "--no-shrink", "--out"])
        .arg(tmp.path())
        .arg(&needy)
        .output()
        .expect("explore");
    let stderr = String::from_utf8_lossy(&explored.stderr);
    assert_eq!(explored.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "  replay: formula sim --replay {}",
            tmp.path().join("formula-sim-seed-0.trace.jsonl").display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!(".trace.jsonl {}\n", needy.display())), "{stderr}");
}

#[test]
fn a_kept_run_of_a_formula_opens_a_shell() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let run = sim(&alone("alone-ring"), &["--keep"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept = run.kept_dir().expect("a kept run");
    let recorded = std::fs::read_to_string(kept.join("run.json")).expect("the kept run's record");
    assert!(recorded.contains(&alone("alone-ring").to_string_lossy().into_owned()), "{recorded}");
    let out = run_typing(
        formula().current_dir(tmp.path()).args(["shell", "alone-ring/1", "--run"]).arg(&kept),
        "relation-get -r $(relation-ids ring) name alone-ring/0\nexit\n",
    );
    let _ = std::fs::remove_dir_all(&kept);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("alone-ring/0"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn formula_test_runs_a_formula_without_scenarios_as_one_test() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for name in ["alone-web", "alone-needy"] {
        let copied = std::process::Command::new("cp").arg("-r").arg(alone(name)).arg(tmp.path()).status();
        assert!(copied.is_ok_and(|s| s.success()));
    }
    let out = formula().current_dir(tmp.path()).args(["test", "."]).output().expect("formula test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test ")).collect();
    assert_eq!(
        lines[..2],
        [
            "test alone-needy (no scenario: with companions) ... FAILED",
            "test alone-web (no scenario: with companions) ... ok"
        ]
    );
    assert!(stdout.contains("1 passed; 1 failed"), "{stdout}");
    assert!(stdout.contains("unit in error: alone-needy/0: hook failed: \"db-relation-changed\""), "{stdout}");
    assert!(stdout.contains("run `formula sim ./alone-needy --seed 0` to reproduce"), "{stdout}");
}
