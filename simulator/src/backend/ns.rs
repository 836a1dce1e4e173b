//! The `ns` backend: every unit a machine of its own, built from Linux namespaces, with no
//! daemon.
//!
//! A unit is a long-lived process tree. Its pid 1 is a copy of this process made with
//! `clone` in new mount, pid, uts, ipc and (unless the application asked for the machine's
//! network) network namespaces. Before it starts reaping zombies, it builds the unit's root:
//! an overlay with the machine's `/` (or `--rootfs`) as lower layer and an upper and work
//! directory of the unit's own under the run's directory, then `pivot_root` into it, fresh
//! `/proc`, `/sys` (read-only), a small `/dev`, tmpfs `/tmp` and `/run`, and bind mounts of
//! what hooks need at the paths the engine gives them: the unit's charm directory at Juju's
//! place, the run's directory (hook tools, the agent socket, stubs) and, when it is not in
//! that directory, the executable the tools link to. All of this is done with plain system calls on paths
//! computed beforehand (the copy of a many-threaded process may not allocate).
//!
//! A hook enters the unit as `nsenter` would: the spawning thread switches its pid namespace
//! for children to the unit's, the child joins the other namespaces, chroots into the
//! unit's root and changes to the hook's directory, then executes the hook. The hook is a
//! direct child of the simulator, in a process group of its own. With root, the child
//! shares the simulator's memory until it executes the hook (`launch`: no copy of the
//! simulator per hook); without root, it is a fork that forks the hook in turn (see
//! [`enter_pid_namespace_and_fork`]).
//!
//! The network: a network namespace of the run's own (the "fabric", held by a file
//! descriptor) has a switch (see `net`); each unit's `eth0` is a port of it, with an address
//! in 10.77.0.0/16 and a hardware address that depend only on the unit's index (so traces
//! stay identical from run to run). The fabric is reachable from no other namespace, so
//! parallel runs cannot collide and nothing is routed to the machine's networks. The switch,
//! a unit's port and addresses are made with netlink messages from the simulator
//! (`netlink`): with root from the thread itself, without from a child in the run's user
//! namespace. The one way out is apt's: the gateway's address on the switch takes HTTP proxy
//! connections and relays them to a package cache on this machine (`packages`).
//!
//! Nothing outlives the run: pid 1 of every unit dies with the thread that made it
//! (`PR_SET_PDEATHSIG`), which ends every process of the unit, its mounts and its network
//! namespace with its port; the fabric goes when its descriptor closes. What could stay
//! after a crash (cgroup directories, the run's directory) is listed in `ns/state` under the
//! run's directory, and [`clean_leftovers`] removes it for runs whose simulator is gone.
//!
//! Limits: where the machine offers cgroup controllers (v1 `pids` and `memory`, or v2 with
//! them delegated to this process's cgroup), each unit gets a cgroup with a task and a
//! memory limit; its pid 1 joins it (first thing, on v1; the simulator moves it there on
//! v2), and every hook starts in a cgroup below it, so that a hook that runs out of time is
//! killed with everything it started; what a hook that ended well left running (a daemon)
//! moves up to the unit's cgroup.
//!
//! The modules, one concern each: `rootfs` says what a unit's root is made of, as a `plan`
//! of system calls that the unit's pid 1 (`init`) carries out; `rootless` is what changes
//! without root (user namespaces, a root built per directory); `net` the run's switch,
//! `netlink` the messages that make it and connect units, `launch` a hook's start (with root),
//! `packages` the units' route to Debian's packages,
//! `cgroup` the limits, `files` how the simulator finds a unit's files, `mounts` this
//! machine's mount table, and `clean` what runs leave behind.

mod cgroup;
mod clean;
pub(crate) mod files;
mod init;
mod launch;
mod mounts;
mod net;
mod netlink;
mod packages;
mod plan;
mod rootfs;
mod rootless;

pub use clean::clean_leftovers;
pub use rootless::{keep_base_layers, release_kept_layer, user_namespaces_work};

use super::owner::{process_start_time, Owner};
use super::{unit_slug, Backend, Kind, Machine, Options, ProcessSpec, Spawned, UnitEntry, UnitPlaces};
use crate::base::{BaseId, Store};
use cgroup::{remove_cgroup, CgroupRun, UnitCgroup};
use files::{layered_path, resolve_within};
use init::start_init;
use net::{new_net_namespace, switch_address, Switch};
use nix::libc;
use nix::sched::CloneFlags;
use packages::PackageRoute;
use plan::{Op, Plan};
use rootfs::RootFs;
use rootless::RunUser;
use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Whether this machine can run the ns backend: root, or user namespaces.
pub fn available() -> bool {
    nix::unistd::geteuid().is_root() || user_namespaces_work()
}

/// The prefix of the run directories and cgroups this backend makes.
pub use crate::run_dirs::PREFIX;

