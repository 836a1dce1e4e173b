//! A whole run in namespaces of its own, for the host backend's runs.
//!
//! On the host backend units share this machine, as their formulas expect of a machine of
//! their own: they write `/etc` and `/usr/local`, keep pid files in `/run`, and start daemons
//! on fixed ports. Left alone, a run would leave all of that on this machine for good, and two
//! runs at once (the explorer's seeds) would trample each other. An isolated run (every
//! host-backend run where [`available`] says this machine allows it) keeps the host backend's
//! meaning inside the run (its units still share one machine) but gets a machine of its own:
//!
//! - a mount namespace whose system directories are private: as root, an overlay each over
//!   this machine's (`/etc`, `/home`, `/opt`, `/root`, `/run`, `/srv`, `/tmp`, `/usr`,
//!   `/var`), so everything is there to read and every write stays in the run; as a normal
//!   user (in a user namespace, where an overlay cannot write over files of users it does not
//!   map), copies of `/etc` and `/usr/local` and fresh `/run` and `/var` holding their
//!   top-level entries, with `/tmp` and the rest shared;
//! - a network namespace with its own loopback, so fixed ports do not collide between runs
//!   (`lo` carries all of 127.0.0.0/8, so the units' 127.0.1.N addresses work there), unless
//!   the caller keeps this machine's network (a scenario application with `network: host`
//!   expects to reach package mirrors);
//! - a pid namespace with the run as its pid 1, so nothing a hook started outlives the run;
//! - an IPC namespace, for daemons that use System V IPC.
//!
//! Every upper layer and copy is in a tmpfs that exists only in the run's mount namespace, so
//! all of it goes when the run's last process ends; nothing is written on this machine but
//! what goes into the directories the caller keeps shared (the trace's, the page's, the run's
//! own directory). The run's trace does not depend on any of this: same seed, same bytes,
//! isolated or not.

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

/// Whether this machine lets a run isolate itself: a child tries to make the namespaces
/// [`isolate_run`] makes (with a user namespace when not root) and to mount a tmpfs in them,
/// and reports. False in a container without the privilege, or where unprivileged user
/// namespaces are turned off.
pub fn available() -> bool {
    let mut stack = vec![0u8; 64 * 1024];
    // SAFETY: the child makes system calls only, then ends.
    let probe: Box<dyn FnMut() -> isize> = Box::new(|| unsafe {
        let private = libc::mount(
            c"none".as_ptr(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        );
        let tmpfs = private == 0
            && libc::mount(c"tmpfs".as_ptr(), c"/proc".as_ptr(), c"tmpfs".as_ptr(), 0, std::ptr::null()) == 0;
        libc::_exit(if tmpfs { 0 } else { 1 })
    });
    // SAFETY: see the child above.
    let child = unsafe { nix::sched::clone(probe, &mut stack, flags(false), Some(libc::SIGCHLD)) };
    match child {
        Ok(pid) => matches!(nix::sys::wait::waitpid(pid, None), Ok(nix::sys::wait::WaitStatus::Exited(_, 0))),
        Err(_) => false,
    }
}

/// The namespaces of an isolated run: a user namespace too when not root, and no network
/// namespace when the run keeps this machine's network.
fn flags(share_network: bool) -> CloneFlags {
    let mut flags = CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWIPC;
    if !share_network {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    if !nix::unistd::geteuid().is_root() {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    flags
}

/// Moves the rest of this run into namespaces of its own (see the module's doc) and returns
/// [`Role::Run`] in the process that goes on with it; the calling process waits for it and
/// gets [`Role::Finished`]. The directories in `keep` (and what is below them) stay shared
/// with this machine: the run writes its trace there, and its directory when it is kept. With
/// `share_network` the run keeps this machine's network namespace.
///
/// The calling process is left as it was (a child makes the namespaces, and forks the run in
/// them): after the run it sees this machine, and when making them fails it gets the error
/// and may run otherwise. Must be called while the process has one thread (a fork copies
/// only the calling thread).
pub fn isolate_run(keep: &[PathBuf], share_network: bool) -> io::Result<Role> {
    if thread_count() != Some(1) {
        return Err(io::Error::other("cannot isolate the run: the process already has more than one thread"));
    }
    // What went wrong in the children comes back on this pipe; it closes empty when the run
    // has started.
    let (said, say) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| failed("open a pipe to the run", e.into()))?;
    // SAFETY: the process has one thread (checked above), so the child may go on running
    // ordinary code after the fork.
    match unsafe { nix::unistd::fork() }.map_err(|e| failed("start the run (fork)", e.into()))? {
        nix::unistd::ForkResult::Parent { child } => {
            drop(say);
            let mut error = String::new();
            let _ = std::io::Read::read_to_string(&mut std::fs::File::from(said), &mut error);
            let code = wait_for(child);
            if error.is_empty() {
                Ok(Role::Finished(code))
            } else {
                Err(io::Error::other(error))
            }
        }
        nix::unistd::ForkResult::Child => {
            drop(said);
            let started = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
                .map_err(|e| failed("tie the run to its parent", e.into()))
                .and_then(|()| make_namespaces(keep, share_network))
                .and_then(|()| start_init());
            match started {
                Ok(Some(init)) => {
                    drop(say);
                    // SAFETY: ends this process without running the caller's destructors or
                    // flushing its buffers, which are the calling process's to run.
                    unsafe { libc::_exit(wait_for(init)) }
                }
                Ok(None) => {
                    drop(say);
                    Ok(Role::Run)
                }
                Err(e) => {
                    let _ = std::io::Write::write_all(&mut std::fs::File::from(say), e.to_string().as_bytes());
                    // SAFETY: as above.
                    unsafe { libc::_exit(2) }
                }
            }
        }
    }
}

/// In the child of [`isolate_run`]: unshares the run's namespaces and makes its mounts and
/// loopback.
fn make_namespaces(keep: &[PathBuf], share_network: bool) -> io::Result<()> {
    let root = nix::unistd::geteuid().is_root();
    let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
    // As a normal user this needs unprivileged user namespaces, which some systems turn off.
    let what = if root {
        "make the run's namespaces (unshare)"
    } else {
        "make the run's namespaces in a user namespace of its own (unshare; are unprivileged user namespaces allowed here?)"
    };
    nix::sched::unshare(flags(share_network)).map_err(|e| failed(what, e.into()))?;
    if !root {
        // Root inside, this user outside: the run may write its own /etc copy and bind port 80.
        std::fs::write("/proc/self/setgroups", "deny").map_err(|e| failed("write /proc/self/setgroups", e))?;
        std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).map_err(|e| failed("map the user", e))?;
        std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).map_err(|e| failed("map the group", e))?;
    }
    mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>)
        .map_err(|e| failed("make the run's mounts private", e.into()))?;
    // Copied, with what is mounted below them, before anything is mounted over them, and put
    // back at the end. A copy made later would bring the run's own overlay along where a kept
    // directory is one (`--trace /tmp/run.jsonl`), and the file would go with the run.
    let kept: Vec<(PathBuf, OwnedFd)> =
        keep.iter().filter(|p| p.is_dir()).map(|p| Ok((p.clone(), clone_mounts(p)?))).collect::<io::Result<_>>()?;
    private_dirs(root)?;
    for (path, tree) in &kept {
        // A copy or skeleton (as a normal user) may lack it.
        let _ = std::fs::create_dir_all(path);
        attach_tree(tree, path).map_err(|e| failed(&format!("keep {} shared", path.display()), e))?;
    }
    drop(kept);
    if !share_network {
        loopback_up()?;
    }
    Ok(())
}

