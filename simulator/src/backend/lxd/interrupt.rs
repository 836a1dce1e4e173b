//! What this machine does for the `lxd` backend outside the daemon: deleting a run's
//! containers when the run is stopped by SIGINT or SIGTERM, and killing a hook's processes
//! from here.
//!
//! LXD's containers outlive the process that launched them. So, once an lxd backend exists,
//! SIGINT and SIGTERM are caught: the handler only writes the signal's number to a pipe; a
//! thread reads it, deletes the containers that every lxd run of this process lists in its
//! state file (launches in flight too), removes those runs' directories, and ends the process
//! by the same signal.

use super::lxc::Lxc;
use nix::libc;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::io::Read;
use std::os::fd::{IntoRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// The directories of this process's live lxd runs.
static RUNS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once a signal came: no container is launched any more.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Where the signal handler writes (-1: not yet).
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

static INSTALL: Once = Once::new();

/// Deletes the containers of the run in `root` if this process is stopped by a signal.
pub(super) fn watch(root: &Path) {
    RUNS.lock().unwrap_or_else(|e| e.into_inner()).push(root.to_path_buf());
    INSTALL.call_once(install);
}

/// Whether the process is being stopped by a signal (its containers are being deleted).
pub(super) fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Once a signal came, the thread that deletes the containers ends the process: the caller
/// waits for that instead of going on (a run that went on would meet its deleted units and
/// end by itself, leaving containers behind).
pub(super) fn wait_if_stopping() {
    while stopping() {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The run in `root` cleaned up after itself.
pub(super) fn forget(root: &Path) {
    RUNS.lock().unwrap_or_else(|e| e.into_inner()).retain(|r| r != root);
}

fn install() {
    let Ok((reader, writer)) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC) else { return };
    let started = std::thread::Builder::new().name("lxd-signals".into()).spawn(move || on_signal_thread(reader));
    if started.is_err() {
        return;
    }
    SIGNAL_PIPE.store(writer.into_raw_fd(), Ordering::SeqCst);
    let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::SA_RESTART, SigSet::empty());
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only writes one byte to a pipe (async-signal-safe).
        let _ = unsafe { sigaction(signal, &action) };
    }
}

extern "C" fn on_signal(signal: libc::c_int) {
    let fd = SIGNAL_PIPE.load(Ordering::SeqCst);
    let byte = signal as u8;
    // SAFETY: write(2) is async-signal-safe; the byte lives on this stack.
    unsafe {
        libc::write(fd, (&byte as *const u8).cast(), 1);
    }
}

fn on_signal_thread(reader: OwnedFd) {
    let mut byte = [0u8; 1];
    if std::fs::File::from(reader).read_exact(&mut byte).is_err() {
        return;
    }
    let signal = libc::c_int::from(byte[0]);
    STOPPING.store(true, Ordering::SeqCst);
    let runs = RUNS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if !runs.is_empty() {
        eprintln!("stopped: deleting the run's LXD containers");
        delete_runs(&runs);
    }
    // SAFETY: back to the default action, then the same signal ends the process.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
        libc::_exit(128 + signal);
    }
}

/// Deletes the containers the runs in `roots` list, then their directories.
fn delete_runs(roots: &[PathBuf]) {
    let names: Vec<String> = roots
        .iter()
        .flat_map(|root| {
            let state = std::fs::read_to_string(root.join("lxd/state")).unwrap_or_default();
            state.lines().filter_map(|l| l.strip_prefix("container ").map(str::to_string)).collect::<Vec<_>>()
        })
        .collect();
    if let Ok(lxc) = Lxc::find() {
        let mut left = delete_all(&lxc, &names);
        let exists = |name: &String| lxc.query(&format!("/1.0/instances/{name}")).is_ok();
        let until = Instant::now() + Duration::from_secs(20);
        while !left.is_empty() && Instant::now() < until {
            // A container whose delete failed may still be in the making (a launch in flight).
            left.retain(|name| launch_in_flight(name) || exists(name));
            std::thread::sleep(Duration::from_millis(500));
            let present: Vec<String> = left.iter().filter(|name| exists(name)).cloned().collect();
            let failed = delete_all(&lxc, &present);
            left.retain(|name| !present.contains(name) || failed.contains(name));
        }
    }
    for root in roots {
        let _ = std::fs::remove_file(root.join("lxd/state"));
        if root.file_name().is_some_and(|n| n.to_string_lossy().starts_with(crate::run_dirs::PREFIX)) {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

/// Deletes the containers `names`, all at once; returns those that could not be deleted.
fn delete_all(lxc: &Lxc, names: &[String]) -> Vec<String> {
    let deletes: Vec<(String, Option<Child>)> = names
        .iter()
        .map(|name| {
            let mut delete = lxc.command(&["delete", "--force", name.as_str()]);
            (name.clone(), delete.stdout(Stdio::null()).stderr(Stdio::null()).spawn().ok())
        })
        .collect();
    deletes
        .into_iter()
        .filter_map(|(name, child)| {
            let deleted = child.and_then(|mut c| c.wait().ok()).is_some_and(|s| s.success());
            (!deleted).then_some(name)
        })
        .collect()
}

/// Whether an `lxc launch` of `name` still runs (a child of this process).
fn launch_in_flight(name: &str) -> bool {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.flatten().any(|e| {
        let path = e.path();
        let parent = std::fs::read_to_string(path.join("stat"))
            .ok()
            .and_then(|s| s.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1).map(str::to_string)));
        let cmdline = std::fs::read(path.join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        parent.as_deref() == Some(me.as_str()) && cmdline.contains("launch") && cmdline.contains(name)
    })
}

/// Kills, from this machine, every process whose environment holds `entry`
/// (`FORMULA_SIM_HOOK=…`), until none is left. False when none was found (the processes
/// are not visible here, or the hook had ended).
pub(super) fn kill_marked_here(entry: &str) -> bool {
    let mut found_any = false;
    for _ in 0..500 {
        let marked = marked_processes(entry);
        if marked.is_empty() {
            return found_any;
        }
        found_any = true;
        for pid in marked {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    found_any
}

fn marked_processes(entry: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == entry.as_bytes()))
        })
        .collect()
}
