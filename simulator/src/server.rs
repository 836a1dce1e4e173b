//! The hook-tool server: the unit agents' socket, served by the engine's own thread while a
//! hook runs.
//!
//! Juju's jujuc server answers calls one at a time, and so does the engine. While a hook's
//! process runs, the engine waits (`poll`) on the listening socket, the connections it has
//! accepted and the process itself (a pidfd), reads each request as its bytes arrive (never
//! blocking on a slow client), answers it and notices the process's end: no thread and no
//! channel between a tool and the model. Between hooks nothing is read; calls wait in the
//! socket's backlog for the next hook, whose context id refuses them.
//!
//! What a client may cost is bounded: [`MAX_CONNECTIONS`] connections at once (more wait in
//! the backlog), a whole request within [`REQUEST_TIME`] of its connection, at most
//! [`wire::MAX_REQUEST`] bytes each; a client that sends what is not a request gets an error
//! and is closed ([`ServerEvent::Malformed`]).

use crate::backend::Spawned;
use crate::wire::{self, Request, Response};
use nix::libc;
use nix::poll::{PollFd, PollFlags, PollTimeout};
use std::io::{self, Read};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The most connections read at once; more wait in the socket's backlog.
pub const MAX_CONNECTIONS: usize = 8;

/// How long a client has, from its connection, to send a whole request.
pub const REQUEST_TIME: Duration = Duration::from_secs(10);

/// The longest an answer may wait for its client to read it.
const REPLY_TIME: Duration = Duration::from_secs(30);

/// How often the process is looked at where the kernel has no pidfd (before Linux 5.3).
const EXIT_POLL: Duration = Duration::from_millis(5);

/// What the engine waits for while a hook runs.
pub enum ServerEvent {
    /// A tool call, and where its answer goes.
    Call(Request, Reply),
    /// A client sent what is not a request; it was answered with an error and closed. Says
    /// what was wrong.
    Malformed(String),
    /// The hook's process ended: its exit code (128+N for signal N).
    Exited(i32),
    /// The deadline passed first.
    TimedOut,
}

/// Where the answer to a call goes.
pub struct Reply {
    stream: UnixStream,
}

impl Reply {
    /// Sends the answer; a client that does not read it within `within` (at most
    /// [`REPLY_TIME`]) loses it.
    pub fn send(self, response: &Response, within: Duration) {
        let within = within.clamp(Duration::from_millis(100), REPLY_TIME);
        let _ = self.stream.set_nonblocking(false);
        let _ = self.stream.set_write_timeout(Some(within));
        let _ = wire::write_response(&mut &self.stream, response);
    }
}

/// A hook's process, watched for its end.
pub struct HookProcess {
    child: Spawned,
    /// Readable once the process has ended; `None` where the kernel has no pidfd.
    pidfd: Option<OwnedFd>,
}

impl HookProcess {
    /// Watches `child`.
    pub fn new(child: impl Into<Spawned>) -> HookProcess {
        let child = child.into();
        // SAFETY: pidfd_open(2) on a pid this process has not reaped (the child's), no flags.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, child.id() as libc::c_int, 0) };
        // SAFETY: a new descriptor that nothing else owns.
        let pidfd = i32::try_from(fd).ok().filter(|fd| *fd >= 0).map(|fd| unsafe { OwnedFd::from_raw_fd(fd) });
        HookProcess { child, pidfd }
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its exit code, if it has ended (reaping it).
    fn exited(&mut self) -> Option<i32> {
        use std::os::unix::process::ExitStatusExt;
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))),
            Ok(None) => None,
            Err(_) => Some(255),
        }
    }
}

/// A connection being read.
struct Connection {
    stream: UnixStream,
    bytes: Vec<u8>,
    since: Instant,
}

/// The listening socket and the connections accepted from it.
pub struct ToolServer {
    /// The socket's path.
    pub socket: PathBuf,
    listener: UnixListener,
    connections: Vec<Connection>,
}

