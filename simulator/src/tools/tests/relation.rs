use super::{call, fails, ok};
use crate::tools::context::BagScope;
use crate::tools::memory::MemoryContext;
use crate::tools::run_request;
use crate::tools::NeedsStdin;

/// wordpress/0 related to mysql on `db` (ids 2, 3, 10; 11 dead) and to its
/// peers on `cluster` (id 7).
fn world() -> MemoryContext {
    MemoryContext::new("wordpress/0")
        .relation(3, "db", "mysql")
        .unit(3, "mysql/1", &[("host", "10.0.0.3")])
        .unit(3, "mysql/0", &[("host", "10.0.0.2"), ("port", "3306"), ("password", "12345")])
        .unit_settings(3, "wordpress/0", &[("private-address", "10.0.0.1")])
        .app_settings(3, "mysql", &[("database", "wp")])
        .app_settings(3, "wordpress", &[("site", "blog")])
        .relation(2, "db", "mysql")
        .relation(10, "db", "mysql")
        .relation(11, "db", "mysql")
        .dead_relation(11)
        .relation(7, "cluster", "wordpress")
        .unit(7, "wordpress/1", &[("ready", "true")])
}

fn in_hook() -> MemoryContext {
    world().hook_relation(3, Some("mysql/0"))
}

#[test]
fn get_all_keys_of_the_remote_unit() {
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &[])), "host: 10.0.0.2\npassword: \"12345\"\nport: \"3306\"\n");
    assert_eq!(
        ok(call(&mut in_hook(), "relation-get", &["-"])),
        "host: 10.0.0.2\npassword: \"12345\"\nport: \"3306\"\n"
    );
}

#[test]
fn get_one_key() {
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["port"])), "3306\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["missing"])), "");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["host", "mysql/1"])), "10.0.0.3\n");
}

#[test]
fn get_formats() {
    assert_eq!(
        ok(call(&mut in_hook(), "relation-get", &["--format", "json"])),
        "{\"host\":\"10.0.0.2\",\"password\":\"12345\",\"port\":\"3306\"}\n"
    );
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["--format=yaml", "password"])), "\"12345\"\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["password", "--format", "json"])), "\"12345\"\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["missing", "--format", "json"])), "null\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["missing", "--format", "yaml"])), "");
    fails(
        call(&mut in_hook(), "relation-get", &["--format", "xml"]),
        2,
        "invalid value \"xml\" for flag --format: unknown format \"xml\"",
    );
}

#[test]
fn relation_id_forms() {
    let mut outside = world();
    for args in [
        vec!["-r", "db:3", "host", "mysql/0"],
        vec!["-r", "3", "host", "mysql/0"],
        vec!["--relation", "db:3", "host", "mysql/0"],
        vec!["--relation=3", "host", "mysql/0"],
        vec!["-rdb:3", "host", "mysql/0"],
        vec!["host", "-r", "x:y:3", "mysql/0"],
    ] {
        assert_eq!(ok(call(&mut outside, "relation-get", &args)), "10.0.0.2\n", "{args:?}");
    }
    fails(
        call(&mut outside, "relation-get", &["-r", "db:x", "host", "mysql/0"]),
        2,
        "invalid value \"db:x\" for flag -r: invalid relation id",
    );
    fails(
        call(&mut outside, "relation-get", &["-r", "db:9", "host", "mysql/0"]),
        2,
        "invalid value \"db:9\" for flag -r: relation not found",
    );
    fails(
        call(&mut outside, "relation-get", &["--relation=9", "host", "mysql/0"]),
        2,
        "invalid value \"9\" for flag --relation: relation not found",
    );
    fails(call(&mut outside, "relation-get", &["-r"]), 2, "flag needs an argument: -r");
}

#[test]
fn relation_flag_overrides_the_hook_relation() {
    let mut ctx = in_hook().unit(10, "mysql/0", &[("host", "other")]);
    assert_eq!(ok(call(&mut ctx, "relation-get", &["-r", "db:10", "host"])), "other\n");
}