/// Units as namespace containers.
pub struct NsBackend {
    root: PathBuf,
    state_dir: PathBuf,
    tool_binary: PathBuf,
    /// The lower layer of every unit's root: the unit base, or `--rootfs`.
    lower: PathBuf,
    /// What identifies it in the trace.
    lower_id: BaseId,
    layers_on_tmpfs: bool,
    self_pid_ns: OwnedFd,
    fabric: Option<OwnedFd>,
    /// The run's switch, reached with netlink messages (see the `net` module).
    switch: Option<Switch>,
    /// The units' way to Debian's packages (see the `packages` module), when it could be made.
    package_route: Option<PackageRoute>,
    /// Without root: the run's user namespace, which owns the fabric and every unit's.
    run_user: Option<RunUser>,
    /// Without root: the run's layer of writable trees (see the `rootless` module).
    base: Option<PathBuf>,
    /// The layer is this process's, kept for its next run: the run leaves it.
    base_kept: bool,
    /// Without root and without a delegated cgroup: the most processes a hook (with what
    /// it starts) may have, as `RLIMIT_NPROC` counts them in the unit's user namespace.
    nproc_limit: Option<u64>,
    /// Likewise: the most address space each process of a hook may map (`RLIMIT_AS`), in
    /// place of the unit's memory limit, which needs a cgroup.
    address_space_limit: Option<u64>,
    cgroups: Vec<CgroupRun>,
    units: BTreeMap<String, UnitMachine>,
    /// Subordinate units, each living in the machine of the unit it names, with its own
    /// charm directory there.
    guests: BTreeMap<String, Guest>,
    gone: BTreeMap<String, Layers>,
    /// Cgroups of removed units, removed at the end (a cgroup's removal waits for the
    /// kernel, several milliseconds each; at the end they go in parallel).
    dead_cgroups: Vec<PathBuf>,
    notes: Vec<String>,
    cleaned: bool,
    /// The stack of the child that becomes a hook (see the `launch` module).
    launch_stack: Vec<u8>,
}

/// A unit's root.
enum Root {
    /// Its pid 1 is building it, following the plan (kept for its errors).
    Building(init::Starting, Plan),
    /// Built: what hooks chroot into.
    Ready(OwnedFd),
    /// It could not be built (the unit is stopped).
    Failed,
}

/// Where a unit's files are on this machine.
#[derive(Clone, Debug)]
struct Layers {
    upper: PathBuf,
    lower: PathBuf,
    charm_inside: PathBuf,
    charm_host: PathBuf,
}

/// A subordinate unit in the machine of another unit (spec §6.6).
struct Guest {
    /// The unit whose machine it lives in.
    host: String,
    /// Its charm directory on this machine (inside the host's root, through `/proc`).
    charm_host: PathBuf,
}

/// A running unit.
struct UnitMachine {
    pid: i32,
    /// Its pid 1 ended and was reaped: the pid may belong to another process now.
    ended: bool,
    start_time: u64,
    layers: Layers,
    mnt: OwnedFd,
    uts: OwnedFd,
    ipc: OwnedFd,
    net: OwnedFd,
    pid_ns: OwnedFd,
    /// Its root: being built by its pid 1, or ready.
    root: Root,
    /// Without root: the unit's user namespace (hooks enter it first).
    user: Option<OwnedFd>,
    /// On the machine's network (no network namespace of its own to enter).
    host_network: bool,
    cgroup_dirs: Vec<PathBuf>,
    cgroup_procs: Vec<OwnedFd>,
}

