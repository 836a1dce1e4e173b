//! Where runs keep their directories.
//!
//! A run makes and removes thousands of small files: each unit's copy of its formula, the
//! upper layer of its root (every file its hooks write), the links of the hook tools, the
//! state the cleanup reads after a crash. On a disk file system each new file costs an inode
//! found and written (on ext4 without a journal the search for one skips every inode freed in
//! the last few seconds, which is every inode a run freed before); in memory it costs next to
//! nothing. So a run's directory goes in memory when the machine has one that every user may
//! write and run programs from, with room ([`in_memory`]); otherwise in the temporary
//! directory. `TMPDIR`, when set, is where it goes, whatever it is. Runs on lxd keep theirs
//! in the temporary directory: a container mounts a `/dev` of its own over the place in it
//! where the run's directory would be. So do ns runs without root where the memory file
//! system keeps no user extended attributes (Linux before 6.6): the overlays of their units'
//! roots need them on their upper layers, which are in the run's directory.
//!
//! The run's directory holds what its units write, so in memory a run's writes take memory:
//! the MediaWiki stack, which installs its packages in five units, takes about 2 GB of it for
//! the run's length. `TMPDIR=/var/tmp` keeps runs on disk.

use crate::backend::owner::Owner;
use crate::backend::Kind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The prefix of the directories (and cgroups, and layers) that runs make.
pub const PREFIX: &str = "formula-sim-";

/// The memory file system that Linux machines mount for every user.
const SHARED_MEMORY: &str = "/dev/shm";

/// The room in memory a run's directory goes there with: two runs of the MediaWiki stack
/// (about 2 GB each: its packages unpacked in five units), so that a machine whose memory is
/// small (a laptop's, a container's 64 MB `/dev/shm`) keeps runs on disk.
pub const ROOM_FOR_RUNS: u64 = 4 << 30;

/// The directory new runs' directories go in, for runs whose units are on `kind`: `TMPDIR`
/// when set; else the temporary directory when it is in memory already, or the machine's
/// shared memory when it has [`ROOM_FOR_RUNS`] (not for lxd); else the temporary directory.
pub fn parent(kind: Kind) -> PathBuf {
    let temp = std::env::temp_dir();
    let set = std::env::var_os("TMPDIR").is_some_and(|dir| !dir.is_empty());
    if set || kind.resolve() == Kind::Lxd || is_memory(&temp) {
        return temp;
    }
    let rootless_ns = kind.resolve() == Kind::Ns && !nix::unistd::geteuid().is_root();
    match in_memory(ROOM_FOR_RUNS) {
        Some(memory) if !rootless_ns || keeps_user_attributes(&memory) => memory,
        _ => temp,
    }
}

/// Whether files in `dir` take extended attributes in the `user.` namespace, which an overlay
/// mounted in a user namespace keeps its whiteouts and opaque directories in.
fn keeps_user_attributes(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(probe) = tempfile::Builder::new().prefix(PREFIX).tempfile_in(dir) else {
        return false;
    };
    let Ok(path) = std::ffi::CString::new(probe.path().as_os_str().as_bytes()) else {
        return false;
    };
    let value = b"y";
    // SAFETY: setxattr(2) on a path and a value we own, for the length given.
    let set = unsafe {
        nix::libc::setxattr(path.as_ptr(), c"user.formula-sim-probe".as_ptr(), value.as_ptr().cast(), value.len(), 0)
    };
    set == 0
}

/// The machine's shared memory (`/dev/shm`), if it is a memory file system with `room` bytes
/// free, this user may write it, and programs may run from it (not mounted `noexec`: the hook
/// tools and, on the host backend, the hooks run from a run's directory).
pub fn in_memory(room: u64) -> Option<PathBuf> {
    use nix::sys::statvfs::{statvfs, FsFlags};
    use nix::unistd::{access, AccessFlags};
    let shm = Path::new(SHARED_MEMORY);
    let usable = statvfs(shm).is_ok_and(|s| {
        !s.flags().contains(FsFlags::ST_NOEXEC) && s.blocks_available().saturating_mul(s.fragment_size()) >= room
    });
    (usable && is_memory(shm) && access(shm, AccessFlags::W_OK | AccessFlags::X_OK).is_ok()).then(|| shm.to_path_buf())
}

/// Whether `dir` is on a memory file system (tmpfs).
fn is_memory(dir: &Path) -> bool {
    nix::sys::statfs::statfs(dir).is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::TMPFS_MAGIC)
}

/// Every run directory there is (named with [`PREFIX`]) where runs make them: in
/// [`parent`] and in the temporary directory (where runs went before, or with another
/// `TMPDIR`), sorted, for the cleanup of runs that died.
pub fn existing() -> Vec<PathBuf> {
    let mut places = vec![parent(Kind::Host), std::env::temp_dir()];
    places.extend(in_memory(0));
    places.sort();
    places.dedup();
    let mut dirs: Vec<PathBuf> = places
        .iter()
        .filter_map(|place| std::fs::read_dir(place).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(PREFIX))
        .map(|entry| entry.path())
        .collect();
    dirs.sort();
    dirs
}

/// Removes `dir` and everything under it, made removable first ([`make_removable`]).
pub(crate) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    make_removable(dir);
    std::fs::remove_dir_all(dir)
}

