//! What a unit's root is made of, as a [`Plan`] of system calls for its pid 1: the machine's
//! `/` (or `--rootfs`) as lower layer under an upper layer of the unit's own (one overlay as
//! root; without root, one per directory, see `rootless`), then `pivot_root` into it, fresh
//! `/proc`, `/sys`, a small `/dev`, tmpfs `/tmp` and `/run`, and bind mounts of what hooks
//! need at the paths the engine gives them: the run's directory, the `formula` executable
//! the hook tools link to, and the unit's charm directory at Juju's place. Planned here, in
//! the simulator, where allocating is safe; run by the unit's pid 1, where it is not.

use super::files::resolve_within;
use super::mounts::mount_points;
use super::plan::{Op, Plan};
use super::{cstr, rootless, Layers};
use crate::backend::Machine;
use nix::libc;
use std::ffi::CString;
use std::io;
use std::path::Path;

/// Where the old root is kept for a moment inside a unit being built.
const OLD_ROOT: &str = "/.formula-oldroot";

/// Device nodes a unit's `/dev` gets (bind mounts of the machine's).
const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// What the root of every unit of a run is made from.
pub(super) struct RootFs<'a> {
    /// The run's directory: bound into every unit at the same path.
    pub(super) run_root: &'a Path,
    /// The backend's directory in it, hidden from units.
    pub(super) state_dir: &'a Path,
    /// The executable the hook tools link to (bound into every unit when it is not in the
    /// run's directory).
    pub(super) tool_binary: &'a Path,
    /// The lower layer of every unit's root: the machine's `/` or `--rootfs`.
    pub(super) lower: &'a Path,
    /// The run's directory is on an overlay, which cannot hold an overlay's upper layer: the
    /// unit's layers go on a tmpfs of its own.
    pub(super) layers_on_tmpfs: bool,
    /// Without root: the run's layer of writable trees (see `rootless`).
    pub(super) rootless_base: Option<&'a Path>,
}

