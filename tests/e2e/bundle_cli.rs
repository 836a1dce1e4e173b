//! `formula bundle`: a scenario's model as a Juju bundle; reading the bundle back as a
//! scenario gives the same model, and `formula lint` finds no error in it.

use crate::support::{formula, repo};
use simulator::scenario::{self, Scenario};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Applications by name: (formula directory, units, config as text).
type Apps = BTreeMap<String, (PathBuf, u32, String)>;

/// The model of a scenario: applications and relations.
fn model(s: &Scenario) -> (Apps, Vec<(String, String)>) {
    let apps = s
        .applications
        .iter()
        .map(|a| {
            let config: BTreeMap<&String, String> =
                a.config.iter().map(|(k, v)| (k, format!("{:?}", v.value))).collect();
            (a.name.value.clone(), (a.formula.canonicalize().unwrap(), a.units, format!("{config:?}")))
        })
        .collect();
    let mut relations: Vec<(String, String)> =
        s.relations.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    relations.sort();
    (apps, relations)
}

#[test]
fn scenario_to_bundle_and_back_keeps_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    for scenario in [
        "examples/wiki/scenarios/stack.yaml",
        "examples/wiki/scenarios/scale.yaml",
        "examples/ensemble/scenarios/memo-cache.yaml",
    ] {
        let source = repo().join(scenario);
        let bundle = tmp.path().join("bundle.yaml");
        let out = formula().args(["bundle"]).arg(&source).arg("-o").arg(&bundle).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let original = scenario::load(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let back =
            scenario::load(&bundle).unwrap_or_else(|e| panic!("{scenario}: the bundle is not a scenario: {e:?}"));
        assert_eq!(model(&original), model(&back), "{scenario}");

        let lint = formula().args(["lint", "--format", "json"]).arg(&bundle).output().unwrap();
        assert_ne!(lint.status.code(), Some(200), "{scenario}: {}", String::from_utf8_lossy(&lint.stdout));
        let text = String::from_utf8_lossy(&lint.stdout);
        assert!(!text.contains("\"severity\":\"error\"") && !text.contains("\"severity\": \"error\""), "{text}");
    }
}

#[test]
fn printed_bundle_uses_paths_from_the_current_directory() {
    let out =
        formula().current_dir(repo().join("examples/wiki")).args(["bundle", "scenarios/stack.yaml"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("charm: ./formulas/wiki\n"), "{text}");
    assert!(text.contains("num_units: 2"), "{text}");
    assert!(text.contains("name: \"Formula Wiki Demo\""), "{text}");
    assert!(text.contains("- [wiki:db, db:db]"), "{text}");
    assert!(text.starts_with("# The model of"), "{text}");
}

#[test]
fn a_bad_scenario_names_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), "applications:\n  x: {formula: nowhere, units: many}\n").unwrap();
    let out = formula().current_dir(tmp.path()).args(["bundle", "bad.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yaml:2:"), "{}", String::from_utf8_lossy(&out.stderr));
}