/// Makes everything under `dir` removable by its owner (an overlay leaves its work
/// directories without permissions; a hook may leave directories read-only).
pub(crate) fn make_removable(dir: &Path) {
    let Ok(meta) = dir.symlink_metadata() else { return };
    if !meta.is_dir() {
        return;
    }
    if meta.mode() & 0o700 != 0o700 {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode((meta.mode() & 0o7777) | 0o700));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                make_removable(&entry.path());
            }
        }
    }
}

/// The file in a run's directory that names the process it belongs to (`PID START PIDNS`,
/// see [`Owner`], and the pid namespace those are numbers in). That process removes the
/// directory when the run ends; one killed first (an explorer's worker, a `formula sim` sent
/// SIGKILL) leaves it, and `formula sim --clean` removes it ([`clean_orphans`]). A kept run's
/// directory has none: it is kept on purpose.
pub const OWNER_FILE: &str = "owner";

/// Marks `dir`, a new run's directory, as this process's.
pub fn claim(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join(OWNER_FILE), format!("{} {}\n", Owner::this(), pid_namespace()))
}

/// This process's pid namespace, as `/proc/self/ns/pid` names it (`pid:[N]`).
fn pid_namespace() -> String {
    std::fs::read_link("/proc/self/ns/pid").map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Marks `dir` as kept: no process's, and not for `formula sim --clean` to remove.
pub fn release(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(OWNER_FILE));
}

/// Removes the directories of runs whose process died before it could ([`OWNER_FILE`]),
/// except those of container runs (`ns/`, `lxd/` in them), which their backend's cleanup
/// removes with the mounts and containers they go with. One line per directory.
pub fn clean_orphans() -> Vec<String> {
    let mut done = Vec::new();
    let here = pid_namespace();
    for dir in existing() {
        if is_left_empty(&dir) {
            match std::fs::remove_dir(&dir) {
                Ok(()) => done.push(format!("removed {} (empty: its run was stopped)", dir.display())),
                Err(e) => done.push(format!("cannot remove {}: {e}", dir.display())),
            }
            continue;
        }
        let Ok(text) = std::fs::read_to_string(dir.join(OWNER_FILE)) else { continue };
        let mut words = text.split_whitespace();
        let owner = Owner::read(&mut words);
        // A run in another pid namespace (a `formula sim` inside a unit) is not ours to judge.
        let elsewhere = words.next() != Some(here.as_str());
        let containers = dir.join("ns").exists() || dir.join("lxd").exists();
        if containers || elsewhere || owner.is_none_or(|owner| owner.alive()) {
            continue;
        }
        match remove_tree(&dir) {
            Ok(()) => done.push(format!("removed {} (its run was killed)", dir.display())),
            Err(e) => done.push(format!("cannot remove {}: {e}", dir.display())),
        }
    }
    done
}

/// Whether `dir` is a run directory left empty a minute or more ago: a run stopped while its
/// directory was being removed (the owner file went with the rest) or before it claimed it. No
/// run keeps an empty directory, and one a minute old is no run's that is still starting.
fn is_left_empty(dir: &Path) -> bool {
    let empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none());
    let age = dir.symlink_metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
    empty && age.is_some_and(|age| age >= EMPTY_GRACE)
}

/// How old an empty run directory must be for `formula sim --clean` to remove it.
const EMPTY_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_directory_goes_where_tmpdir_says_when_it_is_set() {
        // TMPDIR is read by every test in this process; this one only reads it.
        match std::env::var_os("TMPDIR").filter(|d| !d.is_empty()) {
            Some(dir) => assert_eq!(parent(Kind::Ns), PathBuf::from(dir)),
            None => {
                let parent = parent(Kind::Ns);
                assert!(parent == std::env::temp_dir() || parent == Path::new(SHARED_MEMORY), "{}", parent.display());
            }
        }
    }

    #[test]
    fn runs_on_lxd_keep_their_directories_in_the_temporary_directory() {
        assert_eq!(parent(Kind::Lxd), std::env::temp_dir());
    }

    #[test]
    fn a_temporary_directory_is_probed_for_user_attributes_without_failing() {
        // Whatever the answer (tmpfs before Linux 6.6 says no), the probe leaves nothing.
        let dir = tempfile::tempdir().expect("a directory");
        let _ = keeps_user_attributes(dir.path());
        assert_eq!(std::fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(1), 0);
    }

    #[test]
    fn shared_memory_is_refused_without_the_room_asked() {
        assert_eq!(in_memory(u64::MAX), None);
    }

    #[test]
    fn only_an_empty_run_directory_a_minute_old_counts_as_left_empty() {
        let dir = tempfile::Builder::new().prefix(PREFIX).tempdir_in(parent(Kind::Host)).expect("a run directory");
        let age = |dir: &Path, seconds: u64| {
            let then = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds);
            std::fs::File::open(dir).and_then(|f| f.set_modified(then)).expect("set the directory's time");
        };
        assert!(!is_left_empty(dir.path()), "a run may be starting in it");
        age(dir.path(), 61);
        assert!(is_left_empty(dir.path()));
        std::fs::write(dir.path().join("trace.jsonl"), "").expect("a file");
        age(dir.path(), 61);
        assert!(!is_left_empty(dir.path()), "a directory with something in it is kept");
    }

    #[test]
    fn existing_run_directories_are_found_in_the_place_runs_go() {
        let dir = tempfile::Builder::new().prefix(PREFIX).tempdir_in(parent(Kind::Host)).expect("a run directory");
        assert!(existing().contains(&dir.path().to_path_buf()), "{:?}", existing());
    }
}
