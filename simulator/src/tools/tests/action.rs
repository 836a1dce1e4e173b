use std::collections::BTreeMap;

use super::{call, fails, ok};
use crate::model::Value;
use crate::tools::memory::MemoryContext;

fn in_action() -> MemoryContext {
    let params = serde_json::json!({
        "timeout": 30,
        "verbose": true,
        "target": {"host": "db", "port": 5432, "tags": ["a", "b"]},
        "name": "backup",
        "size": 1000000
    });
    let Value::Map(params) = Value::from_json(&params) else { unreachable!() };
    MemoryContext::new("pg/0").action(params)
}

#[test]
fn get_params() {
    assert_eq!(ok(call(&mut in_action(), "action-get", &["timeout"])), "30\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["verbose"])), "True\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["name"])), "backup\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["target.port"])), "5432\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["target.tags"])), "- a\n- b\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["target"])), "host: db\nport: 5432\ntags:\n- a\n- b\n");
    // Numbers reach the agent as float64 (spec §2.4): yaml.v2 prints large ones with an exponent.
    assert_eq!(ok(call(&mut in_action(), "action-get", &["size"])), "1e+06\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["size", "--format", "json"])), "1000000\n");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["target.missing"])), "");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["name.deeper"])), "");
    assert_eq!(ok(call(&mut in_action(), "action-get", &["missing.deeper"])), "");
    assert_eq!(
        ok(call(&mut in_action(), "action-get", &["--format", "json"])),
        "{\"name\":\"backup\",\"size\":1000000,\"target\":{\"host\":\"db\",\"port\":5432,\"tags\":[\"a\",\"b\"]},\"timeout\":30,\"verbose\":true}\n"
    );
    let mut empty = MemoryContext::new("pg/0").action(BTreeMap::new());
    assert_eq!(ok(call(&mut empty, "action-get", &[])), "{}\n");
    fails(call(&mut in_action(), "action-get", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
}

#[test]
fn set_results() {
    let mut ctx = in_action();
    ok(call(&mut ctx, "action-set", &["outfile.size=10G", "foo.bar=2"]));
    ok(call(&mut ctx, "action-set", &["foo.bar.zab=4", "foo.baz=1", "msg=a=b"]));
    assert_eq!(
        crate::tools::format::yaml(&Value::Map(ctx.action_results.clone())),
        "foo:\n  bar:\n    zab: \"4\"\n  baz: \"1\"\nmsg: a=b\noutfile:\n  size: 10G\n"
    );
}

#[test]
fn set_errors() {
    let mut ctx = in_action();
    fails(call(&mut ctx, "action-set", &["novalue"]), 2, "argument \"novalue\" must be of the form key...=value");
    fails(
        call(&mut ctx, "action-set", &["Foo=1"]),
        2,
        "key \"Foo\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods",
    );
    fails(
        call(&mut ctx, "action-set", &["a..b=1"]),
        2,
        "key \"\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods",
    );
    fails(call(&mut ctx, "action-set", &["result.stdout=x"]), 2, "cannot set reserved action key \"stdout\"");
    assert!(ctx.action_results.is_empty());
}

#[test]
fn fail_and_log() {
    let mut ctx = in_action();
    ok(call(&mut ctx, "action-log", &["step", "1"]));
    ok(call(&mut ctx, "action-fail", &["disk full"]));
    assert_eq!(ctx.action_logs, vec!["step 1".to_string()]);
    assert_eq!(ctx.action_failed.as_deref(), Some("disk full"));
    let mut ctx = in_action();
    ok(call(&mut ctx, "action-fail", &[]));
    assert_eq!(ctx.action_failed.as_deref(), Some("action failed without reason given, check action for errors"));
    fails(call(&mut ctx, "action-fail", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
    fails(call(&mut ctx, "action-log", &[]), 2, "no message specified");
}

#[test]
fn outside_an_action() {
    let mut ctx = MemoryContext::new("pg/0");
    fails(call(&mut ctx, "action-get", &[]), 1, "not running an action");
    fails(call(&mut ctx, "action-set", &["a=1"]), 1, "not running an action");
    fails(call(&mut ctx, "action-fail", &[]), 1, "not running an action");
    fails(call(&mut ctx, "action-log", &["x"]), 1, "not running an action");
    // With nothing to set, action-set has nothing to refuse.
    ok(call(&mut ctx, "action-set", &[]));
}

#[test]
fn reboot() {
    let mut ctx = MemoryContext::new("pg/0");
    ok(call(&mut ctx, "juju-reboot", &[]));
    assert_eq!(ctx.reboot, Some(false));
    ok(call(&mut ctx, "juju-reboot", &["--now"]));
    assert_eq!(ctx.reboot, Some(true));
    fails(call(&mut in_action(), "juju-reboot", &[]), 1, "juju-reboot is not supported when running an action.");
    fails(call(&mut ctx, "juju-reboot", &["later"]), 2, "unrecognized args: [\"later\"]");
}