impl NsBackend {
    /// A backend keeping its state under `root/ns`; hooks call the tools that link to
    /// `tool_binary`. Needs root, or user namespaces (see the `rootless` module).
    pub fn new(root: &Path, tool_binary: &Path, options: &Options) -> io::Result<NsBackend> {
        let rootless = !nix::unistd::geteuid().is_root();
        if rootless && !user_namespaces_work() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the ns backend needs root or user namespaces (this user may not make them here)",
            ));
        }
        let root = root.canonicalize()?;
        let tool_binary = tool_binary.canonicalize()?;
        let (lower, lower_id) = match &options.rootfs {
            Some(dir) => {
                let dir = dir.canonicalize().map_err(|e| annotate(e, &format!("rootfs {}", dir.display())))?;
                if !dir.join("bin").exists() && !dir.join("usr/bin").exists() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{} does not look like a root file system (no bin or usr/bin)", dir.display()),
                    ));
                }
                (dir, BaseId { recipe: "rootfs".into(), digest: String::new() })
            }
            None => {
                let base = Store::from_env().prepare(&mut |line| eprintln!("{line}"))?;
                (base.root, base.id)
            }
        };
        let state_dir = root.join("ns");
        for path in [&lower, &state_dir] {
            if path.as_os_str().as_bytes().iter().any(|b| matches!(b, b',' | b':' | b'\\')) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} holds `,`, `:` or `\\`, which overlay options cannot carry", path.display()),
                ));
            }
        }
        std::fs::create_dir_all(&state_dir)?;
        let layers_on_tmpfs = is_overlay(&state_dir);
        let self_pid_ns: OwnedFd = File::open("/proc/self/ns/pid")?.into();
        let mut backend = NsBackend {
            root,
            state_dir,
            tool_binary,
            lower,
            lower_id,
            layers_on_tmpfs,
            self_pid_ns,
            fabric: None,
            switch: None,
            package_route: None,
            run_user: None,
            base: None,
            base_kept: false,
            nproc_limit: None,
            address_space_limit: None,
            cgroups: Vec::new(),
            units: BTreeMap::new(),
            guests: BTreeMap::new(),
            gone: BTreeMap::new(),
            dead_cgroups: Vec::new(),
            notes: Vec::new(),
            cleaned: false,
            launch_stack: vec![0; launch::STACK_SIZE],
        };
        backend.save_state();
        let fabric = if rootless {
            let run_user = RunUser::create()?;
            let fabric = run_user.net.try_clone()?;
            backend.run_user = Some(run_user);
            let name = Owner::this().name("base");
            let place = rootless::base_layer_dir(&name, backend.state_dir.join("base"));
            // Named before it is made, so that a crash while it is made leaves it to `--clean`.
            backend.base = Some(place.clone());
            backend.save_state();
            let keepable = !place.starts_with(&backend.state_dir);
            let (base, kept) = rootless::base_layer(&backend.lower, place.clone(), keepable)
                .map_err(|e| annotate(e, "cannot make the run's layer of writable directories"))?;
            backend.base_kept = kept;
            if base != place {
                backend.base = Some(base);
                backend.save_state();
            }
            backend
                .notes
                .push("units run without root, in user namespaces: one user id (a chown to another user fails)".into());
            fabric
        } else {
            new_net_namespace().map_err(|e| annotate(e, "cannot make the run's network namespace"))?
        };
        backend.switch =
            Some(Switch::make(&fabric, backend.user_fd()).map_err(|e| annotate(e, "cannot make the run's switch"))?);
        match PackageRoute::open(backend.user_fd(), &fabric) {
            Ok(route) => backend.package_route = Some(route),
            Err(e) => {
                backend.notes.push(format!("warning: units cannot install packages (no route to a package cache: {e})"))
            }
        }
        backend.fabric = Some(fabric);
        if options.pids_max.is_some() || options.memory_max.is_some() {
            match CgroupRun::create_all(options) {
                Ok((runs, note)) => {
                    backend.cgroups = runs;
                    backend.notes.push(note);
                }
                Err(e) if rootless => {
                    backend.nproc_limit = options.pids_max;
                    backend.address_space_limit = options.memory_max;
                    let nproc = match options.pids_max {
                        Some(n) => format!("; each hook may have at most {n} processes of the unit (RLIMIT_NPROC)"),
                        None => String::new(),
                    };
                    let memory = match options.memory_max {
                        Some(bytes) => {
                            format!("; each of its processes may map at most {} MiB (RLIMIT_AS)", bytes >> 20)
                        }
                        None => String::new(),
                    };
                    backend.notes.push(format!(
                        "warning: no cgroup is delegated to this user ({e}): units run without memory or task limits{nproc}{memory}; the hook timeout holds"
                    ));
                }
                Err(e) => backend.notes.push(format!("units run without task or memory limits: {e}")),
            }
        }
        backend.save_state();
        Ok(backend)
    }

    /// Whether units run in user namespaces (this process is not root).
    pub fn rootless(&self) -> bool {
        self.run_user.is_some()
    }

    /// What the roots of this run's units are made from.
    fn rootfs(&self) -> RootFs<'_> {
        RootFs {
            run_root: &self.root,
            state_dir: &self.state_dir,
            tool_binary: &self.tool_binary,
            lower: &self.lower,
            layers_on_tmpfs: self.layers_on_tmpfs,
            rootless_base: self.rootless().then(|| self.base.as_deref().unwrap_or(&self.state_dir)),
        }
    }

    /// The run's user namespace, which `ip` joins first (without root).
    fn user_fd(&self) -> Option<&OwnedFd> {
        self.run_user.as_ref().map(|r| &r.user)
    }

    fn build_unit(&mut self, unit: &str, slug: &str, spec: &Machine) -> io::Result<(UnitMachine, UnitPlaces)> {
        let (index, host_network) = (spec.index, spec.host_network);
        let dir = self.root.join("units").join(slug);
        let layers = Layers {
            upper: self.state_dir.join(slug).join("upper"),
            lower: self.lower.clone(),
            charm_inside: PathBuf::from(format!("/var/lib/juju/agents/unit-{slug}/charm")),
            charm_host: dir.join("charm"),
        };
        std::fs::create_dir_all(&layers.charm_host)?;
        // On the run's switch, or (`network: host`) on this machine's loopback.
        let on_switch = if host_network { None } else { Some(switch_address(index)?) };
        let address = on_switch.map_or_else(|| format!("127.0.1.{}", 10 + index % 240), |a| a.to_string());
        let mut cgroups = Vec::new();
        for run in &self.cgroups {
            match run.make_unit(slug) {
                Ok(made) => cgroups.push(made),
                Err(e) => {
                    self.dead_cgroups.extend(cgroups.into_iter().map(|c: UnitCgroup| c.dir));
                    return Err(annotate(e, &format!("cannot make the cgroup of unit {unit}")));
                }
            }
        }
        let mut plan = match self.rootfs().plan(slug, &layers, &address, spec) {
            Ok(plan) => plan,
            Err(e) => {
                self.dead_cgroups.extend(cgroups.into_iter().map(|c| c.dir));
                return Err(e);
            }
        };
        // The pid 1 joins its cgroups itself, before anything else, where it can cheaply.
        let joins = cgroups.iter().filter_map(UnitCgroup::self_join);
        plan.prepend(
            joins.map(|path| Op::WriteFile { path: cstr(&path), content: b"0".to_vec(), mode: 0o644 }).collect(),
        );
        let run_user = self.user_fd().map(|fd| fd.as_raw_fd());
        let mut machine = match UnitMachine::start(plan, host_network, layers, run_user) {
            Ok(machine) => machine,
            Err(e) => {
                self.dead_cgroups.extend(cgroups.into_iter().map(|c| c.dir));
                return Err(e);
            }
        };
        if let Err(e) = self.attach(&mut machine, cgroups, on_switch) {
            machine.stop();
            self.dead_cgroups.append(&mut machine.cgroup_dirs);
            return Err(annotate(e, &format!("cannot set up unit {unit}")));
        }
        let places = UnitPlaces {
            dir,
            charm_dir: machine.layers.charm_inside.clone(),
            charm_dir_host: machine.layers.charm_host.clone(),
            address,
            machine: index,
            home: PathBuf::from("/root"),
        };
        Ok((machine, places))
    }

    /// Connects a new unit to the run's switch with `address` (none: it is on this machine's
    /// network) and puts it in its cgroups (`cgroups`, made for it), where it did not join
    /// them itself.
    fn attach(
        &mut self,
        machine: &mut UnitMachine,
        cgroups: Vec<UnitCgroup>,
        address: Option<Ipv4Addr>,
    ) -> io::Result<()> {
        let pid = machine.pid;
        let joined = cgroups.iter().filter(|c| c.self_join().is_none()).try_for_each(|c| c.add(pid));
        // Kept whatever happened, for the cleanup.
        for cgroup in cgroups {
            machine.cgroup_dirs.push(cgroup.dir);
            machine.cgroup_procs.push(cgroup.hook_join);
        }
        joined?;
        if let Some(address) = address {
            let switch = self.switch.as_mut().ok_or_else(|| io::Error::other("the run's network is gone"))?;
            switch
                .connect(&machine.net, address)
                .map_err(|e| annotate(e, "cannot connect the unit to the run's switch"))?;
        }
        Ok(())
    }

    /// The unit whose machine `unit` lives in: its own, or its principal's.
    fn machine_of<'a>(&'a self, unit: &'a str) -> &'a str {
        self.guests.get(unit).map_or(unit, |g| g.host.as_str())
    }

    /// Puts subordinate `unit` in the running machine of `host`: its charm directory at Juju's
    /// place in that machine's root (written through `/proc`, so it is in the machine's own
    /// file system), its stubs and hook output in a directory of its own in the run's
    /// directory, which every unit sees.
    fn add_guest(&mut self, unit: &str, host: &str, spec: &Machine) -> io::Result<UnitPlaces> {
        let Some(machine) = self.units.get_mut(host).filter(|m| !m.ended) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("unit {host} has no running machine")));
        };
        machine.ready()?;
        let slug = unit_slug(unit);
        let dir = self.root.join("units").join(&slug);
        std::fs::create_dir_all(&dir)?;
        let charm_inside = PathBuf::from(format!("/var/lib/juju/agents/unit-{slug}/charm"));
        let base = PathBuf::from(format!("/proc/{}/root", machine.pid));
        let inside = resolve_within(&base, &charm_inside);
        let charm_host = base.join(inside.strip_prefix("/").unwrap_or(&inside));
        std::fs::create_dir_all(&charm_host)?;
        let places = UnitPlaces {
            dir,
            charm_dir: charm_inside,
            charm_dir_host: charm_host.clone(),
            // The runner gives it its principal's address.
            address: String::new(),
            machine: spec.index,
            home: PathBuf::from("/root"),
        };
        self.guests.insert(unit.to_string(), Guest { host: host.to_string(), charm_host });
        Ok(places)
    }

    /// Writes what exists now to `ns/state`, for [`clean_leftovers`] after a crash.
    /// Keeps what the cleanup needs of a unit whose machine has stopped: its cgroups, to
    /// remove, and its layers, where its files still are.
    fn bury(&mut self, unit: String, layers: Layers, mut cgroup_dirs: Vec<PathBuf>) {
        self.dead_cgroups.append(&mut cgroup_dirs);
        self.gone.insert(unit, layers);
    }

    fn save_state(&self) {
        let mut text = format!("owner {}\n", Owner::this());
        for run in &self.cgroups {
            text.push_str(&format!("cgroup {}\n", run.dir.display()));
        }
        if let Some(base) = self.base.as_ref().filter(|b| !b.starts_with(&self.state_dir)) {
            text.push_str(&format!("base {}\n", base.display()));
        }
        for (unit, m) in &self.units {
            text.push_str(&format!("unit {} {} {}\n", unit_slug(unit), m.pid, m.start_time));
            for dir in &m.cgroup_dirs {
                text.push_str(&format!("cgroup {}\n", dir.display()));
            }
        }
        let path = self.state_dir.join("state");
        let temp = self.state_dir.join("state.new");
        if std::fs::write(&temp, text).is_ok() {
            let _ = std::fs::rename(&temp, &path);
        }
    }
}

