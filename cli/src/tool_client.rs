//! The hook-tool client: started as `relation-get` (a link on the hook's PATH), it forwards
//! its arguments to the simulator over the socket named in the environment, and prints the
//! answer as the tool would.
//!
//! It uses `std` and the wire format only: it is compiled into `formula` (which answers to the
//! tools' names too) and, on its own, into the small `formula-hook-tool` (see `hook_tool.rs`).

use crate::wire::{self, Request};
use std::io::{Read, Write};
use std::process::ExitCode;

/// Runs the call of `tool` with `args` and returns its exit code.
pub fn run(tool: &str, args: Vec<String>) -> ExitCode {
    let env = |names: &[&str]| names.iter().find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()));
    let Some(context) = env(&["JUJU_CONTEXT_ID", "ENSEMBLE_CLIENT_ID"]) else {
        eprintln!("ERROR JUJU_CONTEXT_ID not set");
        return ExitCode::from(1);
    };
    let Some(socket) = env(&["JUJU_AGENT_SOCKET_ADDRESS", "JUJU_AGENT_SOCKET", "ENSEMBLE_AGENT_SOCKET"]) else {
        eprintln!("ERROR JUJU_AGENT_SOCKET_ADDRESS not set");
        return ExitCode::from(1);
    };
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let request = Request { context, tool: tool.to_string(), args, cwd, has_stdin: false, stdin: Vec::new() };
    let read_stdin = || {
        let mut buf = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut buf);
        buf
    };
    match wire::call(std::path::Path::new(&socket), &request, read_stdin) {
        Ok(response) => {
            let _ = std::io::stdout().write_all(&response.stdout);
            let _ = std::io::stderr().write_all(&response.stderr);
            ExitCode::from(u8::try_from(response.code).unwrap_or(1))
        }
        // Arguments or input over the wire's limits: never sent.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("ERROR cannot send the call: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("ERROR cannot reach the unit agent at {socket}: {e}");
            ExitCode::from(1)
        }
    }
}
