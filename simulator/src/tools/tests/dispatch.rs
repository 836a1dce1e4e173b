use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;
use crate::tools::{run, TOOL_NAMES};

#[test]
fn unknown_tool() {
    fails(call(&mut MemoryContext::new("a/0"), "relation-frob", &[]), 1, "bad request: unknown command: relation-frob");
}

#[test]
fn every_tool_has_help() {
    for tool in TOOL_NAMES {
        let out = ok(call(&mut MemoryContext::new("a/0"), tool, &["--help"]));
        assert!(out.starts_with(&format!("Usage: {tool}")), "{tool}: {out}");
        assert!(out.contains("\nSummary:\n"), "{tool}: {out}");
    }
}

#[test]
fn help_without_flags_has_no_options_section() {
    let out = ok(call(&mut MemoryContext::new("a/0"), "application-version-set", &["-h"]));
    assert!(out.starts_with("Usage: application-version-set <new-version>\n\nSummary:\n"), "{out}");
    assert!(!out.contains("Options:"), "{out}");
}

#[test]
fn undefined_flags_on_every_tool() {
    for tool in TOOL_NAMES {
        fails(
            call(&mut MemoryContext::new("a/0"), tool, &["--no-such-flag"]),
            2,
            "flag provided but not defined: --no-such-flag",
        );
        fails(call(&mut MemoryContext::new("a/0"), tool, &["-Z"]), 2, "flag provided but not defined: -Z");
    }
}

#[test]
fn application_version_set() {
    let mut ctx = MemoryContext::new("a/0");
    ok(call(&mut ctx, "application-version-set", &["1.2.3"]));
    assert_eq!(ctx.workload_version.as_deref(), Some("1.2.3"));
    fails(call(&mut ctx, "application-version-set", &[]), 2, "no version specified");
    fails(call(&mut ctx, "application-version-set", &["1", "2"]), 2, "unrecognized args: [\"2\"]");
}

#[test]
fn arguments_after_double_dash_are_positional() {
    let mut ctx = MemoryContext::new("a/0");
    ok(call(&mut ctx, "juju-log", &["--", "--debug", "-x"]));
    assert_eq!(ctx.logs[0].1, "--debug -x");
}

#[test]
fn run_takes_stdin() {
    let mut ctx = MemoryContext::new("a/0").relation(1, "db", "x").hook_relation(1, None);
    let args = vec!["--file".to_string(), "-".to_string()];
    let out = run("relation-set", &args, b"k: v\n", &mut ctx);
    assert_eq!(out.code, 0);
}