impl Backend for NsBackend {
    fn name(&self) -> &'static str {
        Kind::Ns.name()
    }

    fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The unit's root is an overlay on this machine's file system: `host_path` reaches it
    /// through the unit's `/proc/PID/root` while it runs.
    fn shares_files(&self) -> bool {
        true
    }

    fn base(&self) -> Option<BaseId> {
        Some(self.lower_id.clone())
    }

    fn create_unit(&mut self, unit: &str, spec: &Machine) -> io::Result<UnitPlaces> {
        if self.units.contains_key(unit) || self.guests.contains_key(unit) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("unit {unit} exists")));
        }
        if let Some(host) = &spec.host_unit {
            return self.add_guest(unit, host, spec);
        }
        let slug = unit_slug(unit);
        let (machine, places) = self.build_unit(unit, &slug, spec)?;
        self.gone.remove(unit);
        self.units.insert(unit.to_string(), machine);
        self.save_state();
        Ok(places)
    }

    fn await_unit(&mut self, unit: &str) -> io::Result<()> {
        let Some(machine) = self.units.get_mut(unit) else {
            // A subordinate, in a machine that was ready when it came.
            return Ok(());
        };
        let ready = machine.ready().map(drop);
        if ready.is_err() {
            self.destroy_unit(unit);
        }
        ready
    }

    fn spawn(&mut self, unit: &str, spec: &ProcessSpec) -> io::Result<Spawned> {
        let unit = self.machine_of(unit).to_string();
        let unit = unit.as_str();
        let Some(machine) = self.units.get_mut(unit) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("unit {unit} has no machine")));
        };
        if !machine.is_running() {
            return Err(io::Error::other(format!("the machine of unit {unit} is gone (its init ended)")));
        }
        let root = machine.ready()?;
        let mut namespaces = Vec::with_capacity(5);
        if let Some(user) = &machine.user {
            namespaces.push((user.as_raw_fd(), libc::CLONE_NEWUSER));
        }
        // Without root, the machine's network namespace may not be entered (the unit is in it).
        if !(machine.user.is_some() && machine.host_network) {
            namespaces.push((machine.net.as_raw_fd(), libc::CLONE_NEWNET));
        }
        namespaces.push((machine.uts.as_raw_fd(), libc::CLONE_NEWUTS));
        namespaces.push((machine.ipc.as_raw_fd(), libc::CLONE_NEWIPC));
        namespaces.push((machine.mnt.as_raw_fd(), libc::CLONE_NEWNS));
        let procs: Vec<RawFd> = machine.cgroup_procs.iter().map(|f| f.as_raw_fd()).collect();
        if machine.user.is_none() && spec.program.is_absolute() {
            // The common case: a child that shares this process's memory (see `launch`).
            let entry = launch::Entry { namespaces: &namespaces, root, procs: &procs };
            let _switch = PidNsSwitch::enter(&machine.pid_ns, &self.self_pid_ns)?;
            return launch::launch(spec, &entry, &mut self.launch_stack).map(Spawned::own);
        }
        let stdout = spec.stdout.stdio()?;
        let stderr = spec.stderr.stdio()?;
        let cwd = CString::new(spec.cwd.as_os_str().as_bytes())?;
        let mut command = Command::new(&spec.program);
        command.args(&spec.args).env_clear().envs(&spec.env).stdin(spec.stdout.stdin()).stdout(stdout).stderr(stderr);
        // An interactive shell stays in the terminal's foreground group, so that it may read it.
        if !spec.stdout.is_terminal() {
            command.process_group(0);
        }
        if machine.user.is_some() {
            // Without root this process may not switch its pid namespace for children: the
            // child does, in the unit's user namespace, and forks the hook (see
            // `enter_unit_rootless`).
            let pid_ns = machine.pid_ns.as_raw_fd();
            let limits = (self.nproc_limit, self.address_space_limit);
            // SAFETY: as below; the closure makes only system calls.
            unsafe {
                command.pre_exec(move || {
                    enter_unit(&namespaces, root, &cwd, &procs)?;
                    enter_pid_namespace_and_fork(pid_ns, limits)
                });
            }
            return command.spawn().map(Spawned::from);
        }
        // A program named without a directory: std looks for it on the hook's PATH.
        // SAFETY: the closure runs in the forked child and makes only system calls (no
        // allocation, no locks); every descriptor it uses is owned by `self`, alive until
        // `spawn` returns.
        unsafe {
            command.pre_exec(move || enter_unit(&namespaces, root, &cwd, &procs));
        }
        let _switch = PidNsSwitch::enter(&machine.pid_ns, &self.self_pid_ns)?;
        command.spawn().map(Spawned::from)
    }

    fn entry(&self, unit: &str) -> Option<UnitEntry> {
        let machine = self.units.get(self.machine_of(unit)).filter(|m| !m.ended)?;
        Some(UnitEntry::Namespaces { pid: machine.pid, start_time: machine.start_time, home: PathBuf::from("/root") })
    }

    fn host_path(&self, unit: &str, path: &Path) -> PathBuf {
        let unit = self.machine_of(unit);
        // A pid 1 that was not reaped (`ended`) cannot have had its pid reused.
        if let Some(machine) = self.units.get(unit).filter(|m| !m.ended) {
            let base = PathBuf::from(format!("/proc/{}/root", machine.pid));
            let inside = resolve_within(&base, path);
            return base.join(inside.strip_prefix("/").unwrap_or(&inside));
        }
        let absent = self.state_dir.join("absent");
        let layers = self.units.get(unit).map(|m| &m.layers).or_else(|| self.gone.get(unit));
        layers.and_then(|layers| layered_path(layers, &self.root, path)).unwrap_or(absent)
    }

    /// The charm directory and the overlay's upper layer (every file the unit changed in
    /// its root), when the upper layer is on this machine's file system (not on a tmpfs
    /// mounted inside the unit).
    fn changeable_dirs(&self, unit: &str) -> Vec<(PathBuf, String)> {
        // A subordinate's root is its principal's: only its charm directory is its own.
        if let Some(guest) = self.guests.get(unit) {
            return vec![(guest.charm_host.clone(), "$CHARM_DIR".to_string())];
        }
        let Some(machine) = self.units.get(unit) else {
            return Vec::new();
        };
        let mut dirs = vec![(machine.layers.charm_host.clone(), "$CHARM_DIR".to_string())];
        if !self.layers_on_tmpfs {
            dirs.push((machine.layers.upper.clone(), "/".to_string()));
        }
        dirs
    }

    fn kill_hook(&mut self, unit: &str, pid: u32) {
        let unit = self.machine_of(unit).to_string();
        let unit = unit.as_str();
        super::kill_process_group(pid);
        for dir in self.units.get(unit).map(|m| m.cgroup_dirs.as_slice()).unwrap_or_default() {
            cgroup::kill_hook_leftovers(dir);
        }
    }

    fn hook_ended(&mut self, unit: &str, timed_out: bool) {
        let unit = self.machine_of(unit).to_string();
        let unit = unit.as_str();
        for dir in self.units.get(unit).map(|m| m.cgroup_dirs.as_slice()).unwrap_or_default() {
            if timed_out {
                cgroup::kill_hook_leftovers(dir);
            } else {
                cgroup::adopt_hook_leftovers(dir);
            }
        }
    }

    fn reboot_unit(&mut self, unit: &str) -> bool {
        // Every process in the unit's pid namespace but its init: what a reboot ends. The
        // machine (namespaces, overlay, address) stays, as its disk would.
        let Some(machine) = self.units.get_mut(unit) else {
            return false;
        };
        if !machine.is_running() {
            return false;
        }
        let init = machine.pid;
        let Ok(namespace) = std::fs::read_link(format!("/proc/{init}/ns/pid")) else {
            return false;
        };
        for _round in 0..10 {
            let mut left = 0;
            for pid in all_pids() {
                if pid == init || std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok().as_ref() != Some(&namespace) {
                    continue;
                }
                left += 1;
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
            }
            if left == 0 {
                return true;
            }
            // The init reaps them; give it a moment.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        true
    }

    fn destroy_unit(&mut self, unit: &str) {
        if self.guests.remove(unit).is_some() {
            // Its files stay in the machine until the machine goes with its principal.
            return;
        }
        if let Some(mut machine) = self.units.remove(unit) {
            machine.stop();
            self.bury(unit.to_string(), machine.layers.clone(), std::mem::take(&mut machine.cgroup_dirs));
            self.save_state();
        }
    }

    fn cleanup(&mut self) {
        if self.cleaned {
            return;
        }
        self.cleaned = true;
        // Every unit's pid 1 first, then, one thread a unit, reap it and close what holds its
        // namespaces: each end waits for the kernel (RCU grace periods, which waiters at the
        // same moment share).
        for machine in self.units.values().filter(|m| !m.ended) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(machine.pid), nix::sys::signal::SIGKILL);
        }
        let machines = std::mem::take(&mut self.units);
        let ended: Vec<(String, Layers, Vec<PathBuf>)> = std::thread::scope(|scope| {
            let ending: Vec<_> = machines
                .into_iter()
                .map(|(unit, mut machine)| {
                    scope.spawn(move || {
                        machine.stop();
                        (unit, machine.layers.clone(), std::mem::take(&mut machine.cgroup_dirs))
                    })
                })
                .collect();
            ending.into_iter().filter_map(|e| e.join().ok()).collect()
        });
        for (unit, layers, cgroup_dirs) in ended {
            self.bury(unit, layers, cgroup_dirs);
        }
        self.save_state();
        // Its listener holds the fabric's namespace too.
        self.package_route = None;
        self.switch = None;
        self.fabric = None;
        let dead = std::mem::take(&mut self.dead_cgroups);
        std::thread::scope(|scope| {
            for dir in &dead {
                scope.spawn(move || remove_cgroup(dir));
            }
        });
        for run in &self.cgroups {
            remove_cgroup(&run.dir);
        }
        self.cgroups.clear();
        self.run_user = None;
        if let Some(base) = self.base.take().filter(|b| !b.starts_with(&self.state_dir) && !self.base_kept) {
            let _ = crate::run_dirs::remove_tree(&base);
        }
        let _ = std::fs::remove_file(self.state_dir.join("state"));
        if !nix::unistd::geteuid().is_root() {
            // The overlays' work directories have no permissions: the run's directory must
            // stay removable by its owner.
            crate::run_dirs::make_removable(&self.state_dir);
        }
    }
}

