//! The unit's pid 1: a copy of the simulator made with `clone` in the unit's new namespaces,
//! which runs the plan of its root ([`Plan`]), says when the root is ready (or which step
//! failed), then reaps orphans until it is killed. Without root, a short-lived helper makes it
//! inside the run's user namespace. Everything here runs in a copy of a many-threaded process:
//! system calls only, on memory prepared before the clone.

use super::annotate;
use super::plan::{errno, Op, Plan};
use nix::libc;
use nix::sched::CloneFlags;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// A unit's pid 1 that is building the unit's root: it says on a pipe when the root is
/// ready (the pipe closes) or which step failed (step index and errno).
pub(super) struct Starting {
    pub(super) pid: i32,
    report: File,
}

/// Clones the unit's pid 1 in new namespaces and lets it run `plan`; returns at once, with
/// the pid 1 at work (its namespaces exist; its root is ready once [`Starting::wait`] says
/// so). The pid 1 has its own copy of `plan`.
///
/// With `run_user` (no root), the pid 1 is made by a short-lived helper that first joins the
/// run's user namespace, so that the unit's namespaces (a user namespace of its own among
/// them) belong below it and the run's user may connect it to the run's switch; the helper
/// gives it the simulator as parent (`CLONE_PARENT`) and maps its root to the run's. This
/// waits for the helper.
pub(super) fn start_init(plan: &Plan, flags: CloneFlags, run_user: Option<RawFd>) -> io::Result<Starting> {
    let (reader, writer) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
    let ops = plan.ops();
    STACKS.with_borrow_mut(|stacks| start_on(ops, (reader, writer), flags, run_user, stacks))
}

thread_local! {
    /// The stacks a unit's pid 1 (and, without root, its helper) starts on, made once per
    /// thread: each child runs on its own copy of this memory, so the next unit may use it
    /// again (half a megabyte zeroed for every unit cost more than the clone's other work).
    static STACKS: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 512 * 1024]);
}

/// [`start_init`], on `stacks`.
fn start_on(
    ops: &[Op],
    (reader, writer): (OwnedFd, OwnedFd),
    flags: CloneFlags,
    run_user: Option<RawFd>,
    stacks: &mut [u8],
) -> io::Result<Starting> {
    let report = writer.as_raw_fd();
    let (stack, init_stack) = stacks.split_at_mut(stacks.len() / 2);
    let (go_read, go_write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
    let birth = Birth {
        ops,
        report,
        go_read: go_read.as_raw_fd(),
        go_write: go_write.as_raw_fd(),
        flags: flags.bits() | libc::CLONE_NEWUSER | libc::CLONE_PARENT | libc::SIGCHLD,
        stack_top: stack_top(init_stack),
    };
    let (callback, clone_flags): (Box<dyn FnMut() -> isize>, CloneFlags) = match run_user {
        None => (Box::new(move || -> isize { unit_init(ops, report) }), flags),
        Some(user) => (Box::new(move || -> isize { unit_helper(&birth, user) }), CloneFlags::empty()),
    };
    // SAFETY: the child runs `unit_init` or `unit_helper`, which make only system calls on
    // memory prepared before the clone (their own copy), and never return.
    let child = unsafe { nix::sched::clone(callback, stack, clone_flags, Some(libc::SIGCHLD)) }
        .map_err(|e| annotate(e.into(), "cannot make the unit's namespaces (clone)"))?
        .as_raw();
    drop(writer);
    drop(go_read);
    drop(go_write);
    let mut report = File::from(reader);
    if run_user.is_none() {
        return Ok(Starting { pid: child, report });
    }
    // The helper writes the pid 1's pid (or minus an errno) before it exits.
    let mut pid = [0u8; 4];
    let read = report.read_exact(&mut pid);
    let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(child), None);
    let code = if read.is_ok() { i32::from_ne_bytes(pid) } else { 0 };
    if code <= 0 {
        let cause = io::Error::from_raw_os_error(-code);
        return Err(io::Error::new(
            cause.kind(),
            format!("cannot start the unit in the run's user namespace: {cause}"),
        ));
    }
    Ok(Starting { pid: code, report })
}

impl Starting {
    /// Waits until the pid 1 says its root is ready; if it is not (a step of `plan`, the plan
    /// it was given, failed), says which step failed and why. The pid 1 is then the caller's
    /// to stop (it may not have ended).
    pub(super) fn wait(mut self, plan: &Plan) -> io::Result<()> {
        let mut answer = Vec::new();
        let read = self.report.read_to_end(&mut answer);
        if read.is_ok() && answer.is_empty() {
            return Ok(());
        }
        if answer.len() >= 8 {
            let step = u32::from_ne_bytes(answer[0..4].try_into().unwrap_or_default()) as usize;
            let errno = i32::from_ne_bytes(answer[4..8].try_into().unwrap_or_default());
            let what = plan.ops().get(step).map(Op::describe).unwrap_or_else(|| format!("step {step}"));
            let cause = io::Error::from_raw_os_error(errno);
            return Err(io::Error::new(cause.kind(), format!("cannot {what}: {cause}")));
        }
        Err(io::Error::other("the unit's init ended before its root was ready"))
    }
}

