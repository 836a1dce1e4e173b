use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;
use crate::tools::{run_request, NeedsStdin};

fn world() -> MemoryContext {
    MemoryContext::new("app/0").state(&[("a", "1"), ("b", "two")])
}

#[test]
fn get() {
    assert_eq!(ok(call(&mut world(), "state-get", &[])), "a: \"1\"\nb: two\n");
    assert_eq!(ok(call(&mut world(), "state-get", &["-"])), "a: \"1\"\nb: two\n");
    assert_eq!(ok(call(&mut world(), "state-get", &["a"])), "1\n");
    assert_eq!(ok(call(&mut world(), "state-get", &["missing"])), "");
    assert_eq!(ok(call(&mut world(), "state-get", &["--format", "json"])), "{\"a\":\"1\",\"b\":\"two\"}\n");
    fails(call(&mut world(), "state-get", &["--strict", "missing"]), 1, "\"missing\" not found");
    fails(call(&mut world(), "state-get", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
    assert_eq!(ok(call(&mut MemoryContext::new("app/0"), "state-get", &[])), "{}\n");
}

#[test]
fn set_and_delete_are_buffered_but_visible() {
    let mut ctx = world();
    ok(call(&mut ctx, "state-set", &["c=3", "a="]));
    ok(call(&mut ctx, "state-delete", &["b"]));
    assert_eq!(ctx.pending_state["c"].as_deref(), Some("3"));
    assert_eq!(ctx.pending_state["a"].as_deref(), Some(""));
    assert_eq!(ctx.pending_state["b"], None);
    assert_eq!(ok(call(&mut ctx, "state-get", &[])), "a: \"\"\nc: \"3\"\n");
}

#[test]
fn set_errors_and_limits() {
    let mut ctx = world();
    fails(call(&mut ctx, "state-set", &["x"]), 2, "expected \"key=value\", got \"x\"");
    let long_key = format!("{}=v", "k".repeat(257));
    fails(call(&mut ctx, "state-set", &[&long_key]), 1, "max allowed key length (256) exceeded");
    let long_value = format!("k={}", "v".repeat(64 * 1024 + 1));
    fails(call(&mut ctx, "state-set", &[&long_value]), 1, "max allowed value length (65536) exceeded");
    assert!(ctx.pending_state.is_empty());
    ok(call(&mut ctx, "state-set", &[]));
    ok(call(&mut ctx, "state-delete", &[]));
    fails(call(&mut ctx, "state-delete", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
}

#[test]
fn set_from_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kv.yaml"), "x: 1\ny: 2\n").unwrap();
    let mut ctx = world().cwd(dir.path());
    ok(call(&mut ctx, "state-set", &["--file", "kv.yaml", "y=override"]));
    assert_eq!(ctx.pending_state["x"].as_deref(), Some("1"));
    assert_eq!(ctx.pending_state["y"].as_deref(), Some("override"));
    let args = vec!["--file=-".to_string()];
    assert_eq!(run_request("state-set", &args, None, &mut ctx), Err(NeedsStdin));
    let out = run_request("state-set", &args, Some(b"z: 9\n"), &mut ctx).unwrap();
    assert_eq!(out.code, 0);
    assert_eq!(ctx.pending_state["z"].as_deref(), Some("9"));
}