impl ToolServer {
    /// Listens on `socket`.
    pub fn start(socket: &Path) -> io::Result<ToolServer> {
        let _ = std::fs::remove_file(socket);
        let listener = UnixListener::bind(socket)?;
        listener.set_nonblocking(true)?;
        Ok(ToolServer { socket: socket.to_path_buf(), listener, connections: Vec::new() })
    }

    /// Waits for the next call, a malformed request, the end of `process`, or `deadline`.
    /// Calls already read come before the process's end (a tool started in the background
    /// may still be waiting for its answer).
    pub fn next(&mut self, process: &mut HookProcess, deadline: Instant) -> ServerEvent {
        loop {
            self.accept();
            if let Some(event) = self.read_ready() {
                return event;
            }
            if let Some(code) = process.exited() {
                return ServerEvent::Exited(code);
            }
            let now = Instant::now();
            if now >= deadline {
                return ServerEvent::TimedOut;
            }
            let mut wait = deadline - now;
            if process.pidfd.is_none() {
                wait = wait.min(EXIT_POLL);
            }
            if let Some(oldest) = self.connections.iter().map(|c| c.since).min() {
                wait = wait.min((oldest + REQUEST_TIME).saturating_duration_since(now));
            }
            self.wait(process, wait);
        }
    }

    /// Sleeps until something is readable (a connection, the listener, the process's end) or
    /// `wait` has passed.
    fn wait(&self, process: &HookProcess, wait: Duration) {
        let mut fds: Vec<PollFd> =
            self.connections.iter().map(|c| PollFd::new(c.stream.as_fd(), PollFlags::POLLIN)).collect();
        if self.connections.len() < MAX_CONNECTIONS {
            fds.push(PollFd::new(self.listener.as_fd(), PollFlags::POLLIN));
        }
        if let Some(pidfd) = &process.pidfd {
            fds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
        }
        // Rounded up, so that a deadline a fraction of a millisecond away is not polled for
        // again and again with a timeout of 0.
        let millis = u32::try_from(wait.as_micros().div_ceil(1000)).unwrap_or(u32::MAX);
        let timeout = PollTimeout::try_from(millis).unwrap_or(PollTimeout::MAX);
        let _ = nix::poll::poll(&mut fds, timeout);
    }

