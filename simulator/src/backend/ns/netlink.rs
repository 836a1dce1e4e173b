//! The run's switch and a unit's network set up with route netlink messages from the
//! simulator itself: with root, where the simulator may enter the run's network namespaces,
//! this replaces the `ip` processes each run and each unit cost (each a fork of the simulator
//! and a program that loads its libraries). The messages ask for what `ip` asked for (see
//! `net`): the switch's parent (a veth pair, both ends up), the gateway (a macvlan of it)
//! with its address, up; for each unit a macvlan of the same parent made in the unit's
//! network namespace as its `eth0`, with its address and hardware address, up, and the
//! unit's loopback up.
//!
//! A netlink socket talks to the network namespace it was made in, with the rights of the
//! process that made it. With root the calling thread joins the namespace to make it, and
//! comes back ([`Rtnl::open_in`]); without, a short-lived child that shares the simulator's
//! memory and descriptors joins the run's user namespace and the network namespace, and
//! makes it there ([`Rtnl::open_as`]): the simulator then speaks with the rights of the
//! run's root, where before each step was an `ip` process.

use nix::libc;
use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

// From the kernel's uapi headers (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h,
// linux/veth.h, linux/if_addr.h).
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const IFLA_ADDRESS: u16 = 1;
const IFLA_IFNAME: u16 = 3;
const IFLA_LINK: u16 = 5;
const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_FD: u16 = 28;
const IFLA_NUM_TX_QUEUES: u16 = 31;
const IFLA_NUM_RX_QUEUES: u16 = 32;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFLA_MACVLAN_MODE: u16 = 1;
const MACVLAN_MODE_BRIDGE: u32 = 4;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
/// The loopback device's index in every network namespace.
pub(super) const LOOPBACK: i32 = 1;
const IFF_UP: u32 = 0x1;
const NLA_F_NESTED: u16 = 0x8000;

/// A route netlink socket of one network namespace.
pub(super) struct Rtnl {
    socket: OwnedFd,
    seq: u32,
}

impl Rtnl {
    /// A socket in the network namespace `netns`; `back` is the calling thread's own, which
    /// it returns to.
    pub(super) fn open_in(netns: &OwnedFd, back: &File) -> io::Result<Rtnl> {
        let socket = super::net::made_in(netns, back, || {
            // SAFETY: socket(2); the descriptor is owned below.
            let fd =
                unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: a new descriptor that nothing else owns.
            Ok(unsafe { OwnedFd::from_raw_fd(fd) })
        })?;
        Ok(Rtnl { socket, seq: 0 })
    }

