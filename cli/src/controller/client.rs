//! The client's end of the controller's socket: is a controller there, start one, send it a
//! request and print its reply.

use super::wire::{self, Reply, Request};
use super::{StartArgs, LOG_FILE, SOCKET};
use anyhow::{Context, Result};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long `start` waits for a new controller to answer on its socket.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a controller answers on the socket in `dir`.
pub fn is_running(dir: &Path) -> bool {
    UnixStream::connect(dir.join(SOCKET)).is_ok()
}

/// Starts a controller in the background in `dir`, as `args` say, and waits until it answers.
pub fn start(dir: &Path, args: &StartArgs) -> Result<()> {
    use std::os::unix::process::CommandExt;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the controller's directory {}", dir.display()))?;
    let log_path = dir.join(LOG_FILE);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("cannot write {}", log_path.display()))?;
    let binary = crate::sim::formula_binary()?;
    let mut child = std::process::Command::new(binary)
        .args(args.run_args(dir))
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // A process group of its own: the terminal's Ctrl-C stops the client, not the controller.
        .process_group(0)
        .spawn()
        .context("cannot start the controller")?;
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if is_running(dir) {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            anyhow::bail!("the controller exited ({status}) before it answered:\n{}", tail.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    anyhow::bail!("the controller did not answer on {} within {START_TIMEOUT:?}", dir.join(SOCKET).display())
}

/// Starts a controller in `dir` unless another client has just started one: clients that
/// find none at once take turns, under a lock in the directory.
pub fn start_once(dir: &Path, args: &StartArgs) -> Result<()> {
    use nix::fcntl::{Flock, FlockArg};
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the controller's directory {}", dir.display()))?;
    let lock_path = dir.join("start.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    let _lock = Flock::lock(file, FlockArg::LockExclusive)
        .map_err(|(_, e)| anyhow::anyhow!("cannot lock {}: {e}", lock_path.display()))?;
    if is_running(dir) {
        return Ok(());
    }
    start(dir, args)
}

/// Waits (a few seconds at most) until the controller in `dir` no longer answers.
pub fn wait_stopped(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while is_running(dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `request` to the controller in `dir` and returns its reply.
pub fn call(dir: &Path, request: &Request) -> Result<Reply> {
    let socket = dir.join(SOCKET);
    let mut stream =
        UnixStream::connect(&socket).with_context(|| format!("cannot reach the controller at {}", socket.display()))?;
    wire::send(&mut stream, request).context("cannot send to the controller")?;
    wire::receive(&mut stream).context("the controller did not reply")
}

/// Prints a reply's output as it came.
pub fn print(reply: &Reply) {
    // A closed pipe (`juju status | head`) is not worth a panic.
    let _ = std::io::stdout().write_all(reply.stdout.as_bytes());
    let _ = std::io::stderr().write_all(reply.stderr.as_bytes());
}