    /// Accepts the connections waiting, up to [`MAX_CONNECTIONS`].
    fn accept(&mut self) {
        while self.connections.len() < MAX_CONNECTIONS {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if stream.set_nonblocking(true).is_ok() {
                        self.connections.push(Connection { stream, bytes: Vec::new(), since: Instant::now() });
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    /// Reads what the connections sent; returns the first whole request, or the first
    /// malformed one (answered and closed). Closes connections whose clients left, or that
    /// took too long.
    fn read_ready(&mut self) -> Option<ServerEvent> {
        let mut index = 0;
        while index < self.connections.len() {
            match read_some(&mut self.connections[index]) {
                Progress::Waiting => index += 1,
                Progress::Gone => {
                    self.connections.remove(index);
                }
                Progress::Request(request) => {
                    let connection = self.connections.remove(index);
                    return Some(ServerEvent::Call(request, Reply { stream: connection.stream }));
                }
                Progress::Malformed(what) => {
                    let connection = self.connections.remove(index);
                    let stderr = format!("ERROR bad request: {what}\n").into_bytes();
                    let answer = Response { code: 1, stdout: Vec::new(), stderr };
                    // Best effort, without waiting: the client may not be reading.
                    let _ = wire::write_response(&mut &connection.stream, &answer);
                    return Some(ServerEvent::Malformed(what));
                }
            }
        }
        None
    }
}

/// How reading a connection went.
enum Progress {
    /// The request is not whole yet.
    Waiting,
    /// The client left before it sent anything.
    Gone,
    /// A whole request.
    Request(Request),
    /// Not a request, with what was wrong.
    Malformed(String),
}

/// Reads what is there on `connection`, without blocking.
fn read_some(connection: &mut Connection) -> Progress {
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match wire::request_len(&connection.bytes) {
            Err(e) => return Progress::Malformed(e.to_string()),
            Ok(Some(len)) if connection.bytes.len() >= len => {
                return match wire::read_request(&mut &connection.bytes[..len]) {
                    Ok(request) if connection.bytes.len() == len => Progress::Request(request),
                    Ok(_) => Progress::Malformed(format!("{} bytes after the request", connection.bytes.len() - len)),
                    Err(e) => Progress::Malformed(e.to_string()),
                };
            }
            Ok(_) => {}
        }
        if connection.since.elapsed() > REQUEST_TIME {
            return Progress::Malformed(format!(
                "no whole request within {}s ({} bytes)",
                REQUEST_TIME.as_secs(),
                connection.bytes.len()
            ));
        }
        match connection.stream.read(&mut chunk) {
            Ok(0) if connection.bytes.is_empty() => return Progress::Gone,
            Ok(0) => {
                return Progress::Malformed(format!(
                    "the connection closed inside a request ({} bytes)",
                    connection.bytes.len()
                ))
            }
            Ok(n) => connection.bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Progress::Waiting,
            Err(_) => return Progress::Gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::Command;

    fn request(context: &str) -> Request {
        Request {
            context: context.into(),
            tool: "config-get".into(),
            args: vec!["x".into()],
            cwd: "/".into(),
            has_stdin: false,
            stdin: Vec::new(),
        }
    }

    #[test]
    fn calls_garbage_and_the_process_end_come_as_events_and_answers_reach_their_clients() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.socket");
        let mut server = ToolServer::start(&socket).unwrap();
        let mut process = HookProcess::new(Command::new("sleep").arg("2").spawn().unwrap());
        let deadline = Instant::now() + Duration::from_secs(20);

        // Garbage: answered with an error and closed.
        let mut garbage = UnixStream::connect(&socket).unwrap();
        garbage.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        match server.next(&mut process, deadline) {
            ServerEvent::Malformed(what) => assert!(what.contains("too large"), "{what}"),
            _ => panic!("garbage must come as malformed"),
        }
        let answer = wire::read_response(&mut garbage).unwrap();
        assert_eq!(answer.code, 1);
        assert!(String::from_utf8_lossy(&answer.stderr).starts_with("ERROR bad request: frame of"));

        // A call, its bytes sent in two pieces, then answered.
        let client = std::thread::spawn({
            let socket = socket.clone();
            move || {
                let bytes = wire::encode_request(&request("ctx")).unwrap();
                let mut stream = UnixStream::connect(&socket).unwrap();
                stream.write_all(&bytes[..5]).unwrap();
                std::thread::sleep(Duration::from_millis(50));
                stream.write_all(&bytes[5..]).unwrap();
                wire::read_response(&mut stream).unwrap()
            }
        });
        match server.next(&mut process, deadline) {
            ServerEvent::Call(got, reply) => {
                assert_eq!(got, request("ctx"));
                reply.send(
                    &Response { code: 0, stdout: b"hello\n".to_vec(), stderr: Vec::new() },
                    Duration::from_secs(5),
                );
            }
            _ => panic!("a whole request must come as a call"),
        }
        assert_eq!(client.join().unwrap().stdout, b"hello\n");

        // A client that connects and leaves is no event; the process's end is.
        drop(UnixStream::connect(&socket).unwrap());
        match server.next(&mut process, deadline) {
            ServerEvent::Exited(code) => assert_eq!(code, 0),
            _ => panic!("the process's end must come next"),
        }
    }

    #[test]
    fn the_deadline_comes_when_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let mut server = ToolServer::start(&dir.path().join("agent.socket")).unwrap();
        // `true` ends at once: its end comes, not the deadline.
        let mut quick = HookProcess::new(Command::new("true").spawn().unwrap());
        assert!(matches!(server.next(&mut quick, Instant::now() + Duration::from_secs(20)), ServerEvent::Exited(0)));
        let mut sleeper = HookProcess::new(Command::new("sleep").arg("30").spawn().unwrap());
        let deadline = Instant::now() + Duration::from_millis(100);
        assert!(matches!(server.next(&mut sleeper, deadline), ServerEvent::TimedOut));
        assert!(Instant::now() >= deadline);
        let _ = sleeper.child.kill();
        let _ = sleeper.child.wait();
    }
}
