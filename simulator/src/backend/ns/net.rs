//! The run's network: a network namespace of its own with a bridge, and the two ways into
//! it: with root, this thread joins it to make a socket there (`made_in`: the netlink sockets
//! that set it up, the package listener); without, iproute2's `ip` runs inside it.

use super::annotate;
use crate::backend::program::{find_program, SYSTEM_DIRS};
use nix::libc;
use nix::sched::CloneFlags;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A network namespace of the run's own, held by a descriptor (it goes when that closes).
pub(super) fn new_net_namespace() -> io::Result<OwnedFd> {
    let here = File::open("/proc/thread-self/ns/net")?;
    nix::sched::unshare(CloneFlags::CLONE_NEWNET)?;
    let made = File::open("/proc/thread-self/ns/net");
    nix::sched::setns(&here, CloneFlags::CLONE_NEWNET)
        .map_err(|e| io::Error::other(format!("cannot return to the machine's network namespace: {e}")))?;
    Ok(made?.into())
}

/// Runs `make` on this thread inside the network namespace `netns`, then returns to `home`
/// (the thread's own): what `make` opens (a socket) stays in the namespace it was made in.
/// Needs root; without it a thread may not join the run's namespaces.
pub(super) fn made_in<T>(netns: &OwnedFd, home: &File, make: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    nix::sched::setns(netns, CloneFlags::CLONE_NEWNET)?;
    let made = make();
    nix::sched::setns(home, CloneFlags::CLONE_NEWNET)
        .map_err(|e| io::Error::other(format!("cannot return to the simulator's network namespace: {e}")))?;
    made
}

/// Runs `ip -batch -` with `commands` inside the network namespace `netns`, after joining
/// the user namespace `user` (without root: the run's, which owns the namespaces).
pub(super) fn run_ip(ip: &Path, user: Option<&OwnedFd>, netns: &OwnedFd, commands: &str) -> io::Result<()> {
    let fd = netns.as_raw_fd();
    let user = user.map(|u| u.as_raw_fd());
    let mut command = Command::new(ip);
    command.args(["-batch", "-"]).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    // SAFETY: one system call on a descriptor the parent keeps open.
    unsafe {
        command.pre_exec(move || {
            if let Some(user) = user {
                if libc::setns(user, libc::CLONE_NEWUSER) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| annotate(e, &format!("cannot run {}", ip.display())))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(commands.as_bytes());
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "`ip` failed on `{}`: {}",
            commands.trim().replace('\n', "; "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

/// iproute2's `ip`, on PATH or in the system's directories (a user's PATH may leave out
/// `/usr/sbin`).
pub(super) fn find_ip() -> Option<PathBuf> {
    find_program("ip", &SYSTEM_DIRS)
}

/// The address of the unit with model-wide `index` on the run's bridge.
pub(super) fn bridge_address(index: u32) -> io::Result<String> {
    let host = index + 10;
    if host >= 65534 {
        return Err(io::Error::other("the run's network has no address left (10.77.0.0/16)"));
    }
    Ok(format!("10.77.{}.{}", host >> 8, host & 255))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_depend_only_on_the_index() {
        assert_eq!(bridge_address(0).unwrap(), "10.77.0.10");
        assert_eq!(bridge_address(245).unwrap(), "10.77.0.255");
        assert_eq!(bridge_address(246).unwrap(), "10.77.1.0");
        assert!(bridge_address(70000).is_err());
    }
}
