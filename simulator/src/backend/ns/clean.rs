//! Removing the leftovers of ns runs that died, which `formula sim --clean` removes
//! ([`clean_leftovers`]).

use super::cgroup::{remove_cgroup, v1_dir, v2_dir};
use super::mounts::mounts_under;
use super::{kill_and_reap, PREFIX};
use crate::backend::owner::Owner;
use crate::run_dirs::remove_tree;
use std::path::{Path, PathBuf};

/// Removes what runs of this backend left when their simulator died: processes of their
/// units, their cgroups, mounts under their directories, and the directories. Runs whose
/// simulator is alive are left alone. Returns one line per thing done.
pub fn clean_leftovers() -> Vec<String> {
    let mut done = Vec::new();
    let dirs: Vec<PathBuf> = crate::run_dirs::existing().into_iter().filter(|p| p.join("ns/state").is_file()).collect();
    for dir in dirs {
        let state = std::fs::read_to_string(dir.join("ns/state")).unwrap_or_default();
        let mut owner_alive = false;
        let mut cgroups = Vec::new();
        let mut bases = Vec::new();
        for line in state.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["owner", pid, start] => owner_alive = same_process(pid, start),
                ["unit", slug, pid, start] if !owner_alive && same_process(pid, start) => {
                    if let Ok(pid) = pid.parse::<i32>() {
                        kill_and_reap(pid);
                        done.push(format!("killed unit {slug} (pid {pid}) of {}", dir.display()));
                    }
                }
                ["cgroup", path] => cgroups.push(PathBuf::from(path)),
                ["base", path] => bases.push(PathBuf::from(path)),
                _ => {}
            }
        }
        if owner_alive {
            done.push(format!("left {} alone: its run is still going", dir.display()));
            continue;
        }
        cgroups.reverse();
        for cgroup in cgroups {
            if cgroup.is_dir() && cgroup.to_string_lossy().contains(PREFIX) {
                remove_cgroup(&cgroup);
                done.push(format!("removed cgroup {}", cgroup.display()));
            }
        }
        for base in bases {
            // The run's layer in memory (a rootless run's), named after the run.
            if base.file_name().is_some_and(|n| n.to_string_lossy().starts_with(PREFIX)) && base.is_dir() {
                match remove_tree(&base) {
                    Ok(()) => done.push(format!("removed {}", base.display())),
                    Err(e) => done.push(format!("cannot remove {}: {e}", base.display())),
                }
            }
        }
        done.extend(unmount_under(&dir));
        if mounts_under(&dir).is_empty() {
            match remove_tree(&dir) {
                Ok(()) => done.push(format!("removed {}", dir.display())),
                Err(e) => done.push(format!("cannot remove {}: {e}", dir.display())),
            }
        } else {
            done.push(format!("kept {}: something is still mounted under it", dir.display()));
        }
    }
    done.extend(clean_stray_bases());
    done.extend(clean_stray_cgroups());
    done.extend(clean_named_netns());
    done
}

/// Run layers (`formula-sim-PID-START-base`, without root) that no run's state names, whose
/// process is gone: an explorer's worker keeps one between its runs, and a worker killed
/// between two runs leaves it.
fn clean_stray_bases() -> Vec<String> {
    let mut done = Vec::new();
    for dir in crate::run_dirs::existing() {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some((owner, "base")) = Owner::of_name(&name) else { continue };
        if owner.alive() || !dir.is_dir() {
            continue;
        }
        match remove_tree(&dir) {
            Ok(()) => done.push(format!("removed {}", dir.display())),
            Err(e) => done.push(format!("cannot remove {}: {e}", dir.display())),
        }
    }
    done
}

/// Whether process `pid` is alive and started at `start` (so it is not a reused pid).
fn same_process(pid: &str, start: &str) -> bool {
    Owner::parse(pid, start).is_some_and(|owner| owner.alive())
}

fn unmount_under(dir: &Path) -> Vec<String> {
    let mut done = Vec::new();
    for mount in mounts_under(dir) {
        if nix::mount::umount2(&mount, nix::mount::MntFlags::MNT_DETACH).is_ok() {
            done.push(format!("unmounted {}", mount.display()));
        }
    }
    done
}

/// Run cgroups (`formula-sim-PID-START-N`) in this process's hierarchies whose run is gone.
fn clean_stray_cgroups() -> Vec<String> {
    let mut done = Vec::new();
    let (Ok(mine), Ok(mounts)) =
        (std::fs::read_to_string("/proc/self/cgroup"), std::fs::read_to_string("/proc/self/mountinfo"))
    else {
        return done;
    };
    let bases: Vec<PathBuf> =
        ["pids", "memory"].iter().filter_map(|c| v1_dir(&mine, &mounts, c)).chain(v2_dir(&mine, &mounts)).collect();
    for base in bases {
        let Ok(entries) = std::fs::read_dir(&base) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((owner, _)) = Owner::of_name(&name) else { continue };
            if !owner.alive() {
                remove_cgroup(&entry.path());
                done.push(format!("removed cgroup {}", entry.path().display()));
            }
        }
    }
    done
}

/// Named network namespaces with this backend's prefix (it makes none; older or other
/// tools might have).
fn clean_named_netns() -> Vec<String> {
    let mut done = Vec::new();
    let Ok(entries) = std::fs::read_dir("/run/netns") else {
        return done;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(PREFIX) {
            let path = entry.path();
            let _ = nix::mount::umount2(&path, nix::mount::MntFlags::MNT_DETACH);
            if std::fs::remove_file(&path).is_ok() {
                done.push(format!("removed network namespace {}", path.display()));
            }
        }
    }
    done
}