impl Drop for NsBackend {
    fn drop(&mut self) {
        self.cleanup();
    }
}

impl UnitMachine {
    /// Starts the unit's pid 1, which runs `plan`, and opens its namespaces; its root is
    /// ready after [`UnitMachine::ready`].
    fn start(plan: Plan, host_network: bool, layers: Layers, run_user: Option<RawFd>) -> io::Result<UnitMachine> {
        let mut flags =
            CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWUTS | CloneFlags::CLONE_NEWIPC;
        if !host_network {
            flags |= CloneFlags::CLONE_NEWNET;
        }
        let starting = start_init(&plan, flags, run_user)?;
        let pid = starting.pid;
        // The kernel's out-of-memory killer picks a unit's hooks and daemons, never its init.
        let _ = std::fs::write(format!("/proc/{pid}/oom_score_adj"), "-1000");
        let open = |what: &str| -> io::Result<OwnedFd> { Ok(File::open(format!("/proc/{pid}/{what}"))?.into()) };
        let opened = (|| -> io::Result<_> {
            let user = match run_user {
                Some(_) => Some(open("ns/user")?),
                None => None,
            };
            Ok((open("ns/mnt")?, open("ns/uts")?, open("ns/ipc")?, open("ns/net")?, open("ns/pid")?, user))
        })();
        let (mnt, uts, ipc, net, pid_ns, user) = match opened {
            Ok(namespaces) => namespaces,
            Err(e) => {
                kill_and_reap(pid);
                // A pid 1 that failed at its first steps may be gone before its namespaces
                // were opened: what it reported says why.
                return Err(match starting.wait(&plan) {
                    Err(reported) => reported,
                    Ok(()) => annotate(e, "cannot open the unit's namespaces"),
                });
            }
        };
        Ok(UnitMachine {
            pid,
            ended: false,
            start_time: process_start_time(pid).unwrap_or(0),
            layers,
            mnt,
            uts,
            ipc,
            net,
            pid_ns,
            root: Root::Building(starting, plan),
            user,
            host_network,
            cgroup_dirs: Vec::new(),
            cgroup_procs: Vec::new(),
        })
    }

