//! Units without root, in user namespaces.
//!
//! The run gets a user namespace of its own (its root is the simulator's user, one id mapped)
//! with a network namespace that holds the run's switch; every unit gets a user namespace
//! below it (its root is the run's root) owning the unit's other namespaces. So the run's
//! user may connect the units to the switch, and enter the units.
//!
//! A unit's root cannot be one overlay on the machine's `/` here: the kernel refuses an
//! overlay whose lower layer has mounts below it that the user namespace may not uncover,
//! and the machine's files belong to ids the unit does not map, so a unit's root could
//! change none of the machine's directories. So the root is built per directory: a
//! directory with no mount below it is an overlay of its own (lower: the machine's, upper:
//! the unit's directory at the same place), one with mounts below it is a directory of the
//! unit's with its entries placed one by one. The places where a machine keeps what it
//! changes (`/etc`, `/var`, `/usr/local`, `/opt`, `/srv`, `/home`, `/root`) get one more
//! lower layer, made once per run: their directories and their files up to 1 MiB (but
//! for `/opt`'s), owned by the simulator's user, so that inside the unit they belong to its
//! root, who may change them. Other files of the machine stay read-only (a hook may replace
//! them, not change them in place); what the simulator's user cannot read there is left
//! out of the units.
//!
//! One id is mapped: files stay the unit root's, and a `chown` to another user fails
//! (`Invalid argument`), as it does in any one-id user namespace.

use super::annotate;
use super::plan::{Op, Plan};
use nix::libc;
use nix::sched::CloneFlags;
use nix::sys::stat::{Mode, SFlag};
use nix::unistd::AccessFlags;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Where a machine keeps what it changes: a unit's root may write there.
const WRITABLE: [&str; 7] = ["etc", "var", "usr/local", "opt", "srv", "home", "root"];

/// The trees whose files (not only directories) the run's layer copies (`/opt` holds
/// software, whole virtual environments: only its directories).
const COPIED: [&str; 6] = ["etc", "var", "usr/local", "srv", "home", "root"];

/// Files larger than this are not copied (a unit sees the machine's, read-only).
const COPY_LIMIT: u64 = 1 << 20;

/// Directories a unit gets fresh (mounted after `pivot_root`).
const FRESH: [&str; 5] = ["proc", "sys", "dev", "tmp", "run"];

/// The run's user namespace and the network namespace it owns (the run's switch).
pub(super) struct RunUser {
    pub(super) user: OwnedFd,
    pub(super) net: OwnedFd,
}

/// Whether this process may make user namespaces (a child tries and reports).
pub fn user_namespaces_work() -> bool {
    let mut stack = vec![0u8; 64 * 1024];
    // SAFETY: ends the child at once.
    let exit: Box<dyn FnMut() -> isize> = Box::new(|| unsafe { libc::_exit(0) });
    // SAFETY: the child makes one system call.
    let child = unsafe {
        nix::sched::clone(
            exit,
            &mut stack,
            CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWNET,
            Some(libc::SIGCHLD),
        )
    };
    match child {
        Ok(pid) => {
            matches!(nix::sys::wait::waitpid(pid, None), Ok(nix::sys::wait::WaitStatus::Exited(_, 0)))
        }
        Err(_) => false,
    }
}

impl RunUser {
    /// Makes the run's user and network namespaces: a child made in them waits while the
    /// simulator maps its user to their root and opens them, then ends.
    pub(super) fn create() -> io::Result<RunUser> {
        let mut stack = vec![0u8; 64 * 1024];
        // SAFETY: system calls only.
        let wait: Box<dyn FnMut() -> isize> = Box::new(|| unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            loop {
                libc::pause();
            }
        });
        // SAFETY: the child only waits for its end, with system calls.
        let child = unsafe {
            nix::sched::clone(
                wait,
                &mut stack,
                CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET,
                Some(libc::SIGCHLD),
            )
        }
        .map_err(|e| annotate(e.into(), "cannot make the run's user namespace"))?;
        let opened = (|| -> io::Result<RunUser> {
            let proc = PathBuf::from(format!("/proc/{child}"));
            std::fs::write(proc.join("setgroups"), "deny")?;
            std::fs::write(proc.join("uid_map"), format!("0 {} 1\n", nix::unistd::geteuid()))?;
            std::fs::write(proc.join("gid_map"), format!("0 {} 1\n", nix::unistd::getegid()))?;
            Ok(RunUser { user: File::open(proc.join("ns/user"))?.into(), net: File::open(proc.join("ns/net"))?.into() })
        })();
        let _ = nix::sys::signal::kill(child, nix::sys::signal::SIGKILL);
        let _ = nix::sys::wait::waitpid(child, None);
        opened.map_err(|e| annotate(e, "cannot map the run's user namespace"))
    }
}

