//! The plan of a unit's root: a list of system calls ([`Op`]), prepared by the simulator
//! (see `rootfs`) and run by the unit's pid 1 (see `init`) before it starts reaping. Every
//! string is made beforehand, so that running a step allocates nothing: the pid 1 is a copy of
//! a many-threaded process, where only system calls are safe.

use super::cstr;
use nix::libc;
use std::ffi::CString;
use std::path::{Component, Path, PathBuf};

/// One step of building a unit's root. Every string is made beforehand: the step runs in a
/// copy of a many-threaded process, where only system calls are safe.
pub(super) enum Op {
    /// Makes every mount of the new mount namespace private (nothing propagates back).
    Private,
    Mount {
        source: CString,
        target: CString,
        fstype: CString,
        flags: libc::c_ulong,
        data: CString,
    },
    Bind {
        source: CString,
        target: CString,
        read_only: bool,
    },
    /// A recursive bind mount (with the mounts below `source`).
    BindTree {
        source: CString,
        target: CString,
    },
    /// Copies a regular file (the unit's own copy, which it may change).
    CopyFile {
        source: CString,
        target: CString,
        mode: libc::mode_t,
    },
    /// A step whose failure leaves things as they were (a directory stays empty).
    Optional(Box<Op>),
    /// Creates a directory (an existing one is fine).
    Mkdir {
        path: CString,
        mode: libc::mode_t,
    },
    /// Creates an empty file if there is none (a place to bind a file onto).
    Touch {
        path: CString,
        mode: libc::mode_t,
    },
    WriteFile {
        path: CString,
        content: Vec<u8>,
        mode: libc::mode_t,
    },
    Symlink {
        target: CString,
        link: CString,
    },
    /// Makes `dir` the root; the old root goes to `dir/old`.
    PivotRoot {
        dir: CString,
        old: CString,
    },
    Hostname(CString),
    Detach(CString),
    Rmdir(CString),
    /// Removes a file or link (a link into the lower layer, before a file of the unit's own).
    Unlink(CString),
}

#[derive(Default)]
pub(super) struct Plan {
    ops: Vec<Op>,
}

impl Plan {
    /// The steps, in order.
    pub(super) fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Puts `ops` before every step so far.
    pub(super) fn prepend(&mut self, ops: Vec<Op>) {
        self.ops.splice(0..0, ops);
    }

    pub(super) fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    pub(super) fn mount(&mut self, source: &str, target: &Path, fstype: &str, flags: libc::c_ulong, data: &str) {
        self.push(Op::Mount {
            source: CString::new(source).unwrap_or_default(),
            target: cstr(target),
            fstype: CString::new(fstype).unwrap_or_default(),
            flags,
            data: CString::new(data).unwrap_or_default(),
        });
    }

    pub(super) fn bind(&mut self, source: &Path, target: &Path, read_only: bool) {
        self.push(Op::Bind { source: cstr(source), target: cstr(target), read_only });
    }

    pub(super) fn mkdir(&mut self, path: &Path, mode: libc::mode_t) {
        self.push(Op::Mkdir { path: cstr(path), mode });
    }

    /// Creates `path` and its missing parents.
    pub(super) fn mkdir_all(&mut self, path: &Path) {
        let mut so_far = PathBuf::from("/");
        for part in path.components() {
            if let Component::Normal(name) = part {
                so_far.push(name);
                self.mkdir(&so_far, 0o755);
            }
        }
    }
}

