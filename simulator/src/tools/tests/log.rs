use super::{call, fails, ok};
use crate::tools::context::LogLevel;
use crate::tools::memory::MemoryContext;

#[test]
fn logs_joined_message_at_info() {
    let mut ctx = MemoryContext::new("wp/0");
    assert_eq!(ok(call(&mut ctx, "juju-log", &["hello", "world"])), "");
    assert_eq!(ctx.logs, vec![(LogLevel::Info, "hello world".to_string())]);
}

#[test]
fn levels() {
    let mut ctx = MemoryContext::new("wp/0");
    ok(call(&mut ctx, "juju-log", &["--debug", "a"]));
    ok(call(&mut ctx, "juju-log", &["-l", "warn", "b"]));
    ok(call(&mut ctx, "juju-log", &["--log-level=ERROR", "c"]));
    ok(call(&mut ctx, "juju-log", &["-lTRACE", "d"]));
    ok(call(&mut ctx, "juju-log", &["-l", "LOUD", "e"]));
    assert_eq!(
        ctx.logs,
        vec![
            (LogLevel::Debug, "a".to_string()),
            (LogLevel::Warning, "b".to_string()),
            (LogLevel::Error, "c".to_string()),
            (LogLevel::Trace, "d".to_string()),
            (LogLevel::Warning, "Specified log level of \"LOUD\" is not valid".to_string()),
            (LogLevel::Info, "e".to_string()),
        ]
    );
}

#[test]
fn relation_hooks_prefix_the_relation_id() {
    let mut ctx = MemoryContext::new("wp/0").relation(4, "db", "mysql").hook_relation(4, Some("mysql/0"));
    ok(call(&mut ctx, "juju-log", &["joined"]));
    assert_eq!(ctx.logs, vec![(LogLevel::Info, "db:4: joined".to_string())]);
}

#[test]
fn errors_and_alias() {
    fails(call(&mut MemoryContext::new("wp/0"), "juju-log", &[]), 2, "no message specified");
    fails(call(&mut MemoryContext::new("wp/0"), "juju-log", &["-l"]), 2, "flag needs an argument: -l");
    let mut ctx = MemoryContext::new("wp/0");
    ok(call(&mut ctx, "ensemble-log", &["from", "2011"]));
    assert_eq!(ctx.logs, vec![(LogLevel::Info, "from 2011".to_string())]);
    let out = call(&mut ctx, "ensemble-log", &["--format", "json", "x"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "--format flag deprecated for command \"ensemble-log\"");
}
