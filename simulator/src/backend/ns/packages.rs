//! The units' route to Debian's packages, without a route to anything else.
//!
//! Units on the run's switch reach no network of the machine's. So that `apt-get install`
//! in a hook works all the same, the switch has a gateway with an address of its own
//! ([`GATEWAY`]), on which
//! a listener made inside the run's network namespace takes apt's connections, and the
//! simulator relays each to a package cache on the machine's loopback: an apt-cacher-ng of
//! its own, which it starts on first use when none answers (it stays, with its cache, so a
//! second run installs without downloading). Every unit's apt is pointed at the gateway as its HTTP
//! proxy (see `rootfs`), so apt asks the cache for the mirror's URLs and needs no name
//! resolution. Nothing but apt's proxy requests leaves the run: the cache only fetches from
//! the sources it is asked for, and the relay speaks to the cache alone.

use nix::libc;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The gateway's address on the run's switch: where units find the package cache.
pub(super) const GATEWAY: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);

/// The port units' apt connects to (apt-cacher-ng's usual one).
pub(super) const PORT: u16 = 3142;

/// Where our own package cache listens: not apt-cacher-ng's usual port, which a cache that
/// Debian's package started may hold with the machine's settings (its mirror list may name
/// mirrors this machine cannot reach).
const OWN_CACHE_PORT: u16 = 3149;

/// Where the relay goes unless `FORMULA_PACKAGE_PROXY` says otherwise: our own cache.
fn default_upstream() -> String {
    format!("127.0.0.1:{OWN_CACHE_PORT}")
}

/// The apt settings that send a unit's downloads through the gateway. dpkg skips its
/// `fsync`s (a unit's disk does not outlive the run, and they make installs slow). Without
/// root a unit has one user id, so apt's downloads cannot drop to the `_apt` user: they run
/// as root.
pub(super) fn apt_proxy_setting(rootless: bool) -> String {
    let mut setting = format!(
        "// Written by formula sim: packages come through the run's package cache.\nAcquire::http::Proxy \"http://{GATEWAY}:{PORT}/\";\n// A unit's disk does not outlive the run.\nDPkg::Options:: \"--force-unsafe-io\";\n"
    );
    if rootless {
        setting.push_str("// The unit runs without root, with one user id.\nAPT::Sandbox::User \"root\";\n");
    }
    setting
}

/// The listener on the gateway and the thread that relays its connections.
pub(super) struct PackageRoute {
    listener: Arc<TcpListener>,
    stopping: Arc<AtomicBool>,
    relay: Option<JoinHandle<()>>,
}

impl PackageRoute {
    /// Listens on the gateway inside `netns` (joined after `user`, without root) and relays
    /// to the cache named by `FORMULA_PACKAGE_PROXY`, else our own ([`default_upstream`]),
    /// started on first use if none answers there.
    pub(super) fn open(user: Option<&OwnedFd>, netns: &OwnedFd) -> io::Result<PackageRoute> {
        let listener = Arc::new(listen_in(user, netns, GATEWAY, PORT)?);
        let upstream = Upstream::from_env();
        let stopping = Arc::new(AtomicBool::new(false));
        let (accepting, stop) = (listener.clone(), stopping.clone());
        let relay = std::thread::Builder::new()
            .name("package-route".into())
            .spawn(move || accept_loop(&accepting, &stop, &upstream))?;
        Ok(PackageRoute { listener, stopping, relay: Some(relay) })
    }
}

impl Drop for PackageRoute {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the blocked `accept` (it fails once the socket is shut down).
        // SAFETY: a system call on a descriptor the listener still owns.
        unsafe { libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RDWR) };
        if let Some(relay) = self.relay.take() {
            let _ = relay.join();
        }
    }
}

/// The package cache the relay speaks to.
struct Upstream {
    address: String,
    /// Whether the simulator may start apt-cacher-ng there (only at the default address).
    may_start: bool,
}

impl Upstream {
    fn from_env() -> Upstream {
        match std::env::var("FORMULA_PACKAGE_PROXY").ok().filter(|v| !v.is_empty()) {
            Some(address) => Upstream { address, may_start: false },
            None => Upstream { address: default_upstream(), may_start: true },
        }
    }

