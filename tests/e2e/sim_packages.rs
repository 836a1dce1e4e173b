//! Units on the ns backend install Debian's packages through the run's package cache: the
//! gateway's address on the run's network relays apt's proxy requests to apt-cacher-ng on the machine's
//! loopback, which the simulator starts when none answers. The units reach nothing else.
//! A MediaWiki stack on real packages (examples/mediawiki) comes up and serves its Main
//! Page through HAProxy.
//!
//! Like the other ns tests these need root (CI runs as root), and the machine's Debian
//! mirror, which `.ci/run` reaches to install its own packages.

use crate::sim_ns::ns_guard;
use crate::support::*;

#[test]
fn a_unit_installs_a_package_through_the_package_cache() {
    let _one = ns_guard();
    let run = sim(&repo().join("tests/formulas/ns-apt"), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("installed from Debian"), "{}", run.stdout);
    // Nothing but the cache: the unit has no route to any other address.
    assert!(run.stdout.contains("10.77.0.10"), "{}", run.stdout);
}

#[test]
fn without_a_package_cache_apt_says_why() {
    let _one = ns_guard();
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = dir.path().join("trace.jsonl");
    // Port 9 (discard) has no listener on loopback; a cache named by the user is never started.
    let output = formula()
        .env("FORMULA_PACKAGE_PROXY", "127.0.0.1:9")
        .arg("sim")
        .arg(repo().join("tests/formulas/ns-apt"))
        .args(["--backend", "ns", "--keep", "never", "--trace"])
        .arg(&trace)
        .output()
        .expect("run formula sim");
    let run = SimRun::from_output(output, &trace);
    assert_ne!(run.code, 0, "{}", run.stdout);
    let trace_text = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(
        trace_text.contains("502  formula sim: no package cache answers at 127.0.0.1:9 (FORMULA_PACKAGE_PROXY)"),
        "apt's error does not carry the reason: {}",
        run.stdout
    );
}

#[test]
fn the_mediawiki_stack_serves_its_main_page_through_the_proxy() {
    let _one = ns_guard();
    // The scenario's own expectations fetch the page through HAProxy from both wiki units,
    // and find MediaWiki's objects in memcached.
    let run = sim(&repo().join("examples/mediawiki/scenarios/stack.yaml"), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let hooks = run.hooks();
    for unit in ["mediawiki/0", "mediawiki/1", "mariadb/0", "memcached/0", "haproxy/0"] {
        assert!(hooks.iter().any(|h| h.unit == unit && h.name == "install" && h.result == "ok"), "{unit}");
    }
    assert!(run.stdout.contains("serving Formula Wiki"), "{}", run.stdout);
}

#[test]
fn the_mediawiki_database_relation_goes_and_comes_back() {
    let _one = ns_guard();
    // The scenario's expectations: without the relation the wiki units withdraw from the
    // proxy (503) and MariaDB has dropped the relation's user; with it again they serve the
    // same wiki on a new user, and the installer ran once in all.
    let run = sim(&repo().join("examples/mediawiki/scenarios/db-relation.yaml"), &["--backend", "ns"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let hooks = run.hooks();
    let broken =
        |unit: &str| hooks.iter().any(|h| h.unit == unit && h.name == "db-relation-broken" && h.result == "ok");
    assert!(broken("mariadb/0") && broken("mediawiki/0") && broken("mediawiki/1"), "{}", run.stdout);
}
