//! Limits: a cgroup per unit in the hierarchies this machine offers (v1 `pids` and `memory`,
//! or v2 with those controllers delegated to this process's cgroup).

use super::{annotate, Options};
use crate::backend::owner::Owner;
use nix::libc;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The cgroup of a run in one hierarchy.
pub(super) struct CgroupRun {
    pub(super) dir: PathBuf,
    /// (file, value) written in each unit's cgroup.
    limits: Vec<(&'static str, String)>,
    /// A hierarchy of cgroup v1.
    v1: bool,
}

impl CgroupRun {
    /// Makes the run's cgroups: one per v1 hierarchy with `pids` or `memory`, else one in
    /// the v2 hierarchy if those controllers are delegated to this process's cgroup.
    pub(super) fn create_all(options: &Options) -> io::Result<(Vec<CgroupRun>, String)> {
        let mine = std::fs::read_to_string("/proc/self/cgroup")?;
        let mounts = std::fs::read_to_string("/proc/self/mountinfo")?;
        let name = run_cgroup_name();
        let mut runs = Vec::new();
        let mut said = Vec::new();
        for (controller, file, value) in
            [("pids", "pids.max", options.pids_max), ("memory", "memory.limit_in_bytes", options.memory_max)]
        {
            let Some(value) = value else { continue };
            let Some(base) = v1_dir(&mine, &mounts, controller) else { continue };
            let dir = base.join(&name);
            std::fs::create_dir_all(&dir)?;
            runs.push(CgroupRun { dir, limits: vec![(file, value.to_string())], v1: true });
            said.push(describe_limit(controller, value));
        }
        if !runs.is_empty() {
            return Ok((runs, format!("units are limited to {} (cgroup v1)", said.join(" and "))));
        }
        let base = v2_dir(&mine, &mounts).ok_or_else(|| io::Error::other("no cgroup hierarchy with pids or memory"))?;
        let delegated = std::fs::read_to_string(base.join("cgroup.subtree_control")).unwrap_or_default();
        let mut limits = Vec::new();
        for (controller, file, value) in
            [("pids", "pids.max", options.pids_max), ("memory", "memory.max", options.memory_max)]
        {
            if let (Some(value), true) = (value, delegated.split_whitespace().any(|c| c == controller)) {
                limits.push((controller, file, value));
            }
        }
        if limits.is_empty() {
            return Err(io::Error::other(format!(
                "cgroup v2 at {} does not delegate pids or memory to this process",
                base.display()
            )));
        }
        let dir = base.join(&name);
        std::fs::create_dir_all(&dir)?;
        let enable: Vec<String> = limits.iter().map(|(c, _, _)| format!("+{c}")).collect();
        if let Err(e) = std::fs::write(dir.join("cgroup.subtree_control"), enable.join(" ")) {
            let _ = std::fs::remove_dir(&dir);
            return Err(e);
        }
        let said: Vec<String> = limits.iter().map(|(c, _, v)| describe_limit(c, *v)).collect();
        let limits = limits.into_iter().map(|(_, f, v)| (f, v.to_string())).collect();
        Ok((
            vec![CgroupRun { dir, limits, v1: false }],
            format!("units are limited to {} (cgroup v2)", said.join(" and ")),
        ))
    }

    /// Makes the unit's cgroup with its limits, before its pid 1 starts, and below it the
    /// cgroup that each hook starts in (`hook`, so that a timed-out hook's processes can be
    /// found and killed even when they left its process group).
    pub(super) fn make_unit(&self, slug: &str) -> io::Result<UnitCgroup> {
        let dir = self.dir.join(slug);
        std::fs::create_dir_all(&dir)?;
        for (file, value) in &self.limits {
            std::fs::write(dir.join(file), value).map_err(|e| annotate(e, &format!("cannot set {file}")))?;
        }
        // The unit's limits hold for everything below it; the hook cgroup sets none of its own.
        let hook = dir.join(HOOK_CGROUP);
        std::fs::create_dir_all(&hook)?;
        // A hook joins between fork and exec, while it is one thread. Moving a whole process
        // (`cgroup.procs`) takes the kernel's global threadgroup lock, which waits for an RCU
        // grace period: ~10 ms a hook on a busy machine, most of what a hook cost the ns
        // backend (BENCHMARKS.md). Moving the calling thread itself (`0` into v1's `tasks`)
        // skips that lock. cgroup v2 moves threads only within a threaded subtree.
        let join = if self.v1 { "tasks" } else { "cgroup.procs" };
        let file = std::fs::OpenOptions::new().write(true).custom_flags(libc::O_CLOEXEC).open(hook.join(join))?;
        Ok(UnitCgroup { dir, hook_join: file.into(), v1: self.v1 })
    }
}

/// A unit's cgroup in one hierarchy.
pub(super) struct UnitCgroup {
    /// Its directory.
    pub(super) dir: PathBuf,
    /// The file of the hook cgroup that a hook writes `0` into to join it.
    pub(super) hook_join: OwnedFd,
    v1: bool,
}

impl UnitCgroup {
    /// Where the unit's pid 1 writes `0` to join the unit's cgroup itself, first thing, while
    /// it is one thread (v1, skipping the kernel's global lock as a hook does); `None`: the
    /// simulator moves it ([`UnitCgroup::add`]).
    pub(super) fn self_join(&self) -> Option<PathBuf> {
        self.v1.then(|| self.dir.join("tasks"))
    }