#[test]
fn missing_relation_or_unit() {
    fails(call(&mut world(), "relation-get", &[]), 2, "no relation id specified");
    fails(call(&mut world(), "relation-get", &["-r", "3"]), 2, "no unit or application specified");
    fails(call(&mut world(), "relation-get", &["-r", "3", "--app"]), 2, "no unit or application specified");
    fails(
        call(&mut in_hook(), "relation-get", &["host", "mysql/0", "extra", "more"]),
        2,
        "unrecognized args: [\"extra\" \"more\"]",
    );
}

#[test]
fn without_a_remote_unit_the_remote_app_bag_is_read() {
    // relation-created / -broken / app-level -changed: JUJU_REMOTE_UNIT is empty.
    let mut ctx = world().hook_relation(3, None);
    assert_eq!(ok(call(&mut ctx, "relation-get", &[])), "database: wp\n");
}

#[test]
fn app_flag() {
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["--app"])), "database: wp\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["--app", "database", "mysql"])), "wp\n");
    // A unit name with --app stands for its application.
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["--app", "-", "mysql/1"])), "database: wp\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-get", &["--app=false", "port"])), "3306\n");
}

#[test]
fn own_unit_sees_its_uncommitted_writes() {
    let mut ctx = in_hook();
    ok(call(&mut ctx, "relation-set", &["url=http://x", "private-address="]));
    assert_eq!(ok(call(&mut ctx, "relation-get", &["-", "wordpress/0"])), "url: http://x\n");
    // "-" alone never means the own unit.
    assert_eq!(ok(call(&mut ctx, "relation-get", &["url"])), "");
}

#[test]
fn own_app_bag_needs_leadership_outside_peers() {
    fails(call(&mut in_hook(), "relation-get", &["--app", "-", "wordpress"]), 1, "permission denied");
    let mut leader = in_hook().leader(true);
    ok(call(&mut leader, "relation-set", &["--app", "theme=dark"]));
    assert_eq!(ok(call(&mut leader, "relation-get", &["--app", "-", "wordpress"])), "site: blog\ntheme: dark\n");
    fails(
        call(&mut in_hook().leader_error("lease lost"), "relation-get", &["--app", "-", "wordpress"]),
        1,
        "cannot determine leadership status: lease lost",
    );
}

#[test]
fn unknown_units_are_refused() {
    fails(call(&mut in_hook(), "relation-get", &["-", "postgresql/0"]), 1, "permission denied");
    // mysql/9 is a unit of the related application that never joined: Juju's
    // `RelationUnit.ReadSettings` finds no settings for it (spec §4.3).
    fails(
        call(&mut in_hook(), "relation-get", &["-", "mysql/9"]),
        1,
        "cannot read settings for unit \"mysql/9\" in relation \"mysql:db wordpress:db\": unit \"mysql/9\": settings not found",
    );
}

#[test]
fn a_broken_relation_is_reachable_by_id_but_not_listed() {
    // Its own -relation-broken hook (spec §4.3): not in relation-ids, still readable by id.
    let mut ctx = world().broken_relation(2).app_settings(2, "mysql", &[("database", "gone")]).hook_relation(2, None);
    assert_eq!(ok(call(&mut ctx, "relation-ids", &[])), "db:10\ndb:3\n");
    assert_eq!(ok(call(&mut ctx, "relation-get", &["database"])), "gone\n");
    assert_eq!(ok(call(&mut ctx, "relation-get", &["-r", "db:2", "--app", "database", "mysql"])), "gone\n");
    assert_eq!(ok(call(&mut ctx, "relation-list", &[])), "");
    assert_eq!(ok(call(&mut ctx, "relation-list", &["--app"])), "mysql\n");
}

#[test]
fn remote_reads_are_frozen_for_the_hook() {
    let mut ctx = in_hook();
    assert_eq!(ok(call(&mut ctx, "relation-get", &["host"])), "10.0.0.2\n");
    ctx.controller_set_unit_settings(3, "mysql/0", &[("host", "10.9.9.9")]);
    assert_eq!(ok(call(&mut ctx, "relation-get", &["host"])), "10.0.0.2\n");
}