/// A worker's run layer, kept from one run to the next ([`keep_base_layers`]).
static KEPT: std::sync::Mutex<KeptLayer> = std::sync::Mutex::new(KeptLayer { enabled: false, layer: None });

struct KeptLayer {
    enabled: bool,
    /// The lower layer it was made from, and where it is.
    layer: Option<(PathBuf, PathBuf)>,
}

/// From now on this process keeps the run layer it makes for the runs after (an explorer's
/// worker, which runs one seed after another: the layer is 25 ms of copying a run, the same
/// each time). [`release_kept_layer`] removes it.
pub fn keep_base_layers() {
    KEPT.lock().unwrap_or_else(|e| e.into_inner()).enabled = true;
}

/// Removes the run layer this process kept, if any.
pub fn release_kept_layer() {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, dir)) = kept.layer.take() {
        let _ = crate::run_dirs::remove_tree(&dir);
    }
}

/// The run's layer over `lower` ([`make_base_layer`]), made in `place` (see
/// [`base_layer_dir`]), or the one this process kept; whether it is kept (the run leaves it).
/// A layer in the run's own directory (`keepable` false) goes with the run.
pub(super) fn base_layer(lower: &Path, place: PathBuf, keepable: bool) -> io::Result<(PathBuf, bool)> {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((from, dir)) = &kept.layer {
        if from == lower && dir.is_dir() {
            return Ok((dir.clone(), true));
        }
    }
    // Made again: another lower layer, or the kept one is gone.
    if let Some((_, dir)) = kept.layer.take() {
        let _ = crate::run_dirs::remove_tree(&dir);
    }
    make_base_layer(lower, &place)?;
    let keep = kept.enabled && keepable;
    if keep {
        kept.layer = Some((lower.to_path_buf(), place.clone()));
    }
    Ok((place, keep))
}

/// Where the run's layer goes: in memory (`/dev/shm`, a tmpfs every user may write) when
/// there is room, as it is made and removed on every run (thousands of small files), else
/// `fallback`.
pub(super) fn base_layer_dir(name: &str, fallback: PathBuf) -> PathBuf {
    crate::run_dirs::in_memory(256 << 20).map_or(fallback, |shm| shm.join(name))
}

/// Makes the run's layer under `base`: for each writable tree of `lower`, its directories
/// and small files (see [`COPIED`]), owned by this process's user, and a whiteout for each entry
/// this user cannot read (a unit's root could not either: better absent than unreadable).
pub(super) fn make_base_layer(lower: &Path, base: &Path) -> io::Result<()> {
    for tree in WRITABLE {
        let from = lower.join(tree);
        let Ok(meta) = std::fs::symlink_metadata(&from) else { continue };
        if meta.is_dir() && std::fs::read_dir(&from).is_ok() {
            copy_tree(&from, &base.join(tree), meta.dev(), COPIED.contains(&tree), 0)?;
        }
    }
    Ok(())
}

/// Copies the readable directories below `from` (and its small files if `files`), staying
/// on device `dev`.
fn copy_tree(from: &Path, to: &Path, dev: u64, files: bool, depth: u32) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    std::fs::create_dir_all(to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode((meta.mode() & 0o7777) | 0o700))?;
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(()) };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        let target = to.join(entry.file_name());
        if meta.file_type().is_symlink() {
            continue;
        }
        let wanted = if meta.is_dir() { AccessFlags::R_OK | AccessFlags::X_OK } else { AccessFlags::R_OK };
        if nix::unistd::access(&entry.path(), wanted).is_err() {
            // The unit's root could not read it: it is left out (a whiteout), so that the
            // unit may make its own.
            let _ = nix::sys::stat::mknod(&target, SFlag::S_IFCHR, Mode::empty(), 0);
        } else if meta.is_dir() && meta.dev() == dev && depth < 16 {
            copy_tree(&entry.path(), &target, dev, files, depth + 1)?;
        } else if files && meta.is_file() && meta.len() <= COPY_LIMIT && std::fs::copy(entry.path(), &target).is_ok() {
            let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(meta.mode() & 0o7777));
        }
    }
    Ok(())
}

/// What a unit's root is made of.
pub(super) struct Skeleton<'a> {
    /// The machine's root (or `--rootfs`).
    pub(super) lower: &'a Path,
    /// The run's layer ([`make_base_layer`]).
    pub(super) base: &'a Path,
    /// The unit's directory that becomes its root: the upper layer of every overlay at the
    /// same place, and the unit's own directories.
    pub(super) upper: &'a Path,
    /// Where the overlays' work directories go (on the file system of `upper`).
    pub(super) work: &'a Path,
    /// Mount points of the machine (an overlay cannot have any below its lower layer).
    pub(super) mounts: &'a [PathBuf],
    /// Directories left out of the root (the run's own, mounted later).
    pub(super) skip: &'a [PathBuf],
}

