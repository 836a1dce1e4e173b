//! A process a backend started, as the engine holds it: std's [`Child`], or a process the
//! backend started itself (the `ns` backend's hooks, cloned without copying the simulator).

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus};

/// A child of this process that a backend started, which the engine watches and reaps.
#[derive(Debug)]
pub enum Spawned {
    /// Started by [`std::process::Command`].
    Child(Child),
    /// Started by the backend: its pid, and its status once reaped (so that a reused pid is
    /// never waited for).
    Own {
        /// Its process id, as this process numbers it.
        pid: u32,
        /// Its wait status, once reaped.
        status: Option<ExitStatus>,
    },
}

impl From<Child> for Spawned {
    fn from(child: Child) -> Spawned {
        Spawned::Child(child)
    }
}

impl Spawned {
    /// A child of this process, by pid, that no one has reaped.
    pub fn own(pid: u32) -> Spawned {
        Spawned::Own { pid, status: None }
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        match self {
            Spawned::Child(child) => child.id(),
            Spawned::Own { pid, .. } => *pid,
        }
    }

    /// Its status, if it has ended (reaping it), without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.reap(false)
    }

    /// Kills it (SIGKILL), unless it was reaped.
    pub fn kill(&mut self) -> io::Result<()> {
        match self {
            Spawned::Child(child) => child.kill(),
            Spawned::Own { status: Some(_), .. } => Ok(()),
            Spawned::Own { pid, status: None } => {
                let pid = nix::unistd::Pid::from_raw(*pid as i32);
                Ok(nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL)?)
            }
        }
    }

    /// Waits for its end (reaping it).
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        self.reap(true)?.ok_or_else(|| io::Error::other("the process has not ended"))
    }

    fn reap(&mut self, block: bool) -> io::Result<Option<ExitStatus>> {
        let (pid, status) = match self {
            Spawned::Child(child) if block => return child.wait().map(Some),
            Spawned::Child(child) => return child.try_wait(),
            Spawned::Own { pid, status } => (*pid, status),
        };
        if status.is_some() {
            return Ok(*status);
        }
        let flags = if block { 0 } else { nix::libc::WNOHANG };
        let mut raw = 0;
        loop {
            // SAFETY: waitpid(2) on our own child, into a local.
            let got = unsafe { nix::libc::waitpid(pid as nix::libc::pid_t, &mut raw, flags) };
            if got == 0 {
                return Ok(None);
            }
            if got > 0 {
                *status = Some(ExitStatus::from_raw(raw));
                return Ok(*status);
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
}
