use super::{call, fails, ok};
use crate::model::Value;
use crate::tools::memory::MemoryContext;

fn world() -> MemoryContext {
    MemoryContext::new("wordpress/0")
        .config("title", "My Title")
        .config("username", "admin001")
        .config("spline-reticulation", 45i64)
        .config("monsters", false)
        .config("ratio", 0.5)
        .config("big", 1e6)
        .config("numeric-string", "12345")
        .config("cache-size", 1073741824i64)
        .config("million", 1000000i64)
        .config_unset("empty")
}

#[test]
fn all_set_options() {
    assert_eq!(
        ok(call(&mut world(), "config-get", &[])),
        "big: 1e+06\ncache-size: 1.073741824e+09\nmillion: 1e+06\nmonsters: false\n\
         numeric-string: \"12345\"\nratio: 0.5\nspline-reticulation: 45\ntitle: My Title\nusername: admin001\n"
    );
}

#[test]
fn all_options_including_unset() {
    let out = ok(call(&mut world(), "config-get", &["--all"]));
    assert!(out.starts_with("big: 1e+06\ncache-size: 1.073741824e+09\nempty: null\nmillion: 1e+06\n"), "{out}");
    assert_eq!(out, ok(call(&mut world(), "config-get", &["-a"])));
    assert_eq!(
        ok(call(&mut world(), "config-get", &["-a", "--format", "json"])),
        "{\"big\":1000000,\"cache-size\":1073741824,\"empty\":null,\"million\":1000000,\"monsters\":false,\"numeric-string\":\"12345\",\
         \"ratio\":0.5,\"spline-reticulation\":45,\"title\":\"My Title\",\"username\":\"admin001\"}\n"
    );
}

#[test]
fn one_key_in_each_format() {
    let cases: &[(&[&str], &str)] = &[
        (&["monsters"], "False\n"),
        (&["--format", "yaml", "monsters"], "false\n"),
        (&["--format", "json", "monsters"], "false\n"),
        (&["spline-reticulation"], "45\n"),
        (&["--format", "yaml", "spline-reticulation"], "45\n"),
        (&["--format", "json", "spline-reticulation"], "45\n"),
        (&["missing"], ""),
        (&["--format", "yaml", "missing"], ""),
        (&["--format", "json", "missing"], "null\n"),
        (&["empty"], ""),
        (&["title"], "My Title\n"),
        (&["numeric-string"], "12345\n"),
        (&["numeric-string", "--format=yaml"], "\"12345\"\n"),
        (&["big"], "1e+06\n"),
        (&["big", "--format=json"], "1000000\n"),
        (&["ratio"], "0.5\n"),
        // Int options arrive as float64 (spec §2.4): yaml.v2 writes large ones with an exponent.
        (&["million"], "1e+06\n"),
        (&["million", "--format=yaml"], "1e+06\n"),
        (&["million", "--format=json"], "1000000\n"),
        (&["cache-size"], "1.073741824e+09\n"),
        (&["cache-size", "--format=json"], "1073741824\n"),
    ];
    for (args, expected) in cases {
        assert_eq!(ok(call(&mut world(), "config-get", args)), *expected, "{args:?}");
    }
}

#[test]
fn usage_errors() {
    fails(
        call(&mut world(), "config-get", &["--all", "--format", "json", "monsters"]),
        2,
        "cannot use argument --all together with key \"monsters\"",
    );
    fails(call(&mut world(), "config-get", &["multiple", "keys"]), 2, "unrecognized args: [\"keys\"]");
    fails(
        call(&mut world(), "config-get", &["--all=maybe"]),
        2,
        "invalid value \"maybe\" for flag --all: strconv.ParseBool: parsing \"maybe\": invalid syntax",
    );
}

#[test]
fn no_configuration() {
    let mut ctx = MemoryContext::new("u/0");
    assert_eq!(ok(call(&mut ctx, "config-get", &[])), "{}\n");
    assert_eq!(ok(call(&mut ctx, "config-get", &["--format", "json"])), "{}\n");
}

#[test]
fn nested_values_print_as_yaml() {
    let mut ctx = MemoryContext::new("u/0").config("list", Value::List(vec![Value::from("a"), Value::Int(1)]));
    assert_eq!(ok(call(&mut ctx, "config-get", &["list"])), "- a\n- 1\n");
}

#[test]
fn help() {
    let out = ok(call(&mut world(), "config-get", &["--help"]));
    assert!(out.starts_with("Usage: config-get [options] [<key>]\n\nSummary:\n"), "{out}");
    assert!(out.contains("\nOptions:\n-a, --all  (= false)\n"), "{out}");
    assert!(out.contains("--format  (= smart)\n"), "{out}");
    assert!(out.contains("\nDetails:\n"), "{out}");
}