    /// The unit's root (what hooks chroot into), once its pid 1 has built it: waits for that
    /// the first time. On an error the unit is stopped.
    fn ready(&mut self) -> io::Result<RawFd> {
        self.root = match std::mem::replace(&mut self.root, Root::Failed) {
            Root::Building(starting, plan) => {
                let opened = starting.wait(&plan).and_then(|()| {
                    std::fs::OpenOptions::new()
                        .read(true)
                        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
                        .open(format!("/proc/{}/root", self.pid))
                });
                match opened {
                    Ok(root) => Root::Ready(root.into()),
                    Err(e) => {
                        self.stop();
                        return Err(e);
                    }
                }
            }
            built => built,
        };
        match &self.root {
            Root::Ready(root) => Ok(root.as_raw_fd()),
            _ => Err(io::Error::other("the unit's root could not be built")),
        }
    }

    /// Whether its pid 1 still runs (reaping it, if it ended).
    fn is_running(&mut self) -> bool {
        if !self.ended {
            let init = nix::unistd::Pid::from_raw(self.pid);
            let status = nix::sys::wait::waitpid(init, Some(nix::sys::wait::WaitPidFlag::WNOHANG));
            self.ended = !matches!(status, Ok(nix::sys::wait::WaitStatus::StillAlive));
        }
        !self.ended
    }

