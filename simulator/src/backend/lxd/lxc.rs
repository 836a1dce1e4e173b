//! The `lxc` command, the LXD daemon's own client: how the backend finds it and talks to the
//! daemon through it (`lxc query` for the REST API, `lxc launch`, `exec`, `delete`).

use crate::backend::program::find_program;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to tell a user whose machine is not ready.
pub const SETUP_HINT: &str = "run `sudo bash dev/lxd-setup.sh` to install and prepare LXD";

/// The `lxc` client and the environment it runs with.
#[derive(Clone, Debug)]
pub struct Lxc {
    program: PathBuf,
    env: Vec<(String, String)>,
}

impl Lxc {
    /// Finds `lxc` on PATH (or where the snap puts it). The error names the setup script.
    pub fn find() -> io::Result<Lxc> {
        let program = find_program("lxc", &["/usr/bin", "/usr/sbin", "/snap/bin"])
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("`lxc` is not installed: {SETUP_HINT}")))?;
        // Hooks get an environment of their own (through `lxc exec --env`); the client keeps
        // only what it needs to find the daemon and its configuration.
        let env = ["PATH", "HOME", "LXD_DIR", "LXD_CONF", "LXD_SOCKET"]
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect();
        Ok(Lxc { program, env })
    }

    /// The client's path.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A command running the client with `args`, its standard input empty.
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(args).env_clear().envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null());
        command
    }

    /// The environment the client runs with, for commands that start it themselves.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Runs the client to its end; its standard output, or an error with its standard error.
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> io::Result<String> {
        let output = self.command(args).output()?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let said = String::from_utf8_lossy(&output.stderr);
            let said = said.trim().trim_start_matches("Error: ");
            let what: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
            Err(io::Error::other(format!("`lxc {}` failed: {said}", what.join(" "))))
        }
    }

    /// A GET on the daemon's REST API (`/1.0/…`), as JSON.
    pub fn query(&self, path: &str) -> io::Result<serde_json::Value> {
        let text = self.run(&["query", path])?;
        serde_json::from_str(&text).map_err(|e| io::Error::other(format!("`lxc query {path}` answered no JSON: {e}")))
    }

    /// Whether the daemon answers, and the image is there: an error that says what to do.
    pub fn check_ready(&self, image: &str) -> io::Result<()> {
        self.query("/1.0")
            .map_err(|e| io::Error::other(format!("the LXD daemon does not answer ({e}): {SETUP_HINT}")))?;
        self.query(&format!("/1.0/images/aliases/{image}"))
            .map_err(|_| io::Error::other(format!("LXD has no image `{image}`: {SETUP_HINT}")))?;
        Ok(())
    }
}
