//! A whole run in namespaces of its own, for the host backend's parallel runs.
//!
//! On the host backend units share this machine, as their formulas expect of a machine of
//! their own: they write `/etc` and `/usr/local`, keep pid files in `/run`, and start daemons
//! on fixed ports. Two runs at once (the explorer's seeds) would trample each other. An
//! isolated run keeps the host backend's meaning inside the run (its units still share one
//! machine) but gets a machine of its own:
//!
//! - a mount namespace whose system directories are private: as root, an overlay each over
//!   this machine's (`/etc`, `/home`, `/opt`, `/root`, `/run`, `/srv`, `/tmp`, `/usr`,
//!   `/var`), so everything is there to read and every write stays in the run; as a normal
//!   user (in a user namespace, where an overlay cannot write over files of users it does not
//!   map), copies of `/etc` and `/usr/local` and fresh `/run` and `/var` holding their
//!   top-level entries, with `/tmp` and the rest shared;
//! - a network namespace with its own loopback, so fixed ports do not collide between runs;
//! - a pid namespace with the run as its pid 1, so nothing a hook started outlives the run;
//! - an IPC namespace, for daemons that use System V IPC.
//!
//! Every upper layer and copy is in a tmpfs that exists only in the run's mount namespace, so
//! all of it goes when the run's last process ends; nothing is written on this machine but
//! what goes into the directories the caller keeps shared (the trace's). The run's trace does
//! not depend on any of this: same seed, same bytes, isolated or not.

use nix::libc;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::CloneFlags;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// The directories an isolated run as root gets as private overlays (those that exist).
pub const OVERLAID: &[&str] = &["/etc", "/home", "/opt", "/root", "/run", "/srv", "/tmp", "/usr", "/var"];

/// As a normal user: directories copied into the run's own tmpfs.
pub const COPIED: &[&str] = &["/etc", "/usr/local"];

/// As a normal user: directories replaced by a tmpfs holding only their top-level entries.
pub const SKELETON: &[&str] = &["/run", "/var"];

/// Which side of the isolation this process is on after [`isolate_run`].
#[derive(Debug, PartialEq, Eq)]
pub enum Role {
    /// The run itself: pid 1 of its namespaces; go on with the run.
    Run,
    /// The process that made the namespaces: the run has ended with this exit code.
    Finished(i32),
}

/// Moves the rest of this run into namespaces of its own (see the module's doc) and returns
/// [`Role::Run`] in the process that goes on with it; the calling process waits for it and
/// gets [`Role::Finished`]. The directories in `keep` (and what is below them) stay shared
/// with this machine: the run writes its trace there.
///
/// Must be called while the process has one thread (namespaces are per process).
pub fn isolate_run(keep: &[PathBuf]) -> io::Result<Role> {
    if thread_count() != Some(1) {
        return Err(io::Error::other("cannot isolate the run: the process already has more than one thread"));
    }
    let root = nix::unistd::geteuid().is_root();
    let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
    let mut flags =
        CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWNET | CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWIPC;
    if !root {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    // As a normal user this needs unprivileged user namespaces, which some systems turn off.
    let what = if root {
        "make the run's namespaces (unshare)"
    } else {
        "make the run's namespaces in a user namespace of its own (unshare; are unprivileged user namespaces allowed here?)"
    };
    nix::sched::unshare(flags).map_err(|e| failed(what, e.into()))?;
    if !root {
        // Root inside, this user outside: the run may write its own /etc copy and bind port 80.
        std::fs::write("/proc/self/setgroups", "deny").map_err(|e| failed("write /proc/self/setgroups", e))?;
        std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).map_err(|e| failed("map the user", e))?;
        std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).map_err(|e| failed("map the group", e))?;
    }
    mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>)
        .map_err(|e| failed("make the run's mounts private", e.into()))?;
    // Held before anything is mounted over them, and bound back at the end.
    let kept: Vec<(PathBuf, OwnedFd)> =
        keep.iter().filter(|p| p.is_dir()).map(|p| Ok((p.clone(), open_path(p)?))).collect::<io::Result<_>>()?;
    private_dirs(root)?;
    for (path, fd) in &kept {
        // A copy or skeleton (as a normal user) may lack it.
        let _ = std::fs::create_dir_all(path);
        let source = format!("/proc/self/fd/{}", fd.as_raw_fd());
        mount(Some(source.as_str()), path, None::<&str>, MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>)
            .map_err(|e| failed(&format!("keep {} shared", path.display()), e.into()))?;
    }
    drop(kept);
    loopback_up()?;
    // SAFETY: the process has one thread (checked above), so the child may go on running
    // ordinary code after the fork.
    match unsafe { nix::unistd::fork() }.map_err(|e| failed("start the run's pid 1 (fork)", e.into()))? {
        nix::unistd::ForkResult::Child => {
            become_init()?;
            Ok(Role::Run)
        }
        nix::unistd::ForkResult::Parent { child } => Ok(Role::Finished(wait_for(child))),
    }
}