/// Forks the run as pid 1 of its pid namespace: `None` in the run, `Some(its pid)` in the
/// process that made the namespaces.
fn start_init() -> io::Result<Option<nix::unistd::Pid>> {
    // SAFETY: the process has one thread (it is a fork of one that had one).
    match unsafe { nix::unistd::fork() }.map_err(|e| failed("start the run's pid 1 (fork)", e.into()))? {
        nix::unistd::ForkResult::Child => become_init().map(|()| None),
        nix::unistd::ForkResult::Parent { child } => Ok(Some(child)),
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

/// A detached copy of the mounts at and below `path`, as they are now (`open_tree` with
/// `OPEN_TREE_CLONE | AT_RECURSIVE`).
fn clone_mounts(path: &Path) -> io::Result<OwnedFd> {
    const OPEN_TREE_CLONE: libc::c_uint = 1;
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())?;
    let flags = OPEN_TREE_CLONE | libc::AT_RECURSIVE as libc::c_uint | libc::O_CLOEXEC as libc::c_uint;
    // SAFETY: a system call on a string that lives through it; the descriptor it returns is
    // owned by the caller from here on.
    let fd = unsafe { libc::syscall(libc::SYS_open_tree, libc::AT_FDCWD, name.as_ptr(), flags) };
    if fd < 0 {
        return Err(failed(&format!("copy the mounts of {}", path.display()), io::Error::last_os_error()));
    }
    // SAFETY: the kernel just returned this descriptor, and nothing else owns it.
    Ok(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd as libc::c_int) })
}

/// Mounts a copy made by [`clone_mounts`] at `path` (`move_mount`).
fn attach_tree(tree: &OwnedFd, path: &Path) -> io::Result<()> {
    const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 4;
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())?;
    // SAFETY: a system call on a descriptor and strings that live through it.
    let done = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            tree.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_FDCWD,
            name.as_ptr(),
            MOVE_MOUNT_F_EMPTY_PATH,
        )
    };
    if done != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
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