    /// A connection to the cache, starting it first when allowed and needed.
    fn connect(&self) -> Result<TcpStream, String> {
        let address: SocketAddr =
            self.address.parse().map_err(|_| format!("FORMULA_PACKAGE_PROXY={} is not host:port", self.address))?;
        if let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
            return Ok(stream);
        }
        if !self.may_start {
            return Err(format!("no package cache answers at {} (FORMULA_PACKAGE_PROXY)", self.address));
        }
        start_cache()?;
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            match TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
                Ok(stream) => return Ok(stream),
                Err(e) if Instant::now() > until => {
                    return Err(format!("the package cache started but does not answer at {}: {e}", self.address))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

fn accept_loop(listener: &TcpListener, stopping: &AtomicBool, upstream: &Upstream) {
    // Relays already running end on their own when either side closes.
    for unit_side in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(unit_side) = unit_side else { continue };
        match upstream.connect() {
            Ok(cache_side) => relay(unit_side, cache_side),
            Err(why) if upstream.may_start => refuse(unit_side, &format!("{why}; install apt-cacher-ng")),
            Err(why) => refuse(unit_side, &why),
        }
    }
}

/// Copies bytes both ways between a unit's connection and the cache's, a thread each way.
fn relay(unit_side: TcpStream, cache_side: TcpStream) {
    let (Ok(unit_reader), Ok(cache_reader)) = (unit_side.try_clone(), cache_side.try_clone()) else { return };
    let pump = |mut from: TcpStream, mut to: TcpStream| {
        move || {
            let _ = io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Write);
        }
    };
    let _ = std::thread::Builder::new().name("package-up".into()).spawn(pump(unit_reader, cache_side));
    let _ = std::thread::Builder::new().name("package-down".into()).spawn(pump(cache_reader, unit_side));
}

/// Answers apt with an HTTP error whose reason says why (apt prints the status line).
fn refuse(mut unit_side: TcpStream, why: &str) {
    let _ = unit_side.set_read_timeout(Some(Duration::from_secs(2)));
    let mut request = [0u8; 4096];
    let _ = unit_side.read(&mut request);
    let reason = format!("formula sim: {why}").replace(['\r', '\n'], " ");
    let _ = write!(unit_side, "HTTP/1.1 502 {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/// Where our apt-cacher-ng keeps its cache, settings and log: `FORMULA_PACKAGE_CACHE_DIR`,
/// else beside the unit bases for root, else in the user's cache directory.
fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FORMULA_PACKAGE_CACHE_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    if nix::unistd::geteuid().is_root() {
        // Beside the unit bases' store, in the simulator's directory under /var/cache.
        let system = Path::new(crate::base::SYSTEM_STORE).parent().unwrap_or(Path::new("/var/cache"));
        return system.join("apt-cacher-ng");
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("formula-sim/apt-cacher-ng")
}

/// Starts apt-cacher-ng on [`default_upstream`] with settings of our own (not the machine's,
/// whose backends may name mirrors this machine cannot reach); it puts itself in the
/// background and stays, so that later runs find it and the packages in its cache.
fn start_cache() -> Result<(), String> {
    let program = crate::backend::program::find_program("apt-cacher-ng", &crate::backend::program::SYSTEM_DIRS)
        .ok_or_else(|| {
            format!("no package cache answers at {} and apt-cacher-ng is not installed", default_upstream())
        })?;
    let dir = cache_dir();
    let settings = dir.join("settings");
    for sub in [dir.join("cache"), dir.join("log"), settings.clone()] {
        std::fs::create_dir_all(&sub).map_err(|e| format!("cannot make {}: {e}", sub.display()))?;
    }
    let conf = format!(
        "CacheDir: {}\nLogDir: {}\nPort: {OWN_CACHE_PORT}\nBindAddress: 127.0.0.1\nPidFile: {}\nSocketPath: {}\nForeGround: 0\n",
        dir.join("cache").display(),
        dir.join("log").display(),
        dir.join("pid").display(),
        dir.join("socket").display()
    );
    let conf_path = settings.join("acng.conf");
    std::fs::write(&conf_path, conf).map_err(|e| format!("cannot write {}: {e}", conf_path.display()))?;
    let status = Command::new(&program)
        .arg("-c")
        .arg(&settings)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    // Another run may have started it a moment before: its port is taken, which is fine.
    if !status.success() {
        eprintln!("note: {} exited with {status} (another run's cache may be starting)", program.display());
    }
    Ok(())
}

/// A TCP listener on `address:port` made inside the network namespace `netns`. With root
/// this thread enters it; without, this process may not, so a forked child joins `user` and
/// `netns`, makes the socket and sends it back over a socket pair.
fn listen_in(user: Option<&OwnedFd>, netns: &OwnedFd, address: Ipv4Addr, port: u16) -> io::Result<TcpListener> {
    let Some(user) = user else {
        return listen_from_this_thread(netns, address, port);
    };
    let (ours, theirs) = UnixStream::pair()?;
    let target = ChildTarget {
        user: user.as_raw_fd(),
        net: netns.as_raw_fd(),
        channel: theirs.as_raw_fd(),
        address: libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: port.to_be(),
            sin_addr: libc::in_addr { s_addr: u32::from(address).to_be() },
            sin_zero: [0; 8],
        },
    };
    // SAFETY: the child makes only system calls on memory prepared before the fork, then
    // exits without returning into Rust.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: in the child, see above.
        unsafe { libc::_exit(make_and_send(&target)) };
    }
    drop(theirs);
    let received = receive_fd(&ours);
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    let fd = received?;
    // SAFETY: a listening socket the child made and passed to us; we own it now.
    Ok(unsafe { TcpListener::from_raw_fd(fd) })
}