    /// Ends every process of the unit (the kernel kills a pid namespace with its pid 1),
    /// which releases its mounts and network namespace (its descriptors close here).
    fn stop(&mut self) {
        if !self.ended {
            kill_and_reap(self.pid);
            self.ended = true;
        }
        self.cgroup_procs.clear();
    }
}

/// Starts `command` in the machine whose pid 1 is `pid` (started at `start_time`), from a
/// process other than the simulator's (`juju ssh`): as a hook enters its unit, in every
/// namespace of that pid 1 that differs from this process's, chrooted into its root, in
/// `cwd` inside. Its cgroups are not joined (they are the simulator's to manage). The
/// caller sets the command's environment and standard streams.
pub fn spawn_in_machine(pid: i32, start_time: u64, cwd: &Path, command: &mut Command) -> io::Result<Child> {
    if process_start_time(pid) != Some(start_time) {
        return Err(io::Error::new(io::ErrorKind::NotFound, "the unit's machine is gone"));
    }
    let open = |what: &str| -> io::Result<OwnedFd> { Ok(File::open(format!("/proc/{pid}/{what}"))?.into()) };
    let differs = |kind: &str| -> bool {
        let inode = |p: String| std::fs::metadata(p).map(|m| std::os::unix::fs::MetadataExt::ino(&m)).ok();
        inode(format!("/proc/{pid}/ns/{kind}")) != inode(format!("/proc/self/ns/{kind}"))
    };
    let mut held = Vec::new();
    for (kind, flag) in [
        ("user", libc::CLONE_NEWUSER),
        ("net", libc::CLONE_NEWNET),
        ("uts", libc::CLONE_NEWUTS),
        ("ipc", libc::CLONE_NEWIPC),
        ("mnt", libc::CLONE_NEWNS),
    ] {
        if differs(kind) {
            held.push((open(&format!("ns/{kind}"))?, flag));
        }
    }
    let root: OwnedFd = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
        .open(format!("/proc/{pid}/root"))?
        .into();
    let pid_ns = open("ns/pid")?;
    let namespaces: Vec<(RawFd, libc::c_int)> = held.iter().map(|(fd, flag)| (fd.as_raw_fd(), *flag)).collect();
    let (root_fd, cwd) = (root.as_raw_fd(), cstr(cwd));
    let in_user_namespace = held.iter().any(|(_, flag)| *flag == libc::CLONE_NEWUSER);
    if in_user_namespace {
        // Without root: the child joins the pid namespace from inside the user namespace and
        // forks, as a rootless hook does.
        let pid_ns_fd = pid_ns.as_raw_fd();
        // SAFETY: the closure runs in the forked child and makes only system calls on
        // descriptors alive until `spawn` returns.
        unsafe {
            command.pre_exec(move || {
                enter_unit(&namespaces, root_fd, &cwd, &[])?;
                enter_pid_namespace_and_fork(pid_ns_fd, (None, None))
            });
        }
        return command.spawn();
    }
    // SAFETY: as above.
    unsafe {
        command.pre_exec(move || enter_unit(&namespaces, root_fd, &cwd, &[]));
    }
    let back = open_own_pid_namespace()?;
    let _switch = PidNsSwitch::enter(&pid_ns, &back)?;
    command.spawn()
}