impl Skeleton<'_> {
    /// Adds the steps that build the unit's root in `upper`.
    pub(super) fn plan(&self, plan: &mut Plan) {
        let mut overlays = 0;
        plan.mkdir(self.work, 0o755);
        self.place_children(plan, Path::new(""), &mut overlays);
    }

    fn place_children(&self, plan: &mut Plan, dir: &Path, overlays: &mut u32) {
        let Ok(entries) = std::fs::read_dir(self.lower.join(dir)) else { return };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let relative = dir.join(&name);
            let (source, target) = (self.lower.join(&relative), self.upper.join(&relative));
            if dir.as_os_str().is_empty() && FRESH.iter().any(|f| name == *f) {
                plan.mkdir(&target, 0o755);
                continue;
            }
            let Ok(meta) = source.symlink_metadata() else { continue };
            if meta.file_type().is_symlink() {
                if let Ok(link) = std::fs::read_link(&source) {
                    plan.push(Op::Symlink { target: super::cstr(&link), link: super::cstr(&target) });
                }
            } else if meta.is_file() {
                if meta.len() <= COPY_LIMIT {
                    let (from, to) = (super::cstr(&source), super::cstr(&target));
                    let mode = meta.mode() & 0o7777;
                    plan.push(Op::Optional(Box::new(Op::CopyFile { source: from, target: to, mode })));
                }
            } else if meta.is_dir() {
                plan.mkdir(&target, (meta.mode() & 0o7777) | 0o700);
                if self.skip.contains(&source) {
                    continue;
                }
                let below = |p: &Path| p.starts_with(&source) && p != source;
                if self.mounts.iter().any(|m| below(m)) || self.skip.iter().any(|m| below(m)) {
                    self.place_children(plan, &relative, overlays);
                } else if std::fs::read_dir(&source).is_ok() && overlay_safe(&source) {
                    *overlays += 1;
                    let work = self.work.join(overlays.to_string());
                    plan.mkdir(&work, 0o700);
                    let layer = self.base.join(&relative);
                    let lower = if layer.is_dir() {
                        format!("{}:{}", layer.display(), source.display())
                    } else {
                        source.display().to_string()
                    };
                    let data =
                        format!("lowerdir={lower},upperdir={},workdir={},userxattr", target.display(), work.display());
                    plan.push(Op::Optional(Box::new(Op::Mount {
                        source: c"overlay".into(),
                        target: super::cstr(&target),
                        fstype: c"overlay".into(),
                        flags: 0,
                        data: std::ffi::CString::new(data).unwrap_or_default(),
                    })));
                }
            }
        }
    }
}

/// Whether overlay options can name `path` (they cannot carry `,`, `:` or `\`).
fn overlay_safe(path: &Path) -> bool {
    !path.as_os_str().as_bytes().iter().any(|b| matches!(b, b',' | b':' | b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_keeps_one_run_layer_per_lower_layer_and_removes_it_at_the_end() {
        let machine = tempfile::tempdir().expect("temp dir");
        let (lower, other) = (machine.path().join("lower"), machine.path().join("other"));
        for root in [&lower, &other] {
            std::fs::create_dir_all(root.join("etc")).expect("mkdir");
            std::fs::write(root.join("etc/hostname"), "machine\n").expect("write");
        }
        let places = tempfile::tempdir().expect("temp dir");
        let place = |n: u32| places.path().join(format!("layer-{n}"));
        // A run of its own makes its layer and leaves it to the run to remove.
        let (first, kept) = base_layer(&lower, place(1), true).expect("a layer");
        assert_eq!((first.as_path(), kept), (place(1).as_path(), false));
        keep_base_layers();
        let (made, kept) = base_layer(&lower, place(2), true).expect("a layer");
        assert_eq!((made.as_path(), kept), (place(2).as_path(), true));
        assert_eq!(std::fs::read_to_string(made.join("etc/hostname")).expect("copied"), "machine\n");
        // The next run over the same lower layer gets the kept one; nothing is copied again.
        let (again, kept) = base_layer(&lower, place(3), true).expect("a layer");
        assert_eq!((again.as_path(), kept), (place(2).as_path(), true));
        assert!(!place(3).exists());
        // Another lower layer: the kept one goes, a new one is kept.
        let (new, kept) = base_layer(&other, place(4), true).expect("a layer");
        assert_eq!((new.as_path(), kept), (place(4).as_path(), true));
        assert!(!place(2).exists());
        // A layer in the run's own directory goes with the run.
        let (own, kept) = base_layer(&lower, place(5), false).expect("a layer");
        assert_eq!((own.as_path(), kept), (place(5).as_path(), false));
        release_kept_layer();
        assert!(!place(4).exists() && place(5).exists());
    }
}
