//! Behaviour tests of the hook tools, one file per tool family. Each test
//! builds a [`MemoryContext`], runs a tool as a hook would and checks the
//! exit code, the exact output and what the tool did to the context.

use super::memory::MemoryContext;
use super::{run, ToolOutput};

mod action;
mod cloud;
mod config;
mod dispatch;
mod goal_state;
mod leader;
mod log;
mod ports;
mod relation;
mod secret;
mod state;
mod status;
mod storage;
mod unit;

/// Runs `tool args...` against `ctx` with empty stdin.
fn call(ctx: &mut MemoryContext, tool: &str, args: &[&str]) -> ToolOutput {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run(tool, &args, b"", ctx)
}

/// Asserts success with nothing on stderr; returns stdout.
#[track_caller]
fn ok(out: ToolOutput) -> String {
    assert_eq!(
        (out.code, String::from_utf8_lossy(&out.stderr).to_string()),
        (0, String::new()),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Asserts exit `code` with `ERROR <message>` on stderr and no stdout.
#[track_caller]
fn fails(out: ToolOutput, code: i32, message: &str) {
    assert_eq!(
        (out.code, String::from_utf8_lossy(&out.stderr).to_string(), String::from_utf8_lossy(&out.stdout).to_string()),
        (code, format!("ERROR {message}\n"), String::new())
    );
}
