//! Leftovers of runs that died: what `formula sim --clean` removes for the `lxd` backend.

use super::lxc::Lxc;
use super::{CONTAINER_PREFIX, OWNER_KEY};
use crate::backend::owner::Owner;
use std::path::PathBuf;
use std::process::Stdio;

/// Deletes the containers of runs whose simulator is gone (found by their owner setting) and
/// removes those runs' directories. Containers and directories of live runs are left alone.
/// Returns one line per thing done.
pub fn clean_leftovers() -> Vec<String> {
    let mut done = Vec::new();
    if let Ok(lxc) = Lxc::find() {
        if let Ok(list) = lxc.query("/1.0/instances?recursion=1") {
            let mut doomed = Vec::new();
            for instance in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                let (Some(name), Some(owner)) = (instance["name"].as_str(), instance["config"][OWNER_KEY].as_str())
                else {
                    continue;
                };
                if !name.starts_with(CONTAINER_PREFIX) {
                    continue;
                }
                if owner_alive(owner) {
                    done.push(format!("left container {name} alone: its run is still going"));
                } else {
                    doomed.push(name.to_string());
                }
            }
            // Deletes are slow (about a second each): all at once.
            let deletes: Vec<_> = doomed
                .into_iter()
                .filter_map(|name| {
                    let mut delete = lxc.command(&["delete", "--force", name.as_str()]);
                    delete.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().ok().map(|c| (name, c))
                })
                .collect();
            for (name, child) in deletes {
                match child.wait_with_output() {
                    Ok(out) if out.status.success() => done.push(format!("deleted container {name}")),
                    Ok(out) => done.push(format!(
                        "cannot delete container {name}: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    )),
                    Err(e) => done.push(format!("cannot delete container {name}: {e}")),
                }
            }
        }
    }
    let dirs: Vec<PathBuf> =
        crate::run_dirs::existing().into_iter().filter(|p| p.join("lxd/state").is_file()).collect();
    for dir in dirs {
        let state = std::fs::read_to_string(dir.join("lxd/state")).unwrap_or_default();
        let owner = state.lines().find_map(|l| l.strip_prefix("owner ")).unwrap_or_default();
        if owner_alive(owner) {
            done.push(format!("left {} alone: its run is still going", dir.display()));
            continue;
        }
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => done.push(format!("removed {}", dir.display())),
            Err(e) => done.push(format!("cannot remove {}: {e}", dir.display())),
        }
    }
    done
}

/// Whether the simulator named by `PID START` still runs.
fn owner_alive(owner: &str) -> bool {
    Owner::read(&mut owner.split_whitespace()).is_some_and(|owner| owner.alive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_alive_only_with_their_start_time() {
        let me = Owner::this();
        assert!(owner_alive(&me.to_string()));
        assert!(!owner_alive(&Owner { start: me.start + 1, ..me }.to_string()));
        assert!(!owner_alive("garbage"));
    }
}