#[test]
fn empty_bag_prints_braces() {
    let mut ctx = world().unit(2, "mysql/5", &[]).hook_relation(2, Some("mysql/5"));
    assert_eq!(ok(call(&mut ctx, "relation-get", &[])), "{}\n");
    assert_eq!(ok(call(&mut ctx, "relation-get", &["--format", "json"])), "{}\n");
}

#[test]
fn multiline_values() {
    let mut ctx = world().unit(2, "mysql/5", &[("cert", "pew\npew\n")]).hook_relation(2, Some("mysql/5"));
    assert_eq!(ok(call(&mut ctx, "relation-get", &[])), "cert: |\n  pew\n  pew\n");
    assert_eq!(ok(call(&mut ctx, "relation-get", &["cert"])), "pew\npew\n\n");
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = in_hook().cwd(dir.path());
    assert_eq!(ok(call(&mut ctx, "relation-get", &["-o", "out.txt", "port"])), "");
    assert_eq!(std::fs::read_to_string(dir.path().join("out.txt")).unwrap(), "3306\n");
    assert_eq!(ok(call(&mut ctx, "relation-get", &["--output", "empty.txt", "missing"])), "");
    assert_eq!(std::fs::read_to_string(dir.path().join("empty.txt")).unwrap(), "");
    let missing = dir.path().join("no/such/dir/f");
    fails(
        call(&mut ctx, "relation-get", &["-o", missing.to_str().unwrap(), "port"]),
        1,
        &format!("open {}: no such file or directory", missing.display()),
    );
}

#[test]
fn set_buffers_unit_changes() {
    let mut ctx = in_hook();
    ok(call(&mut ctx, "relation-set", &["a=1", "b=", "c=x=y", "d= spaced "]));
    let pending = &ctx.pending_relation[&(3, BagScope::Unit)];
    assert_eq!(pending["a"].as_deref(), Some("1"));
    assert_eq!(pending["b"], None);
    assert_eq!(pending["c"].as_deref(), Some("x=y"));
    assert_eq!(pending["d"].as_deref(), Some(" spaced "));
}

#[test]
fn set_app_bag_is_leader_only() {
    fails(call(&mut in_hook(), "relation-set", &["--app", "a=1"]), 1, "cannot write relation settings");
    let mut leader = in_hook().leader(true);
    ok(call(&mut leader, "relation-set", &["--app", "a=1"]));
    assert_eq!(leader.pending_relation[&(3, BagScope::App)]["a"].as_deref(), Some("1"));
    assert!(!leader.pending_relation.contains_key(&(3, BagScope::Unit)));
}

#[test]
fn set_argument_errors() {
    fails(call(&mut in_hook(), "relation-set", &["a=1", "a=2"]), 2, "key \"a\" specified more than once");
    fails(call(&mut in_hook(), "relation-set", &["novalue"]), 2, "expected \"key=value\", got \"novalue\"");
    fails(call(&mut in_hook(), "relation-set", &["=v"]), 2, "expected \"key=value\", got \"=v\"");
    fails(call(&mut world(), "relation-set", &["a=1"]), 2, "no relation id specified");
    fails(call(&mut in_hook(), "relation-set", &["--bogus", "a=1"]), 2, "flag provided but not defined: --bogus");
}

#[test]
fn set_with_explicit_relation() {
    let mut ctx = world();
    ok(call(&mut ctx, "relation-set", &["-r", "db:2", "a=1"]));
    ok(call(&mut ctx, "relation-set", &["a=2", "--relation", "10"]));
    assert_eq!(ctx.pending_relation[&(2, BagScope::Unit)]["a"].as_deref(), Some("1"));
    assert_eq!(ctx.pending_relation[&(10, BagScope::Unit)]["a"].as_deref(), Some("2"));
}