/// Mounts the private system directories, their layers in a tmpfs that is mounted over
/// `/proc` while they are made (a place no run reads then) and let go of after: the mounts
/// made from it keep it alive, and it dies with them.
fn private_dirs(root: bool) -> io::Result<()> {
    let staging = Path::new("/proc");
    mount(Some("tmpfs"), staging, Some("tmpfs"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some("mode=0700"))
        .map_err(|e| failed("mount the run's tmpfs", e.into()))?;
    let made = if root { overlay_dirs(staging) } else { copied_dirs(staging) };
    umount2(staging, MntFlags::MNT_DETACH).map_err(|e| failed("let go of the run's tmpfs", e.into()))?;
    made
}

/// As root: an overlay over each of [`OVERLAID`], its upper layer in `staging`.
fn overlay_dirs(staging: &Path) -> io::Result<()> {
    for (i, dir) in OVERLAID.iter().map(Path::new).enumerate() {
        if !is_real_dir(dir) {
            continue;
        }
        let upper = staging.join(format!("{i}/upper"));
        let work = staging.join(format!("{i}/work"));
        std::fs::create_dir_all(&upper)?;
        std::fs::create_dir_all(&work)?;
        let options = format!("lowerdir={},upperdir={},workdir={}", dir.display(), upper.display(), work.display());
        mount(Some("overlay"), dir, Some("overlay"), MsFlags::empty(), Some(options.as_str()))
            .map_err(|e| failed(&format!("mount an overlay on {}", dir.display()), e.into()))?;
    }
    Ok(())
}

/// As a normal user: copies of [`COPIED`] and skeletons of [`SKELETON`] in `staging`, each
/// bound over the directory it stands for.
fn copied_dirs(staging: &Path) -> io::Result<()> {
    let mut made = Vec::new();
    for (i, dir) in COPIED.iter().chain(SKELETON).map(Path::new).enumerate() {
        if !is_real_dir(dir) {
            continue;
        }
        let place = staging.join(i.to_string());
        std::fs::create_dir_all(&place)?;
        copy_mode(dir, &place);
        if COPIED.contains(&dir.to_str().unwrap_or_default()) {
            copy_tree(dir, &place);
        } else {
            copy_top_level(dir, &place);
        }
        made.push((place, dir));
    }
    // Bound only once every copy is made: /usr/local is copied from this machine's, not from
    // a copy bound over /etc.
    for (place, dir) in made {
        mount(Some(&place), dir, None::<&str>, MsFlags::MS_BIND, None::<&str>)
            .map_err(|e| failed(&format!("bind the run's own {} over it", dir.display()), e.into()))?;
    }
    Ok(())
}

/// Copies what can be read below `from` into `to`: directories, files (with their modes)
/// and symbolic links; unreadable files and special files are left out.
fn copy_tree(from: &Path, to: &Path) {
    copy_entries(from, to, true);
}

/// Makes in `to` the top-level directories (empty) and symbolic links of `from`.
fn copy_top_level(from: &Path, to: &Path) {
    copy_entries(from, to, false);
}

/// The directories and symbolic links of `from` in `to`; with `deep`, what is below the
/// directories and the files as well.
fn copy_entries(from: &Path, to: &Path, deep: bool) {
    let Ok(entries) = std::fs::read_dir(from) else { return };
    for entry in entries.flatten() {
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_symlink() {
            if let Ok(link) = std::fs::read_link(&source) {
                let _ = std::os::unix::fs::symlink(link, &dest);
            }
        } else if kind.is_dir() {
            if std::fs::create_dir(&dest).is_ok() {
                copy_mode(&source, &dest);
                if deep {
                    copy_entries(&source, &dest, true);
                }
            }
        } else if kind.is_file() && deep {
            let _ = std::fs::copy(&source, &dest);
        }
    }
}

fn copy_mode(from: &Path, to: &Path) {
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
}

/// A directory, not a symbolic link to one (`/var/run` is `/run`).
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).map(|m| m.is_dir()).unwrap_or(false)
}