/// What the helper of a unit without root needs to make its pid 1.
struct Birth<'a> {
    ops: &'a [Op],
    report: RawFd,
    /// The helper writes a byte here once the pid 1's user ids are mapped.
    go_read: RawFd,
    go_write: RawFd,
    flags: libc::c_int,
    stack_top: *mut libc::c_void,
}

fn stack_top(stack: &mut [u8]) -> *mut libc::c_void {
    let end = stack.as_mut_ptr_range().end as usize;
    (end - end % 16) as *mut libc::c_void
}

/// The helper (no root): joins the run's user namespace, clones the unit's pid 1 (in a user
/// namespace of its own, whose root is the run's), reports its pid (or minus an errno) on
/// the report pipe and exits. System calls only.
fn unit_helper(birth: &Birth, run_user: RawFd) -> ! {
    // SAFETY: system calls on descriptors and memory prepared before the clone.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        let fail = |e: i32| -> ! {
            libc::write(birth.report, (-e).to_ne_bytes().as_ptr().cast(), 4);
            libc::_exit(1)
        };
        if libc::setns(run_user, libc::CLONE_NEWUSER) != 0 {
            fail(errno());
        }
        let arg = birth as *const Birth as *mut libc::c_void;
        let pid = libc::clone(born, birth.stack_top, birth.flags, arg);
        if pid < 0 {
            fail(errno());
        }
        for file in [&b"uid_map"[..], &b"gid_map"[..]] {
            let mut path = [0u8; 64];
            proc_path(&mut path, pid, file);
            let fd = libc::open(path.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC);
            let map = b"0 0 1\n";
            if fd < 0 || libc::write(fd, map.as_ptr().cast(), map.len()) != map.len() as isize {
                let e = errno();
                libc::kill(pid, libc::SIGKILL);
                fail(e);
            }
            libc::close(fd);
        }
        libc::write(birth.report, pid.to_ne_bytes().as_ptr().cast(), 4);
        libc::write(birth.go_write, b"g".as_ptr().cast(), 1);
        libc::_exit(0)
    }
}

/// The start of a pid 1 made by [`unit_helper`]: waits until its ids are mapped.
extern "C" fn born(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the helper's copy of `Birth`, alive in this copy of its memory.
    unsafe {
        let birth = &*(arg as *const Birth);
        libc::close(birth.go_write);
        let mut byte = [0u8; 1];
        if libc::read(birth.go_read, byte.as_mut_ptr().cast(), 1) != 1 {
            libc::_exit(1);
        }
        libc::close(birth.go_read);
        // Joining a user namespace made this process undumpable; the simulator opens its
        // namespaces and root through /proc.
        libc::prctl(libc::PR_SET_DUMPABLE, 1);
        unit_init(birth.ops, birth.report)
    }
}

/// Writes `/proc/PID/FILE` and a NUL into `out`, without allocating.
fn proc_path(out: &mut [u8; 64], pid: i32, file: &[u8]) {
    let mut digits = [0u8; 12];
    let (mut n, mut len) = (pid.unsigned_abs(), 0);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut at = 0;
    let mut put = |b: u8| {
        if at < out.len() - 1 {
            out[at] = b;
            at += 1;
        }
    };
    b"/proc/".iter().for_each(|b| put(*b));
    digits[..len].iter().rev().for_each(|b| put(*b));
    put(b'/');
    file.iter().for_each(|b| put(*b));
    out[at] = 0;
}

/// The unit's pid 1: builds the root, says so, then reaps orphans until it is killed.
fn unit_init(ops: &[Op], report: RawFd) -> ! {
    // SAFETY: system calls only; see `start_init`.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        libc::umask(0);
        for (i, op) in ops.iter().enumerate() {
            if let Err(e) = op.run() {
                let mut message = [0u8; 8];
                message[0..4].copy_from_slice(&(i as u32).to_ne_bytes());
                message[4..8].copy_from_slice(&e.to_ne_bytes());
                libc::write(report, message.as_ptr().cast(), message.len());
                libc::_exit(1);
            }
        }
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
        }
        // Close everything else, the report pipe too: that tells the parent we are ready.
        if libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) != 0 {
            for fd in 3..65536 {
                libc::close(fd);
            }
        }
        libc::setsid();
        libc::prctl(libc::PR_SET_NAME, c"unit-init".as_ptr());
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::sigprocmask(libc::SIG_SETMASK, &all, std::ptr::null_mut());
        let mut child: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut child);
        libc::sigaddset(&mut child, libc::SIGCHLD);
        loop {
            while libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) > 0 {}
            let mut signal = 0;
            libc::sigwait(&child, &mut signal);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_paths_are_written_without_allocating() {
        let mut out = [0u8; 64];
        proc_path(&mut out, 40213, b"uid_map");
        let end = out.iter().position(|b| *b == 0).unwrap();
        assert_eq!(&out[..end], b"/proc/40213/uid_map");
    }
}
