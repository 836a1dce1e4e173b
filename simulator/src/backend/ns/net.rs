//! The run's network: a network namespace of its own (the "fabric") with a switch, and the
//! two ways into it: with root, this thread joins it to make a socket there (`made_in`: the
//! netlink sockets that set it up, the package listener); without, a child that joined the
//! run's user namespace makes the netlink sockets (`Rtnl::open_as`).
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
use super::packages;
use nix::sched::CloneFlags;
use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd};

/// The run's switch, as netlink reaches it.
pub(super) struct Switch {
    /// A netlink socket in the run's network namespace.
    fabric: Rtnl,
    /// The index there of the units' macvlans' parent.
    parent: i32,
    /// How sockets in units' network namespaces are made.
    opener: Opener,
}

/// How this process makes a netlink socket in another network namespace.
enum Opener {
    /// With root: the thread joins it, and comes back to its own (this one).
    Thread(File),
    /// Without: a child joins the run's user namespace (this one) first.
    RunUser(OwnedFd),
}

impl Opener {
    fn open(&self, netns: &OwnedFd) -> io::Result<Rtnl> {
        match self {
            Opener::Thread(home) => Rtnl::open_in(netns, home),
            Opener::RunUser(user) => Rtnl::open_as(user, netns),
        }
    }
}

impl Switch {
    /// Makes the switch in the run's network namespace `fabric`, with the gateway on it, and
    /// brings the namespace's loopback up; without root, `user` is the run's user namespace,
    /// which owns the fabric and every unit's namespaces.
    pub(super) fn make(fabric: &OwnedFd, user: Option<&OwnedFd>) -> io::Result<Switch> {
        let opener = match user {
            None => Opener::Thread(File::open("/proc/thread-self/ns/net")?),
            Some(user) => Opener::RunUser(user.try_clone()?),
        };
        let mut socket = opener.open(fabric)?;
        socket.set_up(netlink::LOOPBACK)?;
        socket.add_veth("sw0", "sw1")?;
        let peer = socket.index_of("sw1")?;
        socket.set_up(peer)?;
        let parent = socket.index_of("sw0")?;
        socket.add_macvlan("gw", parent, None, None)?;
        let gateway = socket.index_of("gw")?;
        socket.add_address(gateway, packages::GATEWAY, 16)?;
        socket.set_up(gateway)?;
        Ok(Switch { fabric: socket, parent, opener })
    }

    /// Connects the network namespace `net` to the switch: its `eth0` with `address`/16,
    /// and its loopback, up.
    pub(super) fn connect(&mut self, net: &OwnedFd, address: Ipv4Addr) -> io::Result<()> {
        self.fabric.add_macvlan("eth0", self.parent, Some(net.as_raw_fd()), Some(unit_mac(address)))?;
        let mut inside = self.opener.open(net)?;
        inside.set_up(netlink::LOOPBACK)?;
        let eth0 = inside.index_of("eth0")?;
        inside.add_address(eth0, address, 16)?;
        inside.set_up(eth0)
    }
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
