//! Starting a hook in its unit without copying the simulator.
//!
//! `std::process::Command` with a `pre_exec` step forks: the kernel copies the simulator's
//! page tables and every page the simulator writes afterwards is copied again, for a child
//! that only makes a few system calls and executes the hook. Here the child is a `clone` that
//! shares the simulator's memory and suspends it until the child has executed the hook or
//! failed (`CLONE_VM | CLONE_VFORK`, as `posix_spawn` does). The child runs on a stack of its
//! own, reads only what was prepared before the clone (paths, arguments and environment as C
//! strings, descriptors) and makes system calls: it resets the simulator's signal handlers
//! (they are code of the shared memory), joins the unit's cgroups, namespaces and root,
//! changes to the hook's directory, takes a process group of its own, puts its output in
//! place, unblocks signals and executes the hook. It reports a failure by writing the errno
//! into memory the simulator reads when it resumes.

use super::cstr;
use crate::backend::ProcessSpec;
use nix::libc;
use std::ffi::{c_void, CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;

/// Where a hook goes in its unit: as [`super::enter_unit`] takes it.
pub(super) struct Entry<'a> {
    /// Namespaces to join, in order: a descriptor and its kind.
    pub namespaces: &'a [(RawFd, libc::c_int)],
    /// The unit's root, opened (`O_PATH`).
    pub root: RawFd,
    /// `tasks` files of the cgroups to join, opened for writing.
    pub procs: &'a [RawFd],
}

/// The child's stack: big enough for [`child_main`]'s few frames.
pub(super) const STACK_SIZE: usize = 128 * 1024;

/// What the child reads, and the one thing it writes (`error`).
struct ChildArgs<'a> {
    program: &'a CStr,
    argv: *const *const libc::c_char,
    envp: *const *const libc::c_char,
    cwd: &'a CStr,
    /// Descriptors for stdin, stdout and stderr; -1 keeps the simulator's.
    stdio: [RawFd; 3],
    process_group: bool,
    entry: &'a Entry<'a>,
    /// The errno of the step that failed, 0 while none did.
    error: libc::c_int,
}

/// Starts `spec` in the unit `entry` says (the calling thread's pid namespace for children
/// is the unit's already), on `stack`; returns its pid. `spec.program` is a path inside the
/// unit.
pub(super) fn launch(spec: &ProcessSpec, entry: &Entry<'_>, stack: &mut [u8]) -> io::Result<u32> {
    let nul = || io::Error::new(io::ErrorKind::InvalidInput, "nul byte found in provided data");
    let program = CString::new(spec.program.as_os_str().as_bytes()).map_err(|_| nul())?;
    let mut argv = vec![program.clone()];
    for arg in &spec.args {
        argv.push(CString::new(arg.as_bytes()).map_err(|_| nul())?);
    }
    let mut envp = Vec::with_capacity(spec.env.len());
    for (key, value) in &spec.env {
        envp.push(CString::new(format!("{key}={value}")).map_err(|_| nul())?);
    }
    let argv_ptrs = null_terminated(&argv);
    let envp_ptrs = null_terminated(&envp);
    let cwd = cstr(&spec.cwd);
    // Hooks read nothing: stdin is /dev/null, unless the process is a person's shell.
    let null =
        if spec.stdout.is_terminal() { None } else { Some(std::fs::OpenOptions::new().read(true).open("/dev/null")?) };
    let stdio = [
        null.as_ref().map_or(-1, |f| f.as_raw_fd()),
        spec.stdout.raw_fd().unwrap_or(-1),
        spec.stderr.raw_fd().unwrap_or(-1),
    ];
    let mut args = ChildArgs {
        program: &program,
        argv: argv_ptrs.as_ptr(),
        envp: envp_ptrs.as_ptr(),
        cwd: &cwd,
        stdio,
        process_group: !spec.stdout.is_terminal(),
        entry,
        error: 0,
    };
    // SAFETY: the child only reads `args` (alive, as this thread is suspended until the
    // child has executed the hook or ended) and writes its `error`; it resets the
    // simulator's signal handlers before it unblocks signals.
    unsafe {
        let pid = clone_sharing_memory(child_main, (&mut args as *mut ChildArgs).cast(), 0, stack)?;
        let error = std::ptr::read_volatile(&args.error);
        if error != 0 {
            reap(pid);
            return Err(io::Error::from_raw_os_error(error));
        }
        Ok(pid as u32)
    }
}

/// Waits for the child `pid` (one made by [`clone_sharing_memory`]) to end.
pub(super) fn reap(pid: libc::pid_t) {
    let mut status = 0;
    // SAFETY: waitpid(2) on a child of ours, into a status we own.
    while unsafe { libc::waitpid(pid, &mut status, 0) } < 0 && nix::errno::Errno::last() == nix::errno::Errno::EINTR {}
}

