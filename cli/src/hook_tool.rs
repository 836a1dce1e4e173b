//! The entry of `formula-hook-tool`, the small executable every hook tool links to: the
//! tool's name is the name it was started under.
//!
//! `cli/build.rs` compiles it on its own, with `tool_client.rs` and the wire format and
//! nothing else, statically linked where the platform allows (it then runs in any unit,
//! whatever its C library, and starts as fast as `true`); `formula` embeds that executable
//! and writes it into each run's directory. `formula` started under a tool's name runs the
//! same code.

use std::process::ExitCode;

/// The executable's own name, under which it is no tool.
pub const NAME: &str = "formula-hook-tool";

/// Runs the tool named by `argv[0]` with the other arguments.
pub fn main(mut args: impl Iterator<Item = std::ffi::OsString>) -> ExitCode {
    let argv0 = args.next().unwrap_or_default();
    let name = std::path::Path::new(&argv0).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name == NAME {
        eprintln!("{NAME}: started under a hook tool's name (relation-get, …), calls the simulator that runs the hook");
        return ExitCode::from(2);
    }
    crate::tool_client::run(&name, args.map(|a| a.to_string_lossy().into_owned()).collect())
}
