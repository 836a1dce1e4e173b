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

/// `formula bundle --upgrade` on a juju-deployer (v3) file written for the tests: one
/// deployment chosen, what it inherits merged, what cannot be carried over said; the result
/// is what `formula lint --fix --unsafe-fixes` writes, and lint then finds no F708.
#[test]
fn upgrade_turns_a_deployer_bundle_into_one_juju_deploys() {
    let tmp = tempfile::tempdir().unwrap();
    let v3 = tmp.path().join("bundle.yaml");
    std::fs::copy(crate::support::repo().join("tests/bundles/deployer-v3.yaml"), &v3).unwrap();
    let run = |args: &[&str]| crate::support::formula().current_dir(tmp.path()).args(args).output().unwrap();

    // Two deployments: one must be chosen.
    let out = run(&["bundle", "--upgrade", "bundle.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("several deployments (`wiki-base`, `wiki-production`)"));

    let out = run(&["bundle", "--upgrade", "bundle.yaml", "--deployment", "wiki-production", "-o", "v4.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for note in [
        "note: bundle.yaml:19:3: not carried over: `overrides`",
        "note: bundle.yaml:28:7: not carried over: `branch: lp:~team/charms/trusty/memcached/trunk`",
        "note: bundle.yaml:32:11: not carried over: `to: 0` of `proxy`",
    ] {
        assert!(stderr.contains(note), "{note}: {stderr}");
    }
    let v4 = std::fs::read_to_string(tmp.path().join("v4.yaml")).unwrap();
    let root = formula_sdk::yaml::parse(&v4).unwrap();
    // Inherited services first, the child's settings merged over them, options key by key.
    let wiki = root.get("applications").and_then(|a| a.get("wiki")).expect("wiki");
    let options = wiki.get("options").unwrap();
    assert_eq!(options.get("name").and_then(|n| n.as_str()), Some("Production wiki"));
    assert_eq!(options.get("skin").and_then(|n| n.as_str()), Some("vector"));
    assert_eq!(wiki.get("num_units").and_then(|n| n.as_int()), Some(3));
    let apps: Vec<String> =
        root.get("applications").unwrap().map_entries().unwrap().iter().filter_map(|(k, _)| k.key_text()).collect();
    assert_eq!(apps, ["wiki", "db", "cache", "proxy"]);
    assert!(v4.contains("  cache:\n    charm: ./cache\n    num_units: 1\n    to:\n    - lxd:db/0\n"), "{v4}");
    let relations: Vec<Vec<String>> = root
        .get("relations")
        .and_then(|r| r.as_seq())
        .unwrap()
        .iter()
        .map(|pair| pair.as_seq().unwrap().iter().map(|e| e.display_value()).collect())
        .collect();
    assert_eq!(relations, [["wiki:db", "db:db"], ["wiki", "cache"], ["wiki", "proxy:reverseproxy"]]);

    // Lint says what the file is; with one deployment, its unsafe fix is the upgrade.
    let out = run(&["lint", "bundle.yaml", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(200));
    assert!(String::from_utf8_lossy(&out.stdout).contains("F708"), "{}", String::from_utf8_lossy(&out.stdout));
    let single = tmp.path().join("single.yaml");
    let text = std::fs::read_to_string(&v3).unwrap();
    let base_only = &text[..text.find("wiki-production:").unwrap()];
    std::fs::write(&single, base_only).unwrap();
    let out = run(&["lint", "single.yaml", "--fix"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 finding has an unsafe fix"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(std::fs::read_to_string(&single).unwrap(), base_only, "a safe --fix leaves it alone");
    let out = run(&["lint", "single.yaml", "--fix", "--unsafe-fixes"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("fixed 1 finding (F708 ×1)") && !said.contains("error[F708]"), "{said}");
    let upgraded = run(&["bundle", "--upgrade", "bundle.yaml", "--deployment", "wiki-base"]);
    let fixed = std::fs::read_to_string(&single).unwrap();
    assert_eq!(
        fixed.lines().skip(1).collect::<Vec<_>>(),
        String::from_utf8_lossy(&upgraded.stdout).lines().skip(1).collect::<Vec<_>>()
    );
    let again = run(&["lint", "single.yaml", "--fix", "--unsafe-fixes"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to fix"));
}
