//! Native hooks run the hook-tool executables found on `PATH`, as any hook on a Juju unit does.

use super::{Output, Transport};
use crate::error::{Error, ErrorKind};
use std::process::{Command, Stdio};

/// Runs each tool as a child process and collects its output.
#[derive(Debug, Default, Clone, Copy)]
pub struct Native;

impl Transport for Native {
    fn call(&mut self, tool: &str, args: &[String]) -> Result<Output, Error> {
        let output = Command::new(tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::new(ErrorKind::Transport, tool, format!("cannot run `{tool}`: {e}")))?;
        Ok(Output {
            // A tool killed by a signal has no code; count it as a failure.
            code: output.status.code().unwrap_or(1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}