/// With root: the calling thread joins `netns`, makes the listener there and comes back (a
/// socket stays in the namespace it was made in), without the fork a user namespace needs.
fn listen_from_this_thread(netns: &OwnedFd, address: Ipv4Addr, port: u16) -> io::Result<TcpListener> {
    let home = std::fs::File::open("/proc/thread-self/ns/net")?;
    super::net::made_in(netns, &home, || TcpListener::bind((address, port)))
}

/// What the forked child needs, all prepared before the fork.
struct ChildTarget {
    user: RawFd,
    net: RawFd,
    channel: RawFd,
    address: libc::sockaddr_in,
}

/// In the forked child: joins the namespaces, makes the listener, sends it (or the errno of
/// what failed, as four bytes without a descriptor). Returns the exit code.
unsafe fn make_and_send(target: &ChildTarget) -> i32 {
    let fail = |channel: RawFd| -> i32 {
        let errno = *libc::__errno_location();
        let bytes = errno.to_ne_bytes();
        libc::write(channel, bytes.as_ptr().cast(), bytes.len());
        1
    };
    if libc::setns(target.user, libc::CLONE_NEWUSER) != 0 {
        return fail(target.channel);
    }
    if libc::setns(target.net, libc::CLONE_NEWNET) != 0 {
        return fail(target.channel);
    }
    let socket = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
    if socket < 0 {
        return fail(target.channel);
    }
    let one: libc::c_int = 1;
    libc::setsockopt(
        socket,
        libc::SOL_SOCKET,
        libc::SO_REUSEADDR,
        (&one as *const libc::c_int).cast(),
        std::mem::size_of::<libc::c_int>() as libc::socklen_t,
    );
    let address = (&target.address as *const libc::sockaddr_in).cast::<libc::sockaddr>();
    if libc::bind(socket, address, std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t) != 0 {
        return fail(target.channel);
    }
    if libc::listen(socket, 64) != 0 {
        return fail(target.channel);
    }
    // One byte of data, and the descriptor as SCM_RIGHTS.
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut control = [0u64; 8];
    let mut message: libc::msghdr = std::mem::zeroed();
    message.msg_iov = &mut iov;
    message.msg_iovlen = 1;
    message.msg_control = control.as_mut_ptr().cast();
    message.msg_controllen = libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) as _;
    let header = libc::CMSG_FIRSTHDR(&message);
    if header.is_null() {
        return 1;
    }
    (*header).cmsg_level = libc::SOL_SOCKET;
    (*header).cmsg_type = libc::SCM_RIGHTS;
    (*header).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as _;
    std::ptr::write_unaligned(libc::CMSG_DATA(header).cast::<RawFd>(), socket);
    if libc::sendmsg(target.channel, &message, 0) < 0 {
        return fail(target.channel);
    }
    0
}

/// The parent's side of [`make_and_send`]: the descriptor, or the child's error.
fn receive_fd(channel: &UnixStream) -> io::Result<RawFd> {
    let mut data = [0u8; 4];
    let mut iov = libc::iovec { iov_base: data.as_mut_ptr().cast(), iov_len: data.len() };
    let mut control = [0u64; 8];
    // SAFETY: a message header over buffers that live across the call.
    let (got, fd) = unsafe {
        let mut message: libc::msghdr = std::mem::zeroed();
        message.msg_iov = &mut iov;
        message.msg_iovlen = 1;
        message.msg_control = control.as_mut_ptr().cast();
        message.msg_controllen = std::mem::size_of_val(&control) as _;
        let got = libc::recvmsg(channel.as_raw_fd(), &mut message, libc::MSG_CMSG_CLOEXEC);
        let header = libc::CMSG_FIRSTHDR(&message);
        let fd = if got > 0
            && !header.is_null()
            && (*header).cmsg_level == libc::SOL_SOCKET
            && (*header).cmsg_type == libc::SCM_RIGHTS
        {
            Some(std::ptr::read_unaligned(libc::CMSG_DATA(header).cast::<RawFd>()))
        } else {
            None
        };
        (got, fd)
    };
    match fd {
        Some(fd) => Ok(fd),
        None if got == 4 => Err(io::Error::from_raw_os_error(i32::from_ne_bytes(data))),
        None => Err(io::Error::other("the child that makes the package route's listener ended without it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apt_setting_names_the_gateway() {
        assert_eq!(apt_proxy_setting(false).lines().nth(1), Some("Acquire::http::Proxy \"http://10.77.0.1:3142/\";"));
    }

    #[test]
    fn a_listener_made_in_this_namespace_accepts_here() {
        let here: OwnedFd = match std::fs::File::open("/proc/self/ns/net") {
            Ok(file) => file.into(),
            Err(e) => panic!("cannot open this process's network namespace: {e}"),
        };
        // Entering one's own network namespace needs no privilege beyond what it has.
        let listener = match listen_in(None, &here, Ipv4Addr::LOCALHOST, 0) {
            Ok(listener) => listener,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return,
            Err(e) => panic!("listen_in: {e}"),
        };
        let address = listener.local_addr().map_err(|e| e.to_string());
        assert!(matches!(address, Ok(a) if a.ip() == Ipv4Addr::LOCALHOST));
    }
}