/// Clones a child that runs `child(arg)` on `stack`, sharing this process's memory
/// (`CLONE_VM | CLONE_VFORK`, and `flags`), and returns once it has executed a program or
/// ended; its pid. Every signal is blocked for this thread meanwhile, so that no handler of
/// the simulator's runs in the child (the child inherits that mask), and the mask is put back
/// before returning.
///
/// # Safety
/// `child` makes system calls only, on `arg` and memory prepared before the call.
pub(super) unsafe fn clone_sharing_memory(
    child: extern "C" fn(*mut c_void) -> libc::c_int,
    arg: *mut c_void,
    flags: libc::c_int,
    stack: &mut [u8],
) -> io::Result<libc::pid_t> {
    // The stack grows down from its 16-byte aligned top.
    let top = (stack.as_mut_ptr() as usize + stack.len()) & !15;
    let mut all: libc::sigset_t = std::mem::zeroed();
    let mut before: libc::sigset_t = std::mem::zeroed();
    libc::sigfillset(&mut all);
    set_signal_mask(&all, Some(&mut before));
    let pid = libc::clone(child, top as *mut c_void, libc::CLONE_VM | libc::CLONE_VFORK | flags | libc::SIGCHLD, arg);
    let clone_error = io::Error::last_os_error();
    set_signal_mask(&before, None);
    if pid < 0 {
        return Err(clone_error);
    }
    Ok(pid)
}

/// Pointers to `strings`, then a null one, as `execve` takes them.
fn null_terminated(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings.iter().map(|s| s.as_ptr()).chain(std::iter::once(std::ptr::null())).collect()
}

/// Sets this thread's signal mask with the system call itself (the C library's wrapper
/// leaves out the signals it keeps for itself).
unsafe fn set_signal_mask(mask: &libc::sigset_t, before: Option<&mut libc::sigset_t>) {
    let before = before.map_or(std::ptr::null_mut(), |b| b as *mut libc::sigset_t);
    // The kernel's signal set is 64 bits.
    libc::syscall(libc::SYS_rt_sigprocmask, libc::SIG_SETMASK, mask as *const libc::sigset_t, before, 8usize);
}

/// The child: becomes the hook, or records why it could not and ends.
extern "C" fn child_main(arg: *mut c_void) -> libc::c_int {
    // SAFETY: `arg` is the `ChildArgs` of `launch`, whose thread waits for this child.
    unsafe {
        let args = &mut *arg.cast::<ChildArgs>();
        let error = become_hook(args);
        std::ptr::write_volatile(&mut args.error, error.max(1));
        libc::_exit(127)
    }
}

/// System calls only; returns the errno of the step that failed (execve returns only then).
unsafe fn become_hook(args: &ChildArgs) -> libc::c_int {
    let errno = || io::Error::last_os_error().raw_os_error().unwrap_or(libc::EINVAL);
    // The simulator's handlers are its code, on memory this child shares: none may run here.
    // Ignored signals stay ignored across exec, but SIGPIPE, which Rust ignores, is the
    // default again (as `Command` makes it).
    for signal in 1..libc::SIGRTMAX() + 1 {
        let mut action: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, std::ptr::null(), &mut action) != 0 {
            continue;
        }
        if action.sa_sigaction != libc::SIG_DFL && (action.sa_sigaction != libc::SIG_IGN || signal == libc::SIGPIPE) {
            let default: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, &default, std::ptr::null_mut());
        }
    }
    let entry = args.entry;
    // The same steps a forked child takes; their errors carry an errno and allocate nothing.
    if let Err(e) = super::enter_unit(entry.namespaces, entry.root, args.cwd, entry.procs) {
        return e.raw_os_error().unwrap_or(libc::EINVAL);
    }
    if args.process_group && libc::setpgid(0, 0) != 0 {
        return errno();
    }
    for (target, fd) in args.stdio.iter().enumerate() {
        let target = target as RawFd;
        if *fd < 0 {
            continue;
        }
        // A descriptor already in place keeps its close-on-exec flag through dup2: clear it.
        let done = if *fd == target { libc::fcntl(*fd, libc::F_SETFD, 0) } else { libc::dup2(*fd, target) };
        if done < 0 {
            return errno();
        }
    }
    let mut none: libc::sigset_t = std::mem::zeroed();
    libc::sigemptyset(&mut none);
    set_signal_mask(&none, None);
    libc::execve(args.program.as_ptr(), args.argv, args.envp);
    errno()
}
