//! How a hook reaches the hook tools: as processes (a real Juju unit), or through the
//! functions a WebAssembly host provides (the simulator).

use crate::error::{Error, ErrorKind};

#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(target_family = "wasm")]
mod wasm;

#[cfg(not(target_family = "wasm"))]
pub use native::Native;
#[cfg(target_family = "wasm")]
pub use wasm::Wasm;

/// What a hook tool printed and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Exit code: 0 success, 1 failure, 2 usage error.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs hook tools. The SDK picks [`Native`] or `Wasm` by target; tests of a formula's
/// logic may bring their own.
pub trait Transport {
    /// Runs `tool` with `args`; an `Err` only when the tool could not be run at all.
    fn call(&mut self, tool: &str, args: &[String]) -> Result<Output, Error>;
}

/// The transport of the target this formula was built for.
pub fn default_transport() -> Box<dyn Transport> {
    #[cfg(not(target_family = "wasm"))]
    let transport = Native;
    #[cfg(target_family = "wasm")]
    let transport = Wasm;
    Box::new(transport)
}

/// Runs `tool` and turns a non-zero exit into a typed [`Error`].
pub(crate) fn checked(transport: &mut dyn Transport, tool: &str, args: &[String]) -> Result<String, Error> {
    let output = transport.call(tool, args)?;
    if output.code == 0 {
        Ok(output.stdout)
    } else {
        Err(Error::from_exit(tool, output.code, &output.stderr))
    }
}

/// Parses a tool's `--format json` output.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(tool: &str, stdout: &str) -> Result<T, Error> {
    serde_json::from_str(stdout.trim_end())
        .map_err(|e| Error::new(ErrorKind::Transport, tool, format!("unexpected output {:?}: {e}", stdout.trim_end())))
}
