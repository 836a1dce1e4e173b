//! Where units live: a directory per unit on this machine (`host`), or a container per unit
//! (`ns`, or `lxd` from a real LXD daemon). One trait, the same engine above it.
//!
//! [`Kind`] names the backends and makes them; the engine holds a `Box<dyn Backend>` and asks
//! it what it can do ([`Backend::shares_files`]), never which one it is.

pub mod host;
pub mod isolate;
mod kind;
pub mod lxd;
pub mod ns;
pub(crate) mod owner;
mod program;
mod spawned;

pub use kind::{Kind, UnknownKind};
pub use program::{find_program, SYSTEM_DIRS};
pub use spawned::Spawned;

use crate::base::{BaseId, Release};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// How a backend builds units: the limits every container backend applies, and the root
/// file system of `ns`. Each kind takes what applies to it ([`Kind::make`]).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The lower layer of every unit's root (`ns`; default: the unit base, see
    /// [`crate::base`]).
    pub rootfs: Option<PathBuf>,
    /// The most tasks (processes and threads) a unit may have.
    pub pids_max: Option<u64>,
    /// The most memory (bytes) a unit may use.
    pub memory_max: Option<u64>,
}

/// What the engine asks of a unit's machine.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// A model-wide unit counter, for addresses.
    pub index: u32,
    /// Its hooks may reach the machine's network (`network: host`).
    pub host_network: bool,
    /// The release it answers as (`/etc/lsb-release`), where the backend gives units files
    /// of their own.
    pub release: Release,
    /// For a subordinate: the unit whose machine this is (`index` is then that machine's);
    /// the backend puts the unit there, with a charm directory of its own.
    pub host_unit: Option<String>,
}

/// What a backend needs to start a process in a unit.
#[derive(Clone, Debug)]
pub struct ProcessSpec {
    /// The program, as a path inside the unit.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// The whole environment (nothing else leaks in).
    pub env: BTreeMap<String, String>,
    /// The working directory, inside the unit.
    pub cwd: PathBuf,
    /// Where its standard output goes.
    pub stdout: Capture,
    /// Where its standard error goes.
    pub stderr: Capture,
}

/// An in-memory file that keeps a process's output: files, not pipes, so that a daemon that
/// keeps the hook's output open cannot hang the run, and in memory, so that a hook costs no
/// disk writes.
///
/// A process whose output is [`Capture::terminal`] is an interactive one (a `--debug-hooks`
/// shell): it reads and writes the simulator's own terminal and stays in its foreground
/// process group.
#[derive(Clone, Debug)]
pub struct Capture {
    /// `None`: the simulator's terminal.
    file: Option<std::sync::Arc<std::fs::File>>,
}

impl Capture {
    /// A new, empty capture (a memfd, or an unlinked temporary file where memfd is missing).
    pub fn new(name: &str) -> io::Result<Capture> {
        let file = match nix::sys::memfd::memfd_create(name, nix::sys::memfd::MFdFlags::MFD_CLOEXEC) {
            Ok(fd) => std::fs::File::from(fd),
            Err(_) => tempfile::tempfile()?,
        };
        Ok(Capture { file: Some(std::sync::Arc::new(file)) })
    }

    /// No capture: the process uses the simulator's own standard streams.
    pub fn terminal() -> Capture {
        Capture { file: None }
    }

    /// Whether this is [`Capture::terminal`].
    pub fn is_terminal(&self) -> bool {
        self.file.is_none()
    }

    /// A handle for a child's stdout or stderr.
    pub fn stdio(&self) -> io::Result<std::process::Stdio> {
        match &self.file {
            Some(file) => Ok(std::process::Stdio::from(file.try_clone()?)),
            None => Ok(std::process::Stdio::inherit()),
        }
    }

    /// Standard input for a process whose output this is: the terminal's for an interactive
    /// process, else none.
    pub fn stdin(&self) -> std::process::Stdio {
        if self.is_terminal() {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        }
    }

    /// Its descriptor, for a child's stdout or stderr (none for the terminal). It closes on
    /// exec: a child gets it by `dup2`.
    pub(crate) fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        self.file.as_ref().map(|file| file.as_raw_fd())
    }

    /// How many bytes were written (none, for the terminal).
    pub fn written(&self) -> u64 {
        self.file.as_ref().and_then(|f| f.metadata().ok()).map_or(0, |m| m.len())
    }

    /// What was written, at most `limit` bytes, as text (nothing, for the terminal).
    pub fn text(&self, limit: usize) -> String {
        String::from_utf8_lossy(&self.read_from(0, limit)).into_owned()
    }

    /// What was written from byte `offset` on, at most `limit` bytes (nothing, for the
    /// terminal). Reading moves no offset of the writer's.
    pub fn read_from(&self, offset: u64, limit: usize) -> Vec<u8> {
        use std::os::unix::fs::FileExt;
        let Some(file) = &self.file else {
            return Vec::new();
        };
        let mut bytes = vec![0u8; limit];
        let mut read = 0;
        while read < limit {
            match file.read_at(&mut bytes[read..], offset + read as u64) {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
        bytes.truncate(read);
        bytes
    }

    /// A handle that writes into the capture, as a process given [`Capture::stdio`] does.
    #[cfg(test)]
    pub(crate) fn writer(&self) -> io::Result<std::fs::File> {
        match &self.file {
            Some(file) => file.try_clone(),
            None => Err(io::Error::other("the terminal is not captured")),
        }
    }
}

/// The places of one unit.
#[derive(Clone, Debug)]
pub struct UnitPlaces {
    /// The unit's directory on this machine (charm copy, stubs, hook output).
    pub dir: PathBuf,
    /// The charm directory as hooks see it.
    pub charm_dir: PathBuf,
    /// The charm directory on this machine.
    pub charm_dir_host: PathBuf,
    /// The unit's private address.
    pub address: String,
    /// The machine number (`JUJU_MACHINE_ID`).
    pub machine: u32,
    /// `HOME` for hooks, inside the unit (`/root` on a machine of its own).
    pub home: PathBuf,
}

/// How a process started outside the simulator (`juju ssh`, `juju scp`) gets into a unit's
/// machine: the backend says where the machine is, the caller enters it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UnitEntry {
    /// The namespaces and root of the machine's init, `pid`, which started at `start_time`
    /// (so that a reused pid is not entered, see [`ns::spawn_in_machine`]); `home` is where a
    /// session starts inside.
    Namespaces {
        /// The machine's pid 1, as this machine numbers it.
        pid: i32,
        /// Its start time, in clock ticks since boot.
        start_time: u64,
        /// The session's directory inside the machine.
        home: PathBuf,
    },
    /// A directory of this machine, the unit's; `home` is its `HOME`.
    Directory {
        /// The unit's directory (a session starts there).
        dir: PathBuf,
        /// Its hooks' `HOME`.
        home: PathBuf,
    },
    /// A command line that runs what follows it in the machine (`lxc exec NAME --cwd /root --`).
    Command {
        /// The command line's start.
        prefix: Vec<String>,
    },
}