#[test]
fn set_from_file_with_overrides() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.yaml"), "a: one\nb: two\ncert: |\n  x\n  y\n").unwrap();
    let mut ctx = in_hook().cwd(dir.path());
    ok(call(&mut ctx, "relation-set", &["--file", "s.yaml", "b=override"]));
    let pending = &ctx.pending_relation[&(3, BagScope::Unit)];
    assert_eq!(pending["a"].as_deref(), Some("one"));
    assert_eq!(pending["b"].as_deref(), Some("override"));
    assert_eq!(pending["cert"].as_deref(), Some("x\ny\n"));
    let missing = dir.path().join("nope.yaml");
    fails(
        call(&mut ctx, "relation-set", &["--file", "nope.yaml"]),
        1,
        &format!("open {}: no such file or directory", missing.display()),
    );
    std::fs::write(dir.path().join("bad.yaml"), "a: [1, 2]\n").unwrap();
    fails(
        call(&mut ctx, "relation-set", &["--file=bad.yaml"]),
        1,
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string",
    );
}

#[test]
fn set_from_stdin() {
    let mut ctx = in_hook();
    let args = vec!["--file".to_string(), "-".to_string()];
    // Without stdin the request asks for it and changes nothing.
    assert_eq!(run_request("relation-set", &args, None, &mut ctx), Err(NeedsStdin));
    assert!(ctx.pending_relation.is_empty());
    let out = run_request("relation-set", &args, Some(b"{\"k\": \"v\"}"), &mut ctx).unwrap();
    assert_eq!(out.code, 0);
    assert_eq!(ctx.pending_relation[&(3, BagScope::Unit)]["k"].as_deref(), Some("v"));
}

#[test]
fn set_deprecated_format_warns_without_newline() {
    let out = call(&mut in_hook(), "relation-set", &["--format", "json", "a=1"]);
    assert_eq!(out.code, 0);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "--format flag deprecated for command \"relation-set\"");
}

#[test]
fn list_members() {
    assert_eq!(ok(call(&mut in_hook(), "relation-list", &[])), "mysql/0\nmysql/1\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-list", &["--format", "json"])), "[\"mysql/0\",\"mysql/1\"]\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-list", &["--format", "yaml"])), "- mysql/0\n- mysql/1\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-list", &["--app"])), "mysql\n");
    assert_eq!(ok(call(&mut world(), "relation-list", &["-r", "cluster:7"])), "wordpress/1\n");
    assert_eq!(ok(call(&mut world(), "relation-list", &["-r", "2"])), "");
    assert_eq!(ok(call(&mut world(), "relation-list", &["-r", "2", "--format=json"])), "[]\n");
    fails(call(&mut world(), "relation-list", &[]), 2, "no relation id specified");
    fails(call(&mut in_hook(), "relation-list", &["mysql/0"]), 2, "unrecognized args: [\"mysql/0\"]");
}

#[test]
fn ids_sorted_as_strings() {
    assert_eq!(ok(call(&mut in_hook(), "relation-ids", &[])), "db:10\ndb:2\ndb:3\n");
    assert_eq!(ok(call(&mut in_hook(), "relation-ids", &["--format", "json"])), "[\"db:10\",\"db:2\",\"db:3\"]\n");
    assert_eq!(ok(call(&mut world(), "relation-ids", &["cluster"])), "cluster:7\n");
    assert_eq!(ok(call(&mut world(), "relation-ids", &["website"])), "");
    assert_eq!(ok(call(&mut world(), "relation-ids", &["website", "--format", "json"])), "[]\n");
    fails(call(&mut world(), "relation-ids", &[]), 2, "no relation name specified");
    fails(call(&mut world(), "relation-ids", &["db", "x"]), 2, "unrecognized args: [\"x\"]");
}

#[test]
fn help_shows_the_default_relation() {
    let out = ok(call(&mut in_hook(), "relation-get", &["--help"]));
    assert!(out.starts_with("Usage: relation-get [options] [<key> [<unit id>]]\n\nSummary:\n"), "{out}");
    assert!(out.contains("-r, --relation  (= db:3)\n"), "{out}");
    assert!(out.contains("--app  (= false)\n"), "{out}");
    assert!(out.contains("-o, --output (= \"\")\n"), "{out}");
    let out = ok(call(&mut world(), "relation-get", &["-h"]));
    assert!(out.starts_with("Usage: relation-get [options] <key> <unit id>\n"), "{out}");
    assert!(out.contains("-r, --relation  (= )\n"), "{out}");
}
