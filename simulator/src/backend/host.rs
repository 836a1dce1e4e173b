//! The `host` backend: a directory per unit, hooks as processes on this machine.
//!
//! Units share this machine's files and network; each gets its own loopback address
//! (127.0.1.N), so that daemons of two units do not fight over one port. Daemons that hooks
//! leave running are found at the end (the simulator is their subreaper) and stopped.
//!
//! "This machine" is, wherever it allows it, a machine of the run's own: the CLI isolates a
//! host-backend run ([`super::isolate`]) before it makes this backend, so that what its
//! formulas write in `/etc` or `/usr/local` goes with the run. A run that is not isolated
//! (`--no-isolate`) has what it wrote outside its directory listed and recorded
//! ([`leftovers`]), for `formula sim --clean` to remove.

pub mod leftovers;

use super::{unit_slug, Backend, Kind, Machine, ProcessSpec, Spawned, UnitEntry, UnitPlaces};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// Units as directories under `root`.
pub struct HostBackend {
    root: PathBuf,
}

impl HostBackend {
    /// A backend keeping units under `root/units`.
    pub fn new(root: &Path) -> HostBackend {
        adopt_orphans();
        HostBackend { root: root.to_path_buf() }
    }
}

impl Backend for HostBackend {
    fn name(&self) -> &'static str {
        Kind::Host.name()
    }

    /// Units' files are this machine's.
    fn shares_files(&self) -> bool {
        true
    }

    fn create_unit(&mut self, unit: &str, machine: &Machine) -> io::Result<UnitPlaces> {
        let index = machine.index;
        let dir = self.root.join("units").join(unit_slug(unit));
        std::fs::create_dir_all(&dir)?;
        let charm = dir.join("charm");
        let home = dir.join("home");
        std::fs::create_dir_all(&home)?;
        Ok(UnitPlaces {
            home,
            dir,
            charm_dir: charm.clone(),
            charm_dir_host: charm,
            address: format!("127.0.1.{}", 10 + index % 240),
            machine: index,
        })
    }

    fn spawn(&mut self, _unit: &str, spec: &ProcessSpec) -> io::Result<Spawned> {
        spawn_process(spec, None).map(Spawned::from)
    }

    fn host_path(&self, _unit: &str, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    fn entry(&self, unit: &str) -> Option<UnitEntry> {
        let dir = self.root.join("units").join(unit_slug(unit));
        dir.is_dir().then(|| UnitEntry::Directory { home: dir.join("home"), dir })
    }

    /// The unit's directory: its charm directory and `HOME` (writes elsewhere on this
    /// machine are not the unit's alone, and are not watched).
    fn changeable_dirs(&self, unit: &str) -> Vec<(PathBuf, String)> {
        let dir = self.root.join("units").join(unit_slug(unit));
        vec![(dir.join("charm"), "$CHARM_DIR".into()), (dir.join("home"), "$HOME".into())]
    }

    fn destroy_unit(&mut self, _unit: &str) {}

    fn cleanup(&mut self) {
        stop_adopted_processes();
    }
}

/// Starts `spec`'s process in a new process group, stdin from /dev/null, output to files
/// (or, for an interactive one, on the terminal).
pub(crate) fn spawn_process(spec: &ProcessSpec, wrapper: Option<&[String]>) -> io::Result<Child> {
    let stdout = spec.stdout.stdio()?;
    let stderr = spec.stderr.stdio()?;
    let mut command = match wrapper {
        Some([first, rest @ ..]) => {
            let mut c = Command::new(first);
            c.args(rest).arg(&spec.program);
            c
        }
        _ => Command::new(&spec.program),
    };
    command
        .args(&spec.args)
        .env_clear()
        .envs(&spec.env)
        .current_dir(&spec.cwd)
        .stdin(spec.stdout.stdin())
        .stdout(stdout)
        .stderr(stderr);
    // An interactive shell stays in the terminal's foreground group, so that it may read it.
    if !spec.stdout.is_terminal() {
        command.process_group(0);
    }
    command.spawn()
}

/// Makes this process the reaper of orphaned descendants, so that daemons started by hooks
/// can be found and stopped at the end.
fn adopt_orphans() {
    #[cfg(target_os = "linux")]
    {
        let _ = nix::sys::prctl::set_child_subreaper(true);
    }
}

/// Stops every process this one adopted or started and did not wait for.
pub(crate) fn stop_adopted_processes() {
    let me = std::process::id();
    for _round in 0..20 {
        let children = children_of(me);
        if children.is_empty() {
            return;
        }
        for pid in children {
            let pid = nix::unistd::Pid::from_raw(pid as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            let _ = nix::sys::wait::waitpid(pid, None);
        }
    }
}

/// Processes whose parent is `parent`, from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The command name is in parentheses and may hold spaces: read after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(parent) {
            out.push(pid);
        }
    }
    out.sort();
    out
}