/// A place for units to live.
pub trait Backend {
    /// `host`, `ns`, … ([`Kind::name`] of the backends this crate has).
    fn name(&self) -> &'static str;
    /// What the backend found worth saying when it started (limits applied or not).
    fn notes(&self) -> &[String] {
        &[]
    }
    /// Whether this machine sees the unit's files as they are, at [`Backend::host_path`],
    /// while the unit runs (true for `host` and `ns`, whose units' files are on this
    /// machine's file system; false for `lxd`, whose containers' are the daemon's). A
    /// WebAssembly hook, which runs in the simulator, may then be given the unit's directory.
    fn shares_files(&self) -> bool {
        false
    }
    /// Told, before units are made one by one, which units will come (`app/0`, …), so that a
    /// backend whose machines are slow to start can start them all at once.
    fn expect_units(&mut self, _units: &[String]) {}
    /// Makes the unit's machine. It may still be getting ready when this returns (its
    /// places can be written to meanwhile): [`Backend::await_unit`] waits for it.
    fn create_unit(&mut self, unit: &str, machine: &Machine) -> io::Result<UnitPlaces>;
    /// Waits until the machine [`Backend::create_unit`] made for `unit` is ready, or says why
    /// it could not be made (the unit is then gone).
    fn await_unit(&mut self, _unit: &str) -> io::Result<()> {
        Ok(())
    }
    /// What units' roots are made from, for the trace (`None`: this machine's own files).
    fn base(&self) -> Option<BaseId> {
        None
    }
    /// Starts a process in the unit, in a process group of its own.
    fn spawn(&mut self, unit: &str, spec: &ProcessSpec) -> io::Result<Spawned>;
    /// How a process from outside gets into the unit's machine (`None`: the unit has no
    /// running machine, or the backend cannot say).
    fn entry(&self, _unit: &str) -> Option<UnitEntry> {
        None
    }
    /// The path on this machine of `path` inside the unit.
    fn host_path(&self, unit: &str, path: &Path) -> PathBuf;
    /// The directories on this machine that hold what the unit's hooks may change, each with
    /// the name it is shown under (`$CHARM_DIR`, `/`); the idempotence check compares them
    /// before and after a hook. Empty when unknown.
    fn changeable_dirs(&self, _unit: &str) -> Vec<(PathBuf, String)> {
        Vec::new()
    }
    /// Kills a hook that ran out of time: its process group, and whatever else it started
    /// that the backend can find.
    fn kill_hook(&mut self, _unit: &str, pid: u32) {
        kill_process_group(pid);
    }
    /// Called when a hook has ended (`timed_out`: after [`Backend::kill_hook`]).
    fn hook_ended(&mut self, _unit: &str, _timed_out: bool) {}
    /// The unit's machine reboots (`juju-reboot`): every process its hooks left running ends,
    /// its files stay. Returns whether the backend could; by default it cannot (the host
    /// backend's units share this machine, and rebooting that would end the run).
    fn reboot_unit(&mut self, _unit: &str) -> bool {
        false
    }
    /// Removes the unit's machine (its processes end).
    fn destroy_unit(&mut self, unit: &str);
    /// Removes everything the backend made.
    fn cleanup(&mut self);
}

/// Kills the process group that `pid` leads (a hook runs in a group of its own).
pub fn kill_process_group(pid: u32) {
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGKILL);
}

/// The file-system-safe form of a unit name (`wiki/0` → `wiki-0`).
pub fn unit_slug(unit: &str) -> String {
    unit.replace('/', "-")
}

/// Copies a formula directory, keeping modes and symlinks, leaving out `.git` and build
/// outputs.
pub fn copy_formula(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name == ".git" || name == "target" || name == "__pycache__" {
            continue;
        }
        let source = entry.path();
        let dest = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            let link = std::fs::read_link(&source)?;
            let _ = std::fs::remove_file(&dest);
            std::os::unix::fs::symlink(link, &dest)?;
        } else if kind.is_dir() {
            copy_formula(&source, &dest)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &dest)?;
        }
    }
    Ok(())
}
