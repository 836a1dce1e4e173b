use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;

#[test]
fn is_leader() {
    assert_eq!(ok(call(&mut MemoryContext::new("wp/0"), "is-leader", &[])), "False\n");
    assert_eq!(ok(call(&mut MemoryContext::new("wp/0").leader(true), "is-leader", &[])), "True\n");
    assert_eq!(ok(call(&mut MemoryContext::new("wp/0").leader(true), "is-leader", &["--format=json"])), "true\n");
    assert_eq!(ok(call(&mut MemoryContext::new("wp/0"), "is-leader", &["--format", "yaml"])), "false\n");
    fails(
        call(&mut MemoryContext::new("wp/0").leader_error("lease expired"), "is-leader", &[]),
        1,
        "leadership status unknown: lease expired",
    );
    fails(call(&mut MemoryContext::new("wp/0"), "is-leader", &["now"]), 2, "unrecognized args: [\"now\"]");
}

fn settings() -> MemoryContext {
    MemoryContext::new("wp/0").leader_settings(&[("password", "12345"), ("host", "10.0.0.1")])
}

#[test]
fn leader_get() {
    assert_eq!(ok(call(&mut settings(), "leader-get", &[])), "host: 10.0.0.1\npassword: \"12345\"\n");
    assert_eq!(ok(call(&mut settings(), "leader-get", &["-"])), "host: 10.0.0.1\npassword: \"12345\"\n");
    assert_eq!(ok(call(&mut settings(), "leader-get", &["password"])), "12345\n");
    assert_eq!(ok(call(&mut settings(), "leader-get", &["missing"])), "");
    assert_eq!(
        ok(call(&mut settings(), "leader-get", &["--format", "json"])),
        "{\"host\":\"10.0.0.1\",\"password\":\"12345\"}\n"
    );
    fails(call(&mut settings(), "leader-get", &["a=b"]), 2, "invalid key \"a=b\"");
    fails(call(&mut settings(), "leader-get", &["a", "b"]), 2, "unrecognized args: [\"b\"]");
}

#[test]
fn leader_set_is_immediate_and_leader_only() {
    let mut ctx = settings().leader(true);
    ok(call(&mut ctx, "leader-set", &["password=", "new=1"]));
    assert_eq!(ok(call(&mut ctx, "leader-get", &[])), "host: 10.0.0.1\nnew: \"1\"\n");
    let mut follower = settings();
    fails(
        call(&mut follower, "leader-set", &["a=1"]),
        1,
        "cannot write leadership settings: cannot write settings: not the leader",
    );
    assert_eq!(follower.leader_settings.len(), 2);
    fails(call(&mut ctx, "leader-set", &["a"]), 2, "expected \"key=value\", got \"a\"");
    fails(call(&mut ctx, "leader-set", &["a=1", "a=2"]), 2, "key \"a\" specified more than once");
}