    /// Moves the process `pid` into the unit's cgroup (v2).
    pub(super) fn add(&self, pid: i32) -> io::Result<()> {
        std::fs::write(self.dir.join("cgroup.procs"), pid.to_string())
    }
}

/// The cgroup, below a unit's, that each hook starts in.
const HOOK_CGROUP: &str = "hook";

/// The processes a hook left in the hook cgroup of the unit at `unit_dir`.
fn hook_leftovers(unit_dir: &Path) -> Vec<i32> {
    let procs = std::fs::read_to_string(unit_dir.join(HOOK_CGROUP).join("cgroup.procs")).unwrap_or_default();
    procs.lines().filter_map(|p| p.trim().parse().ok()).collect()
}

/// After a hook ended well: what it left running (a daemon it started) belongs to the unit,
/// so that a later hook's timeout does not kill it.
pub(super) fn adopt_hook_leftovers(unit_dir: &Path) {
    let procs = unit_dir.join("cgroup.procs");
    for pid in hook_leftovers(unit_dir) {
        let _ = std::fs::write(&procs, pid.to_string());
    }
}

/// After a hook timed out: kills every process in the hook cgroup, also those that started
/// a session of their own, until none is left (a fork bomb refills it for a moment).
pub(super) fn kill_hook_leftovers(unit_dir: &Path) {
    for _ in 0..500 {
        let left = hook_leftovers(unit_dir);
        if left.is_empty() {
            return;
        }
        for pid in left {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn describe_limit(controller: &str, value: u64) -> String {
    if controller == "memory" {
        format!("{} MiB", value >> 20)
    } else {
        format!("{value} tasks")
    }
}

/// A name of the run's own, `formula-sim-PID-START-N` for the N-th run of this process: an
/// explorer's worker runs run after run, and a cgroup that one run could not remove (a process
/// stuck in it) must not be the next one's, with what is stuck counting against its limits.
fn run_cgroup_name() -> String {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    Owner::this().name(&RUNS.fetch_add(1, Ordering::Relaxed).to_string())
}

/// The directory of this process's cgroup in the v1 hierarchy of `controller`.
pub(super) fn v1_dir(mine: &str, mountinfo: &str, controller: &str) -> Option<PathBuf> {
    let path = mine.lines().find_map(|l| {
        let mut parts = l.splitn(3, ':');
        let (_, list, path) = (parts.next()?, parts.next()?, parts.next()?);
        list.split(',').any(|c| c == controller).then(|| path.to_string())
    })?;
    mountinfo.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        let mut r = right.split_whitespace();
        let (fstype, _source, options) = (r.next()?, r.next()?, r.next()?);
        if fstype != "cgroup" || !options.split(',').any(|o| o == controller) {
            return None;
        }
        let f: Vec<&str> = left.split_whitespace().collect();
        join_cgroup(f.get(4)?, f.get(3)?, &path)
    })
}

/// The directory of this process's cgroup in the v2 hierarchy.
pub(super) fn v2_dir(mine: &str, mountinfo: &str) -> Option<PathBuf> {
    let path = mine.lines().find_map(|l| l.strip_prefix("0::"))?.to_string();
    mountinfo.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        if right.split_whitespace().next()? != "cgroup2" {
            return None;
        }
        let f: Vec<&str> = left.split_whitespace().collect();
        join_cgroup(f.get(4)?, f.get(3)?, &path)
    })
}

fn join_cgroup(mount_point: &str, mount_root: &str, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix(mount_root)?;
    let dir = Path::new(mount_point).join(rest.trim_start_matches('/'));
    dir.is_dir().then_some(dir)
}

/// Removes a cgroup directory and the ones below it, killing what is still inside.
pub(super) fn remove_cgroup(dir: &Path) {
    if !dir.is_dir() {
        return;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_cgroup(&entry.path());
            }
        }
    }
    for attempt in 0..200 {
        match std::fs::remove_dir(dir) {
            Ok(()) => return,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(_) => {
                if attempt % 20 == 0 {
                    let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
                    for pid in procs.lines().filter_map(|p| p.trim().parse::<i32>().ok()) {
                        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
                    }
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_of_a_process_has_a_cgroup_name_of_its_own() {
        let (first, second) = (run_cgroup_name(), run_cgroup_name());
        assert_ne!(first, second);
        for name in [&first, &second] {
            // `--clean` reads the owner back from the name, and leaves a live one's alone.
            let (owner, _) = Owner::of_name(name).expect("an owner in the name");
            assert_eq!(owner, Owner::this());
        }
    }
}
