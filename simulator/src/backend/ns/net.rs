//! The run's network: a network namespace of its own (the "fabric") with a switch, and the
//! two ways into it: with root, this thread joins it to make a socket there (`made_in`: the
//! netlink sockets that set it up, the package listener); without, iproute2's `ip` runs
//! inside it.
//!
//! The switch is a macvlan parent: a veth pair in the fabric (`sw0`, `sw1`, both up), whose
//! `sw0` has one macvlan in bridge mode per unit, made in the unit's network namespace as its
//! `eth0`, and one in the fabric, `gw`, with the gateway's address (where the package cache
//! listens). Macvlans of one parent in bridge mode reach each other, and nothing else. A
//! Linux bridge would do the same, but its removal, when the fabric goes, waits for every
//! pending RCU callback of the machine (`rcu_barrier`) while it holds the kernel's network
//! configuration lock, and the next run's units, whose network namespaces need that lock,
//! waited for it: 10 to 50 ms in about a third of the runs, on 2026-12-07.

use super::netlink::{self, Rtnl};
use super::{annotate, packages};
use crate::backend::program::{find_program, SYSTEM_DIRS};
use nix::libc;
use nix::sched::CloneFlags;
use std::fs::File;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The run's switch as `ip -batch` makes it without root (`GATEWAY`: the gateway's address).
const SWITCH_BY_IP: &str = "link set lo up
link add sw0 numtxqueues 1 numrxqueues 1 type veth peer name sw1 numtxqueues 1 numrxqueues 1
link set sw1 up
link set sw0 up
link add gw link sw0 type macvlan mode bridge
addr add GATEWAY/16 dev gw
link set gw up
";

/// The run's switch, as netlink reaches it (with root).
pub(super) struct Switch {
    /// A netlink socket in the run's network namespace.
    fabric: Rtnl,
    /// The index there of the units' macvlans' parent.
    parent: i32,
    /// The network namespace of the thread that makes units, to come back to.
    home: File,
}

impl Switch {
    /// Makes the switch in the run's network namespace `fabric`, with the gateway on it, and
    /// brings the namespace's loopback up (as [`SWITCH_BY_IP`] does).
    pub(super) fn make(fabric: &OwnedFd) -> io::Result<Switch> {
        let home = File::open("/proc/thread-self/ns/net")?;
        let mut socket = Rtnl::open_in(fabric, &home)?;
        socket.set_up(netlink::LOOPBACK)?;
        socket.add_veth("sw0", "sw1")?;
        let peer = socket.index_of("sw1")?;
        socket.set_up(peer)?;
        let parent = socket.index_of("sw0")?;
        socket.add_macvlan("gw", parent, None, None)?;
        let gateway = socket.index_of("gw")?;
        socket.add_address(gateway, packages::GATEWAY, 16)?;
        socket.set_up(gateway)?;
        Ok(Switch { fabric: socket, parent, home })
    }

    /// Connects the network namespace `net` to the switch: its `eth0` with `address`/16,
    /// and its loopback, up.
    pub(super) fn connect(&mut self, net: &OwnedFd, address: Ipv4Addr) -> io::Result<()> {
        self.fabric.add_macvlan("eth0", self.parent, Some(net.as_raw_fd()), Some(unit_mac(address)))?;
        let mut inside = Rtnl::open_in(net, &self.home)?;
        inside.set_up(netlink::LOOPBACK)?;
        let eth0 = inside.index_of("eth0")?;
        inside.add_address(eth0, address, 16)?;
        inside.set_up(eth0)
    }
}

/// Makes the run's switch in `fabric` with `ip` (without root: `ip` joins the run's user
/// namespace `user` first).
pub(super) fn make_switch_by_ip(ip: &Path, user: Option<&OwnedFd>, fabric: &OwnedFd) -> io::Result<()> {
    run_ip(ip, user, fabric, &SWITCH_BY_IP.replace("GATEWAY", &packages::GATEWAY.to_string()))
}

/// Connects the unit whose pid 1 is `pid` and whose network namespace is `net` to the switch
/// with `ip`, as [`Switch::connect`] does.
pub(super) fn connect_by_ip(
    ip: &Path,
    user: Option<&OwnedFd>,
    fabric: &OwnedFd,
    (pid, net): (i32, &OwnedFd),
    address: Ipv4Addr,
) -> io::Result<()> {
    let mac = unit_mac(address).map(|b| format!("{b:02x}")).join(":");
    let outside = format!("link add eth0 link sw0 address {mac} netns {pid} type macvlan mode bridge\n");
    run_ip(ip, user, fabric, &outside)?;
    let inside = format!("link set lo up\naddr add {address}/16 dev eth0\nlink set eth0 up\n");
    run_ip(ip, user, net, &inside)
}

/// A unit's hardware address, made from its address (so that it is the same from run to
/// run, as the address is): locally administered, `02:00` and the address's four bytes.
fn unit_mac(address: Ipv4Addr) -> [u8; 6] {
    let [a, b, c, d] = address.octets();
    [0x02, 0x00, a, b, c, d]
}

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

/// The address of the unit with model-wide `index` on the run's switch.
pub(super) fn switch_address(index: u32) -> io::Result<Ipv4Addr> {
    let host = index + 10;
    if host >= 65534 {
        return Err(io::Error::other("the run's network has no address left (10.77.0.0/16)"));
    }
    Ok(Ipv4Addr::new(10, 77, (host >> 8) as u8, (host & 255) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_depend_only_on_the_index() {
        assert_eq!(switch_address(0).unwrap(), Ipv4Addr::new(10, 77, 0, 10));
        assert_eq!(switch_address(245).unwrap(), Ipv4Addr::new(10, 77, 0, 255));
        assert_eq!(switch_address(246).unwrap(), Ipv4Addr::new(10, 77, 1, 0));
        assert!(switch_address(70000).is_err());
    }

    #[test]
    fn hardware_addresses_are_local_and_follow_the_address() {
        let mac = unit_mac(Ipv4Addr::new(10, 77, 1, 2));
        assert_eq!(mac, [0x02, 0x00, 10, 77, 1, 2]);
        // Locally administered, not multicast.
        assert_eq!(mac[0] & 0b11, 0b10);
    }
}