fn open_path(path: &Path) -> io::Result<OwnedFd> {
    let fd = nix::fcntl::open(
        path,
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_DIRECTORY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(|e| failed(&format!("open {}", path.display()), e.into()))?;
    Ok(fd)
}

/// Brings up the loopback interface of the run's network namespace (127.0.0.0/8 on `lo`).
fn loopback_up() -> io::Result<()> {
    // Any socket of the namespace carries the interface ioctls; binding needs no interface.
    let socket =
        std::net::UdpSocket::bind(("0.0.0.0", 0)).map_err(|e| failed("open a socket to bring up the loopback", e))?;
    // SAFETY: `request` is a zeroed ifreq holding a NUL-terminated name shorter than
    // IFNAMSIZ; both ioctls read and write only that struct.
    unsafe {
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(c"lo".to_bytes_with_nul()) {
            *slot = *byte as libc::c_char;
        }
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCGIFFLAGS, &mut request) != 0 {
            return Err(failed("read the loopback's flags", io::Error::last_os_error()));
        }
        request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(socket.as_raw_fd(), libc::SIOCSIFFLAGS, &request) != 0 {
            return Err(failed("bring up the loopback", io::Error::last_os_error()));
        }
    }
    Ok(())
}

/// In the run's pid 1: dies with the process that waits for it, and mounts the pid
/// namespace's own `/proc` (the host backend finds the daemons it must stop there).
fn become_init() -> io::Result<()> {
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
        .map_err(|e| failed("tie the run to its parent", e.into()))?;
    mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        None::<&str>,
    )
    .map_err(|e| failed("mount the run's /proc", e.into()))
}

/// Waits for the run and returns its exit code (128 + the signal that ended it, as a shell
/// says).
fn wait_for(child: nix::unistd::Pid) -> i32 {
    use nix::sys::wait::{waitpid, WaitStatus};
    loop {
        match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, code)) => return code,
            Ok(WaitStatus::Signaled(_, signal, _)) => return 128 + signal as i32,
            Ok(_) | Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return 2,
        }
    }
}

fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

fn failed(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot isolate the run: cannot {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skeleton_keeps_the_top_level_and_a_copy_everything() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(from.path().join("lib/db")).unwrap();
        std::fs::write(from.path().join("lib/db/data"), "x").unwrap();
        std::os::unix::fs::symlink("/run", from.path().join("run")).unwrap();
        copy_top_level(from.path(), to.path());
        assert!(to.path().join("lib").is_dir());
        assert!(!to.path().join("lib/db").exists());
        assert_eq!(std::fs::read_link(to.path().join("run")).unwrap(), Path::new("/run"));
        let whole = tempfile::tempdir().unwrap();
        copy_tree(from.path(), whole.path());
        assert_eq!(std::fs::read_to_string(whole.path().join("lib/db/data")).unwrap(), "x");
        assert_eq!(std::fs::read_link(whole.path().join("run")).unwrap(), Path::new("/run"));
    }
}