impl RootFs<'_> {
    /// The steps that make a unit's root: the overlay, `pivot_root`, the file systems of a
    /// machine, and bind mounts of what hooks need, at the paths the engine gives them.
    pub(super) fn plan(&self, slug: &str, layers: &Layers, address: &str, machine: &Machine) -> io::Result<Plan> {
        let mut plan = Plan::default();
        plan.push(Op::Private);
        if let Some(base) = self.rootless_base {
            self.plan_rootless_root(&mut plan, layers, base)?;
        } else {
            self.plan_overlay_root(&mut plan, layers)?;
        }
        self.plan_machine(plan, slug, layers, address, machine)
    }

    /// The unit's root as one overlay on the lower layer, then `pivot_root` into it.
    fn plan_overlay_root(&self, plan: &mut Plan, layers: &Layers) -> io::Result<()> {
        let layers_dir = layers.upper.parent().unwrap_or(self.state_dir);
        let (upper, work, merged) = (&layers.upper, layers_dir.join("work"), layers_dir.join("merged"));
        if self.layers_on_tmpfs {
            // The run's directory is on an overlay (a container): an overlay cannot have its
            // upper layer there, so the unit's layers live on a tmpfs of its own.
            std::fs::create_dir_all(layers_dir)?;
            plan.mount("tmpfs", layers_dir, "tmpfs", 0, "mode=0755");
            for d in [upper, &work, &merged] {
                plan.mkdir(d, 0o755);
            }
        } else {
            for d in [upper, &work, &merged] {
                std::fs::create_dir_all(d)?;
            }
        }
        let data = format!("lowerdir={},upperdir={},workdir={}", self.lower.display(), upper.display(), work.display());
        plan.mount("overlay", &merged, "overlay", 0, &data);
        plan.mkdir(&merged.join(&OLD_ROOT[1..]), 0o700);
        plan.push(Op::PivotRoot { dir: cstr(&merged), old: cstr(Path::new(&OLD_ROOT[1..])) });
        Ok(())
    }

    /// Without root: the unit's root built per directory in its upper directory (see the
    /// `rootless` module), then `pivot_root` into it.
    fn plan_rootless_root(&self, plan: &mut Plan, layers: &Layers, base: &Path) -> io::Result<()> {
        let layers_dir = layers.upper.parent().unwrap_or(self.state_dir);
        let (upper, work) = (&layers.upper, layers_dir.join("work"));
        if self.layers_on_tmpfs {
            std::fs::create_dir_all(layers_dir)?;
            plan.mount("tmpfs", layers_dir, "tmpfs", 0, "mode=0755");
            plan.mkdir(upper, 0o755);
        } else {
            std::fs::create_dir_all(upper)?;
        }
        let mounts = mount_points();
        let skeleton = rootless::Skeleton {
            lower: self.lower,
            base,
            upper,
            work: &work,
            mounts: &mounts,
            skip: &[self.run_root.to_path_buf()],
        };
        skeleton.plan(plan);
        plan.push(Op::BindTree { source: cstr(upper), target: cstr(upper) });
        plan.mkdir(&upper.join(&OLD_ROOT[1..]), 0o700);
        plan.push(Op::PivotRoot { dir: cstr(upper), old: cstr(Path::new(&OLD_ROOT[1..])) });
        Ok(())
    }

    /// After `pivot_root`: the file systems of a machine, what hooks need, the machine's name.
    fn plan_machine(
        &self,
        mut plan: Plan,
        slug: &str,
        layers: &Layers,
        address: &str,
        machine: &Machine,
    ) -> io::Result<Plan> {
        let host_network = machine.host_network;
        // From here on, paths are inside the unit (symbolic links resolve there, so nothing
        // can be written on the machine); the machine's tree is under OLD_ROOT.
        let old = |p: &Path| Path::new(OLD_ROOT).join(p.strip_prefix("/").unwrap_or(p));
        for d in ["/proc", "/sys", "/dev", "/tmp", "/run"] {
            plan.mkdir(Path::new(d), 0o755);
        }
        let (nosuid, nodev, noexec, rdonly) = (libc::MS_NOSUID, libc::MS_NODEV, libc::MS_NOEXEC, libc::MS_RDONLY);
        plan.mount("proc", Path::new("/proc"), "proc", nosuid | nodev | noexec, "");
        if self.rootless_base.is_some() {
            // A user namespace may mount sysfs only with a network namespace of its own.
            let sysfs = Op::Mount {
                source: c"sysfs".into(),
                target: c"/sys".into(),
                fstype: c"sysfs".into(),
                flags: nosuid | nodev | noexec | rdonly,
                data: CString::default(),
            };
            plan.push(Op::Optional(Box::new(sysfs)));
        } else {
            plan.mount("sysfs", Path::new("/sys"), "sysfs", nosuid | nodev | noexec | rdonly, "");
        }
        plan.mount("tmpfs", Path::new("/dev"), "tmpfs", nosuid, "mode=0755,size=1m");
        for name in DEVICES {
            let node = Path::new("/dev").join(name);
            plan.push(Op::Touch { path: cstr(&node), mode: 0o666 });
            plan.bind(&old(&node), &node, false);
        }
        plan.mkdir(Path::new("/dev/pts"), 0o755);
        plan.mount("devpts", Path::new("/dev/pts"), "devpts", nosuid | noexec, "newinstance,ptmxmode=0666,mode=0620");
        plan.mkdir(Path::new("/dev/shm"), 0o1777);
        plan.mount("tmpfs", Path::new("/dev/shm"), "tmpfs", nosuid | nodev, "mode=1777");
        for (link, target) in [
            ("ptmx", "pts/ptmx"),
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ] {
            plan.push(Op::Symlink { target: cstr(Path::new(target)), link: cstr(&Path::new("/dev").join(link)) });
        }
        plan.mount("tmpfs", Path::new("/tmp"), "tmpfs", nosuid | nodev, "mode=1777");
        plan.mount("tmpfs", Path::new("/run"), "tmpfs", nosuid | nodev, "mode=0755");
        plan.mkdir(Path::new("/run/lock"), 0o1777);
        // The run's directory (hook tools, the agent socket, the unit's stubs and home), with
        // the backend's own directory hidden.
        plan.mkdir_all(self.run_root);
        plan.bind(&old(self.run_root), self.run_root, false);
        plan.mount("tmpfs", self.state_dir, "tmpfs", rdonly | nosuid | nodev | noexec, "mode=0755,size=4k");
        // The executable the hook tools link to, unless the run's directory holds it.
        if !self.tool_binary.starts_with(self.run_root) {
            if let Some(parent) = self.tool_binary.parent() {
                plan.mkdir_all(parent);
            }
            plan.push(Op::Touch { path: cstr(self.tool_binary), mode: 0o755 });
            plan.bind(&old(self.tool_binary), self.tool_binary, true);
        }
        // The charm, where Juju keeps it.
        plan.mkdir_all(&layers.charm_inside);
        plan.bind(&old(&layers.charm_host), &layers.charm_inside, false);
        // The machine's name.
        let hosts = std::fs::read(self.lower.join("etc/hosts")).unwrap_or_default();
        let mut hosts = String::from_utf8_lossy(&hosts).into_owned();
        if !hosts.is_empty() && !hosts.ends_with('\n') {
            hosts.push('\n');
        }
        hosts.push_str(&format!("{address}\t{slug}\n"));
        plan.mkdir(Path::new("/etc"), 0o755);
        plan.push(Op::WriteFile { path: cstr(Path::new("/etc/hosts")), content: hosts.into_bytes(), mode: 0o644 });
        let hostname = format!("{slug}\n").into_bytes();
        plan.push(Op::WriteFile { path: cstr(Path::new("/etc/hostname")), content: hostname, mode: 0o644 });
        // The release the unit answers as (`lsb_release`, charm-helpers): files of its own,
        // not links into the base.
        for (path, content) in
            [("/etc/lsb-release", machine.release.lsb_release()), ("/etc/os-release", machine.release.os_release())]
        {
            plan.push(Op::Optional(Box::new(Op::Unlink(cstr(Path::new(path))))));
            plan.push(Op::WriteFile { path: cstr(Path::new(path)), content: content.into_bytes(), mode: 0o644 });
        }
        if host_network {
            // apt as on the machine: its sources and settings (a mirror, a proxy), so that
            // `apt-get install` in the unit installs from where the machine does.
            for (path, content) in apt_settings() {
                if let Some(parent) = path.parent() {
                    plan.mkdir_all(parent);
                }
                plan.push(Op::Optional(Box::new(Op::Unlink(cstr(&path)))));
                plan.push(Op::WriteFile { path: cstr(&path), content, mode: 0o644 });
            }
            // Name resolution as on the machine, wherever the unit's resolv.conf points.
            if let Ok(source) = Path::new("/etc/resolv.conf").canonicalize() {
                let target = resolve_within(self.lower, Path::new("/etc/resolv.conf"));
                if let Some(parent) = target.parent() {
                    plan.mkdir_all(parent);
                }
                plan.push(Op::Touch { path: cstr(&target), mode: 0o644 });
                plan.bind(&old(&source), &target, true);
            }
        } else {
            // apt through the run's package cache, on the gateway's address (`packages`).
            let setting = Path::new("/etc/apt/apt.conf.d/00formula-package-cache");
            plan.mkdir_all(Path::new("/etc/apt/apt.conf.d"));
            let content = super::packages::apt_proxy_setting(self.rootless_base.is_some()).into_bytes();
            plan.push(Op::WriteFile { path: cstr(setting), content, mode: 0o644 });
        }
        plan.push(Op::Hostname(CString::new(slug).unwrap_or_default()));
        plan.push(Op::Detach(cstr(Path::new(OLD_ROOT))));
        plan.push(Op::Rmdir(cstr(Path::new(OLD_ROOT))));
        Ok(plan)
    }
}

/// The machine's apt sources and settings (`sources.list`, `sources.list.d/`, `apt.conf.d/`),
/// path and content, when the machine is Debian (an Ubuntu machine's sources would install
/// Ubuntu's packages into the unit's Debian userland: the base's own sources stay).
fn apt_settings() -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let os = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    if !os.lines().any(|l| l == "ID=debian") {
        return Vec::new();
    }
    let mut files = Vec::new();
    let apt = Path::new("/etc/apt");
    if let Ok(content) = std::fs::read(apt.join("sources.list")) {
        files.push((apt.join("sources.list"), content));
    }
    for dir in ["sources.list.d", "apt.conf.d"] {
        let Ok(entries) = std::fs::read_dir(apt.join(dir)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        paths.sort();
        for path in paths {
            if let Ok(content) = std::fs::read(&path) {
                files.push((path, content));
            }
        }
    }
    files
}