    /// A socket in the network namespace `netns`, made by a child that joined the user
    /// namespace `user` first (which owns `netns`, or an ancestor of its owner does): without
    /// root this process cannot join them itself. The child is a `clone` that shares this
    /// process's memory and descriptor table, and suspends it until the child ends; it makes
    /// three system calls.
    pub(super) fn open_as(user: &OwnedFd, netns: &OwnedFd) -> io::Result<Rtnl> {
        struct Open {
            user: RawFd,
            netns: RawFd,
            /// The socket the child made, or -1.
            socket: libc::c_int,
            /// The errno of the step that failed, 0 while none did.
            error: libc::c_int,
        }
        extern "C" fn child(arg: *mut libc::c_void) -> libc::c_int {
            // SAFETY: `arg` is the `Open` of `open_as`, whose thread is suspended until this
            // child ends; the child makes system calls only.
            unsafe {
                let open = &mut *arg.cast::<Open>();
                let fd = if libc::setns(open.user, libc::CLONE_NEWUSER) != 0
                    || libc::setns(open.netns, libc::CLONE_NEWNET) != 0
                {
                    -1
                } else {
                    libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE)
                };
                if fd < 0 {
                    std::ptr::write_volatile(&mut open.error, (*libc::__errno_location()).max(1));
                } else {
                    std::ptr::write_volatile(&mut open.socket, fd);
                }
                libc::_exit(0)
            }
        }
        let mut open = Open { user: user.as_raw_fd(), netns: netns.as_raw_fd(), socket: -1, error: 0 };
        let mut stack = vec![0u8; 16 * 1024];
        // SAFETY: the child makes system calls only, and writes `open`, which lives until it
        // has ended (CLONE_VFORK); it shares the descriptor table, where its socket stays.
        let pid = unsafe {
            super::launch::clone_sharing_memory(child, (&mut open as *mut Open).cast(), libc::CLONE_FILES, &mut stack)?
        };
        super::launch::reap(pid);
        // SAFETY: the child has ended; what it wrote is in `open`.
        let (socket, error) = unsafe { (std::ptr::read_volatile(&open.socket), std::ptr::read_volatile(&open.error)) };
        if socket < 0 {
            return Err(io::Error::from_raw_os_error(if error == 0 { libc::EINVAL } else { error }));
        }
        // SAFETY: the child made it in this process's descriptor table (CLONE_FILES); nothing
        // else owns it.
        Ok(Rtnl { socket: unsafe { OwnedFd::from_raw_fd(socket) }, seq: 0 })
    }

    /// The index of the interface `name`.
    pub(super) fn index_of(&mut self, name: &str) -> io::Result<i32> {
        let mut body = link_header(0, 0);
        attribute(&mut body, IFLA_IFNAME, &nul_terminated(name));
        let reply = self.request(RTM_GETLINK, 0, &body)?;
        // The answer is an `RTM_NEWLINK` message: its ifinfomsg's index is at bytes 4..8.
        reply
            .get(4..8)
            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| io::Error::other(format!("no answer about interface {name}")))
    }

    /// Makes the veth pair `name` (up) and `peer` (down), both here. Each end has one queue
    /// each way, asked for: a veth made without saying so gets one per processor and is then
    /// cut down to one, and cutting queues waits for an expedited RCU grace period, which
    /// every run on the machine waits behind.
    pub(super) fn add_veth(&mut self, name: &str, peer: &str) -> io::Result<()> {
        let one = 1u32.to_ne_bytes();
        let mut peer_body = link_header(0, 0);
        attribute(&mut peer_body, IFLA_IFNAME, &nul_terminated(peer));
        attribute(&mut peer_body, IFLA_NUM_TX_QUEUES, &one);
        attribute(&mut peer_body, IFLA_NUM_RX_QUEUES, &one);
        let mut data = Vec::new();
        attribute(&mut data, VETH_INFO_PEER | NLA_F_NESTED, &peer_body);
        let mut info = Vec::new();
        attribute(&mut info, IFLA_INFO_KIND, b"veth");
        attribute(&mut info, IFLA_INFO_DATA | NLA_F_NESTED, &data);
        let mut body = link_header(0, IFF_UP);
        attribute(&mut body, IFLA_IFNAME, &nul_terminated(name));
        attribute(&mut body, IFLA_NUM_TX_QUEUES, &one);
        attribute(&mut body, IFLA_NUM_RX_QUEUES, &one);
        attribute(&mut body, IFLA_LINKINFO | NLA_F_NESTED, &info);
        self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &body).map(drop)
    }

    /// Makes `name`, a macvlan in bridge mode of the interface `parent` (down), in the network
    /// namespace `netns` (none: here), with the hardware address `mac` (none: a random one).
    pub(super) fn add_macvlan(
        &mut self,
        name: &str,
        parent: i32,
        netns: Option<RawFd>,
        mac: Option<[u8; 6]>,
    ) -> io::Result<()> {
        let mut data = Vec::new();
        attribute(&mut data, IFLA_MACVLAN_MODE, &MACVLAN_MODE_BRIDGE.to_ne_bytes());
        let mut info = Vec::new();
        attribute(&mut info, IFLA_INFO_KIND, b"macvlan");
        attribute(&mut info, IFLA_INFO_DATA | NLA_F_NESTED, &data);
        let mut body = link_header(0, 0);
        attribute(&mut body, IFLA_IFNAME, &nul_terminated(name));
        attribute(&mut body, IFLA_LINK, &(parent as u32).to_ne_bytes());
        if let Some(fd) = netns {
            attribute(&mut body, IFLA_NET_NS_FD, &(fd as u32).to_ne_bytes());
        }
        if let Some(mac) = mac {
            attribute(&mut body, IFLA_ADDRESS, &mac);
        }
        attribute(&mut body, IFLA_LINKINFO | NLA_F_NESTED, &info);
        self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &body).map(drop)
    }

    /// Brings the interface with `index` up.
    pub(super) fn set_up(&mut self, index: i32) -> io::Result<()> {
        self.request(RTM_NEWLINK, NLM_F_ACK, &link_header(index, IFF_UP)).map(drop)
    }

    /// Gives the interface with `index` `address`/`prefix` (no broadcast address, as `ip
    /// addr add` gives it).
    pub(super) fn add_address(&mut self, index: i32, address: Ipv4Addr, prefix: u8) -> io::Result<()> {
        // ifaddrmsg: family, prefix length, flags, scope (universe), index.
        let mut body = vec![libc::AF_INET as u8, prefix, 0, 0];
        body.extend_from_slice(&(index as u32).to_ne_bytes());
        attribute(&mut body, IFA_LOCAL, &address.octets());
        attribute(&mut body, IFA_ADDRESS, &address.octets());
        self.request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &body).map(drop)
    }

    /// Sends one request and reads until its answer: the payload of the message that
    /// answers it (empty for an acknowledgement), or the error the kernel gave.
    fn request(&mut self, kind: u16, flags: u16, body: &[u8]) -> io::Result<Vec<u8>> {
        self.seq += 1;
        let mut message = Vec::with_capacity(16 + body.len());
        message.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
        message.extend_from_slice(&kind.to_ne_bytes());
        message.extend_from_slice(&(flags | NLM_F_REQUEST).to_ne_bytes());
        message.extend_from_slice(&self.seq.to_ne_bytes());
        message.extend_from_slice(&0u32.to_ne_bytes());
        message.extend_from_slice(body);
        // SAFETY: send(2) of a buffer we own; the kernel is the peer of an unbound socket.
        let sent = unsafe { libc::send(self.socket.as_raw_fd(), message.as_ptr().cast(), message.len(), 0) };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buffer = vec![0u8; 32 * 1024];
        loop {
            // SAFETY: recv(2) into a buffer we own.
            let got = unsafe { libc::recv(self.socket.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len(), 0) };
            if got < 0 {
                let error = io::Error::last_os_error();
                if error.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            let mut rest = &buffer[..got as usize];
            while rest.len() >= 16 {
                let field = |at: usize| u32::from_ne_bytes([rest[at], rest[at + 1], rest[at + 2], rest[at + 3]]);
                let length = (field(0) as usize).clamp(16, rest.len());
                let (reply_kind, seq) = (u16::from_ne_bytes([rest[4], rest[5]]), field(8));
                let payload = &rest[16..length];
                if seq == self.seq {
                    if reply_kind != NLMSG_ERROR {
                        return Ok(payload.to_vec());
                    }
                    let code = payload.get(0..4).map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                    return if code == 0 { Ok(Vec::new()) } else { Err(io::Error::from_raw_os_error(-code)) };
                }
                rest = &rest[align(length).min(rest.len())..];
            }
        }
    }
}

/// An ifinfomsg for the interface `index` (0: named by an attribute) whose `flags` are set
/// (and no others changed).
fn link_header(index: i32, flags: u32) -> Vec<u8> {
    let mut header = vec![libc::AF_UNSPEC as u8, 0, 0, 0];
    header.extend_from_slice(&index.to_ne_bytes());
    header.extend_from_slice(&flags.to_ne_bytes());
    header.extend_from_slice(&flags.to_ne_bytes());
    header
}

/// Appends the attribute `kind` holding `value`, padded to 4 bytes.
fn attribute(to: &mut Vec<u8>, kind: u16, value: &[u8]) {
    let length = 4 + value.len();
    to.extend_from_slice(&(length as u16).to_ne_bytes());
    to.extend_from_slice(&kind.to_ne_bytes());
    to.extend_from_slice(value);
    to.resize(to.len() + align(length) - length, 0);
}

fn align(length: usize) -> usize {
    (length + 3) & !3
}

fn nul_terminated(name: &str) -> Vec<u8> {
    let mut bytes = name.as_bytes().to_vec();
    bytes.push(0);
    bytes
}
