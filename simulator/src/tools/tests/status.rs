use super::{call, fails, ok};
use crate::tools::memory::MemoryContext;

#[test]
fn set_unit_status() {
    let mut ctx = MemoryContext::new("wp/0");
    ok(call(&mut ctx, "status-set", &["maintenance", "installing packages"]));
    ok(call(&mut ctx, "status-set", &["active"]));
    assert_eq!(
        ctx.status_history,
        vec![
            (false, "maintenance".to_string(), "installing packages".to_string()),
            (false, "active".to_string(), String::new()),
        ]
    );
    assert_eq!(ctx.unit_status.status, "active");
}

#[test]
fn set_errors() {
    let mut ctx = MemoryContext::new("wp/0");
    fails(call(&mut ctx, "status-set", &[]), 2, "invalid args, require <status> [message]");
    for bad in ["error", "unknown", "Active"] {
        fails(
            call(&mut ctx, "status-set", &[bad]),
            2,
            &format!("invalid status \"{bad}\", expected one of [maintenance blocked waiting active]"),
        );
    }
    fails(call(&mut ctx, "status-set", &["active", "a", "b"]), 2, "unrecognized args: [\"b\"]");
    fails(call(&mut ctx, "status-set", &["--application", "active"]), 1, "this unit is not the leader");
    assert!(ctx.status_history.is_empty());
}

#[test]
fn set_application_status_as_leader() {
    let mut ctx = MemoryContext::new("wp/0").leader(true);
    ok(call(&mut ctx, "status-set", &["--application", "blocked", "need a database"]));
    assert_eq!(ctx.application_status.application.status, "blocked");
    assert_eq!(ctx.application_status.application.message, "need a database");
}

#[test]
fn get_unit_status() {
    let mut ctx = MemoryContext::new("wp/0").status("active", "ready");
    assert_eq!(ok(call(&mut ctx, "status-get", &[])), "active\n");
    assert_eq!(ok(call(&mut ctx, "status-get", &["--format", "yaml"])), "status: active\n");
    assert_eq!(ok(call(&mut ctx, "status-get", &["--format", "json"])), "{\"status\":\"active\"}\n");
    assert_eq!(
        ok(call(&mut ctx, "status-get", &["--include-data"])),
        "message: ready\nstatus: active\nstatus-data: {}\n"
    );
    assert_eq!(
        ok(call(&mut ctx, "status-get", &["--include-data", "--format=json"])),
        "{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}\n"
    );
    fails(call(&mut ctx, "status-get", &["x"]), 2, "unrecognized args: [\"x\"]");
}

#[test]
fn get_application_status() {
    fails(
        call(&mut MemoryContext::new("wp/0"), "status-get", &["--application"]),
        1,
        "finding application status: this unit is not the leader",
    );
    let mut ctx = MemoryContext::new("wp/0").leader(true).status("waiting", "db");
    ok(call(&mut ctx, "status-set", &["--application", "active", "up"]));
    assert_eq!(ok(call(&mut ctx, "status-get", &["--application"])), "active\n");
    assert_eq!(
        ok(call(&mut ctx, "status-get", &["--application", "--include-data"])),
        "application-status:\n  message: up\n  status: active\n  status-data: {}\n  units:\n\
         \x20   wp/0:\n      message: db\n      status: waiting\n      status-data: {}\n"
    );
    assert_eq!(
        ok(call(&mut ctx, "status-get", &["--application", "--format", "json"])),
        "{\"application-status\":{\"status\":\"active\",\"units\":{\"wp/0\":{\"status\":\"waiting\"}}}}\n"
    );
}