/// This process's pid namespace (to come back to after [`PidNsSwitch`]).
fn open_own_pid_namespace() -> io::Result<OwnedFd> {
    Ok(File::open("/proc/self/ns/pid")?.into())
}

/// The pids of this machine's processes, from /proc, in order.
fn all_pids() -> Vec<i32> {
    let mut pids: Vec<i32> = std::fs::read_dir("/proc")
        .map(|rd| rd.flatten().filter_map(|e| e.file_name().to_string_lossy().parse().ok()).collect())
        .unwrap_or_default();
    pids.sort_unstable();
    pids
}

/// In the child of `spawn`, before exec: joins the unit's cgroups and namespaces and its
/// root. System calls only.
fn enter_unit(namespaces: &[(RawFd, libc::c_int)], root: RawFd, cwd: &CStr, procs: &[RawFd]) -> io::Result<()> {
    // SAFETY: plain system calls on descriptors and strings owned by the parent.
    unsafe {
        for fd in procs {
            if libc::write(*fd, b"0".as_ptr().cast(), 1) != 1 {
                return Err(io::Error::last_os_error());
            }
        }
        for (fd, kind) in namespaces {
            if libc::setns(*fd, *kind) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        if libc::fchdir(root) != 0 || libc::chroot(c".".as_ptr()) != 0 || libc::chdir(cwd.as_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// In the child of `spawn`, without root, after [`enter_unit`]: joins the unit's pid
/// namespace (children only) and forks; the new process goes on to run the hook, this one
/// waits for it and ends as it ended (so the simulator sees the hook's exit status). The
/// hook gets `limits`: its most processes (`RLIMIT_NPROC`) and address space (`RLIMIT_AS`).
/// System calls only.
fn enter_pid_namespace_and_fork(pid_ns: RawFd, limits: (Option<u64>, Option<u64>)) -> io::Result<()> {
    // SAFETY: plain system calls; the waiting process never returns into the caller.
    unsafe {
        if libc::setns(pid_ns, libc::CLONE_NEWPID) != 0 {
            return Err(io::Error::last_os_error());
        }
        let child = libc::fork();
        if child < 0 {
            return Err(io::Error::last_os_error());
        }
        if child == 0 {
            let (nproc, address_space) = limits;
            for (resource, value) in [(libc::RLIMIT_NPROC, nproc), (libc::RLIMIT_AS, address_space)] {
                if let Some(n) = value {
                    libc::setrlimit(resource, &libc::rlimit { rlim_cur: n, rlim_max: n });
                }
            }
            return Ok(());
        }
        // Close everything, the pipe on which the simulator learns that the hook started too.
        if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) != 0 {
            for fd in 0..65536 {
                libc::close(fd);
            }
        }
        let mut status = 0;
        while libc::waitpid(child, &mut status, 0) < 0 {
            if nix::errno::Errno::last_raw() != libc::EINTR {
                libc::_exit(127);
            }
        }
        if libc::WIFSIGNALED(status) {
            let signal = libc::WTERMSIG(status);
            let mut all: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut all);
            libc::sigprocmask(libc::SIG_SETMASK, &all, std::ptr::null_mut());
            libc::signal(signal, libc::SIG_DFL);
            libc::kill(libc::getpid(), signal);
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }
}

/// While alive, children this thread makes are born in a unit's pid namespace.
struct PidNsSwitch<'a> {
    back: &'a OwnedFd,
}

impl<'a> PidNsSwitch<'a> {
    fn enter(unit: &OwnedFd, back: &'a OwnedFd) -> io::Result<PidNsSwitch<'a>> {
        nix::sched::setns(unit, CloneFlags::CLONE_NEWPID)
            .map_err(|e| annotate(e.into(), "cannot enter the unit's pid namespace"))?;
        Ok(PidNsSwitch { back })
    }
}

impl Drop for PidNsSwitch<'_> {
    fn drop(&mut self) {
        if let Err(e) = nix::sched::setns(self.back, CloneFlags::CLONE_NEWPID) {
            // Threads cannot be made while this thread's children would be born elsewhere.
            eprintln!("error: cannot return to the simulator's pid namespace: {e}");
        }
    }
}

/// A path for a system call.
fn cstr(path: &Path) -> CString {
    CString::new(path.as_os_str().as_bytes()).unwrap_or_default()
}

/// `e` with what was being done.
fn annotate(e: io::Error, context: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{context}: {e}"))
}

/// Kills `pid` and, if it is a child of this process, waits (a bounded while) for its end.
fn kill_and_reap(pid: i32) {
    let target = nix::unistd::Pid::from_raw(pid);
    let _ = nix::sys::signal::kill(target, nix::sys::signal::SIGKILL);
    let until = Instant::now() + Duration::from_secs(10);
    let mut pause = Duration::from_micros(200);
    loop {
        match nix::sys::wait::waitpid(target, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) if Instant::now() < until => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            _ => return,
        }
    }
}

/// Whether `path` is on an overlay file system (which cannot hold an overlay's upper layer).
fn is_overlay(path: &Path) -> bool {
    nix::sys::statfs::statfs(path).is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::OVERLAYFS_SUPER_MAGIC)
}