impl Op {
    /// Runs the step; the error is an errno. Only system calls.
    pub(super) fn run(&self) -> Result<(), i32> {
        // SAFETY: every pointer is a NUL-terminated string or a buffer owned by `self`.
        unsafe {
            let check = |r: libc::c_int| if r == 0 { Ok(()) } else { Err(errno()) };
            match self {
                Op::Private => check(libc::mount(
                    std::ptr::null(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                )),
                Op::Mount { source, target, fstype, flags, data } => check(libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    fstype.as_ptr(),
                    *flags,
                    if data.is_empty() { std::ptr::null() } else { data.as_ptr().cast() },
                )),
                Op::Bind { source, target, read_only } => {
                    check(libc::mount(
                        source.as_ptr(),
                        target.as_ptr(),
                        std::ptr::null(),
                        libc::MS_BIND,
                        std::ptr::null(),
                    ))?;
                    if *read_only {
                        check(libc::mount(
                            std::ptr::null(),
                            target.as_ptr(),
                            std::ptr::null(),
                            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY,
                            std::ptr::null(),
                        ))?;
                    }
                    Ok(())
                }
                Op::BindTree { source, target } => check(libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    std::ptr::null(),
                    libc::MS_BIND | libc::MS_REC,
                    std::ptr::null(),
                )),
                Op::CopyFile { source, target, mode } => copy_file(source, target, *mode),
                Op::Optional(op) => {
                    let _ = op.run();
                    Ok(())
                }
                Op::Mkdir { path, mode } => {
                    if libc::mkdir(path.as_ptr(), *mode) == 0 || errno() == libc::EEXIST {
                        Ok(())
                    } else {
                        Err(errno())
                    }
                }
                Op::Touch { path, mode } => {
                    let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CREAT | libc::O_CLOEXEC, *mode);
                    if fd < 0 {
                        return Err(errno());
                    }
                    libc::close(fd);
                    Ok(())
                }
                Op::WriteFile { path, content, mode } => {
                    let fd = libc::open(
                        path.as_ptr(),
                        libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC,
                        *mode,
                    );
                    if fd < 0 {
                        return Err(errno());
                    }
                    let mut done = 0;
                    while done < content.len() {
                        let n = libc::write(fd, content[done..].as_ptr().cast(), content.len() - done);
                        if n <= 0 {
                            let e = errno();
                            libc::close(fd);
                            return Err(e);
                        }
                        done += n as usize;
                    }
                    libc::close(fd);
                    Ok(())
                }
                Op::Symlink { target, link } => {
                    if libc::symlink(target.as_ptr(), link.as_ptr()) == 0 || errno() == libc::EEXIST {
                        Ok(())
                    } else {
                        Err(errno())
                    }
                }
                Op::PivotRoot { dir, old } => {
                    check(libc::chdir(dir.as_ptr()))?;
                    let r = libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), old.as_ptr());
                    if r != 0 {
                        return Err(errno());
                    }
                    check(libc::chdir(c"/".as_ptr()))
                }
                Op::Hostname(name) => check(libc::sethostname(name.as_ptr(), name.as_bytes().len())),
                Op::Detach(path) => check(libc::umount2(path.as_ptr(), libc::MNT_DETACH)),
                Op::Rmdir(path) => check(libc::rmdir(path.as_ptr())),
                Op::Unlink(path) => check(libc::unlink(path.as_ptr())),
            }
        }
    }

    /// What the step does, for an error message.
    pub(super) fn describe(&self) -> String {
        let s = |c: &CString| c.to_string_lossy().into_owned();
        match self {
            Op::Private => "make the unit's mounts private".into(),
            Op::Mount { source, target, fstype, data, .. } => {
                format!("mount {} ({}) on {} with `{}`", s(source), s(fstype), s(target), s(data))
            }
            Op::Bind { source, target, .. } | Op::BindTree { source, target } => {
                format!("bind {} on {}", s(source), s(target))
            }
            Op::CopyFile { source, target, .. } => format!("copy {} to {}", s(source), s(target)),
            Op::Optional(op) => op.describe(),
            Op::Mkdir { path, .. } => format!("create directory {}", s(path)),
            Op::Touch { path, .. } => format!("create {}", s(path)),
            Op::WriteFile { path, .. } => format!("write {}", s(path)),
            Op::Symlink { target, link } => format!("link {} to {}", s(link), s(target)),
            Op::PivotRoot { dir, .. } => format!("pivot_root into {}", s(dir)),
            Op::Hostname(name) => format!("set the host name {}", s(name)),
            Op::Detach(path) => format!("unmount {}", s(path)),
            Op::Rmdir(path) | Op::Unlink(path) => format!("remove {}", s(path)),
        }
    }
}

/// Copies `source` to `target` with a buffer on the stack. System calls only.
fn copy_file(source: &CString, target: &CString, mode: libc::mode_t) -> Result<(), i32> {
    // SAFETY: NUL-terminated paths, a buffer of the given size, descriptors closed on every path.
    unsafe {
        let from = libc::open(source.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if from < 0 {
            return Err(errno());
        }
        let to = libc::open(target.as_ptr(), libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC, mode);
        if to < 0 {
            let e = errno();
            libc::close(from);
            return Err(e);
        }
        let mut buffer = [0u8; 16 * 1024];
        let result = loop {
            let n = libc::read(from, buffer.as_mut_ptr().cast(), buffer.len());
            if n < 0 {
                break Err(errno());
            }
            if n == 0 {
                break Ok(());
            }
            let mut done = 0;
            while done < n as usize {
                let w = libc::write(to, buffer[done..].as_ptr().cast(), n as usize - done);
                if w <= 0 {
                    break;
                }
                done += w as usize;
            }
            if done < n as usize {
                break Err(errno());
            }
        };
        libc::close(from);
        libc::close(to);
        result
    }
}

/// The calling thread's errno.
pub(super) fn errno() -> i32 {
    nix::errno::Errno::last_raw()
}
