//! The `lxd` backend: every unit a container of a real LXD daemon, driven through its `lxc`
//! client.
//!
//! A unit is a privileged container launched from the local image [`IMAGE_ALIAS`] (which
//! `dev/lxd-setup.sh` builds with debootstrap), named after the run and the unit
//! (`fs-1a2b3c4d-wiki-0`), with the unit's slug as host name (`wiki-0`, written by the image's
//! templates from `user.hostname`). `disk` devices bind-mount what hooks need at the paths
//! the engine gives them: the run's directory (hook tools and the executable they link to, the
//! agent socket, stubs and hook output; the executable is bound on its own, read-only, when it
//! is elsewhere), and the unit's charm directory at Juju's place (`/var/lib/juju/agents/unit-wiki-0/charm`). Privileged, so that
//! container root is root in those directories and the launch needs no id shifting of the
//! root file system. Units get their address from LXD's bridge (DHCP), whatever the
//! application's `network:` says: the bridge has NAT, so `apt-get` in a hook reaches a mirror.
//!
//! A hook is an `lxc exec` in the hook's directory (`--cwd`), through `env -i` with the hook's
//! environment and nothing else.
//! Inside, a shell sends the hook's output into two files in the run's directory rather than
//! back over `lxc exec`: a daemon started by a hook keeps its output open, and `lxc exec`
//! would wait for it. A shell on this machine copies the files into the captures once `lxc
//! exec` ends. Every hook carries a marker in its environment (`FORMULA_SIM_HOOK`), which its
//! children inherit, also those that left its process group: a hook that runs out of time is
//! killed, with everything it started, by a second `lxc exec` that kills every process of
//! the unit whose environment holds the marker.
//!
//! Limits (`--unit-pids`, `--unit-memory`) are LXD's own `limits.processes` and
//! `limits.memory` on every container. A hook that runs out of time is killed from this
//! machine when its processes are visible here (a local daemon, containers privileged), so
//! that a hook that used up its unit's processes cannot keep the killer out.
//!
//! Containers are slow to launch (seconds) and to delete (about a second): units a scenario
//! deploys are launched all at once ([`Backend::expect_units`]), and deletes run in parallel,
//! in the background, waited for at the end. Each container carries its simulator's pid and
//! start time (`user.formula-sim.owner`); [`clean_leftovers`] deletes those whose simulator
//! is gone. A run stopped by SIGINT or SIGTERM deletes its containers before it ends
//! ([`interrupt`]).

mod clean;
mod interrupt;
mod lxc;

pub use clean::clean_leftovers;
pub use lxc::{Lxc, SETUP_HINT};

use super::ns::files::resolve_within;
use super::owner::Owner;
use super::{kill_process_group, unit_slug, Backend, Kind, Machine, ProcessSpec, Spawned, UnitEntry, UnitPlaces};
use serde_json::json;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The image units are launched from (made by `dev/lxd-setup.sh`).
pub const IMAGE_ALIAS: &str = "formula-sim-bookworm";

/// The prefix of every container this backend launches.
pub const CONTAINER_PREFIX: &str = "fs-";

/// The container setting that names the simulator owning it: `PID START`.
const OWNER_KEY: &str = "user.formula-sim.owner";

/// The environment variable that marks a hook and every process it starts.
const HOOK_MARKER: &str = "FORMULA_SIM_HOOK";

/// Where hook output is written, under the unit's directory.
const OUTPUT_DIR: &str = "hook-output";

/// How long a new unit may take to get its address.
const ADDRESS_WAIT: Duration = Duration::from_secs(120);

/// On this machine: runs `lxc exec` (the arguments), then copies the hook's output files
/// (`$1`, `$2`) to its own output, and exits as the hook did.
const OUTER: &str = r#"out=$1 err=$2; shift 2
"$@"; rc=$?
cat "$out" 2>/dev/null; cat "$err" 2>/dev/null >&2
rm -f "$out" "$err"
exit $rc"#;

/// In the unit: runs the hook with its output in the files `$1`, `$2`.
const INNER: &str = r#"out=$1 err=$2; shift 2
exec "$@" </dev/null >"$out" 2>"$err""#;

/// In the unit: kills every process whose environment holds `FORMULA_SIM_HOOK=$1`, until none
/// is left (a forking hook refills the list for a moment).
const KILL_MARKED: &str = r#"marker="FORMULA_SIM_HOOK=$1"
for round in 1 2 3 4 5 6 7 8 9 10; do
    found=
    for f in /proc/[0-9]*/environ; do
        grep -qzxF "$marker" "$f" 2>/dev/null || continue
        p=${f#/proc/}; kill -9 "${p%/environ}" 2>/dev/null && found=1
    done
    [ -n "$found" ] || exit 0
done"#;

/// Units as LXD containers.
pub struct LxdBackend {
    lxc: Lxc,
    root: PathBuf,
    tool_binary: PathBuf,
    run_id: String,
    owner: String,
    /// Launches in flight, by unit.
    launching: BTreeMap<String, Launch>,
    units: BTreeMap<String, Container>,
    /// Subordinate units, by the unit whose container they live in (spec §6.6).
    guests: BTreeMap<String, String>,
    /// `lxc delete` of removed units, waited for at the end.
    deleting: Vec<Child>,
    /// The process (on this machine) and marker of each unit's latest hook.
    hooks: BTreeMap<String, (u32, String)>,
    /// LXD settings that limit every container (`limits.processes`, `limits.memory`).
    limits: Vec<(&'static str, String)>,
    notes: Vec<String>,
    serial: u64,
    cleaned: bool,
}

/// A container being launched.
struct Launch {
    name: String,
    child: Child,
}

/// A unit's container.
struct Container {
    name: String,
    slug: String,
}

impl LxdBackend {
    /// A backend for the run in `root`, whose hook tools link to `tool_binary`. Fails, saying
    /// how to get ready, when `lxc` is missing, the daemon does not answer or the image is not
    /// there.
    pub fn new(root: &Path, tool_binary: &Path) -> io::Result<LxdBackend> {
        let lxc = Lxc::find()?;
        lxc.check_ready(IMAGE_ALIAS)?;
        let root = root.canonicalize()?;
        let tool_binary = tool_binary.canonicalize()?;
        std::fs::create_dir_all(root.join("lxd"))?;
        let owner = Owner::this().to_string();
        let run_id = format!("{:08x}", fnv1a(format!("{owner} {}", root.display()).as_bytes()) as u32);
        let backend = LxdBackend {
            lxc,
            root,
            tool_binary,
            run_id,
            owner,
            launching: BTreeMap::new(),
            units: BTreeMap::new(),
            guests: BTreeMap::new(),
            deleting: Vec::new(),
            hooks: BTreeMap::new(),
            limits: Vec::new(),
            notes: Vec::new(),
            serial: 0,
            cleaned: false,
        };
        backend.save_state();
        interrupt::watch(&backend.root);
        Ok(backend)
    }

    /// Limits every unit to `pids_max` processes and `memory_max` bytes (LXD's
    /// `limits.processes` and `limits.memory`).
    pub fn with_limits(mut self, pids_max: Option<u64>, memory_max: Option<u64>) -> LxdBackend {
        let mut said = Vec::new();
        if let Some(n) = pids_max {
            self.limits.push(("limits.processes", n.to_string()));
            said.push(format!("{n} tasks"));
        }
        if let Some(bytes) = memory_max {
            self.limits.push(("limits.memory", format!("{bytes}B")));
            said.push(format!("{} MiB", bytes >> 20));
        }
        if !said.is_empty() {
            self.notes.push(format!("units are limited to {} (LXD limits)", said.join(" and ")));
        }
        self
    }

    /// The container that holds `unit` (while it exists).
    pub fn container(&self, unit: &str) -> Option<&str> {
        self.units.get(unit).map(|c| c.name.as_str())
    }

    /// The unit whose container `unit` lives in: its own, or its principal's.
    fn machine_of<'a>(&'a self, unit: &'a str) -> &'a str {
        self.guests.get(unit).map_or(unit, String::as_str)
    }

    /// Puts subordinate `unit` in the container of `host`: its charm directory, a directory
    /// of the run's on this machine, becomes a disk device of that container at Juju's place.
    fn add_guest(&mut self, unit: &str, host: &str, index: u32) -> io::Result<UnitPlaces> {
        let Some(container) = self.units.get(host) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("unit {host} has no container")));
        };
        let slug = unit_slug(unit);
        let dir = self.root.join("units").join(&slug);
        let charm_host = dir.join("charm");
        std::fs::create_dir_all(&charm_host)?;
        std::fs::create_dir_all(dir.join(OUTPUT_DIR))?;
        let source = format!("source={}", charm_host.display());
        let path = format!("path={}", charm_inside(&slug).display());
        let device = guest_device(&slug);
        self.lxc.run(&["config", "device", "add", container.name.as_str(), device.as_str(), "disk", &source, &path])?;
        self.guests.insert(unit.to_string(), host.to_string());
        Ok(UnitPlaces {
            charm_dir: charm_inside(&slug),
            charm_dir_host: charm_host,
            dir,
            // The runner gives it its principal's address.
            address: String::new(),
            machine: index,
            home: PathBuf::from("/root"),
        })
    }

    /// Starts launching `unit`'s container, unless that is under way or done.
    fn start_launch(&mut self, unit: &str) -> io::Result<()> {
        if self.launching.contains_key(unit) || self.units.contains_key(unit) {
            return Ok(());
        }
        interrupt::wait_if_stopping();
        let slug = unit_slug(unit);
        let name = container_name(&self.run_id, &slug);
        let dir = self.root.join("units").join(&slug);
        let charm_host = dir.join("charm");
        std::fs::create_dir_all(&charm_host)?;
        std::fs::create_dir_all(dir.join(OUTPUT_DIR))?;
        let disk = |source: &Path, path: &Path| json!({"type": "disk", "source": source, "path": path});
        // `lxc launch` reads the instance's settings from its standard input (JSON is YAML).
        let mut config = json!({"security.privileged": "true", "user.hostname": slug});
        config[OWNER_KEY] = json!(self.owner);
        for (key, value) in &self.limits {
            config[*key] = json!(value);
        }
        let mut devices = json!({
            "formula-run": disk(&self.root, &self.root),
            "formula-charm": disk(&charm_host, &charm_inside(&slug)),
        });
        // The executable the hook tools link to, unless the run's directory holds it.
        if !self.tool_binary.starts_with(&self.root) {
            let mut tool = disk(&self.tool_binary, &self.tool_binary);
            tool["readonly"] = json!("true");
            devices["formula-tool"] = tool;
        }
        let settings = json!({"config": config, "devices": devices});
        let mut child = self
            .lxc
            .command(&["launch", IMAGE_ALIAS, name.as_str(), "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(settings.to_string().as_bytes())?;
        }
        self.launching.insert(unit.to_string(), Launch { name, child });
        self.save_state();
        Ok(())
    }

    /// The unit's IPv4 address on LXD's bridge, once DHCP gave it one.
    fn wait_for_address(&self, unit: &str, name: &str) -> io::Result<String> {
        let until = Instant::now() + ADDRESS_WAIT;
        loop {
            let state = self.lxc.query(&format!("/1.0/instances/{name}/state"))?;
            if let Some(address) = ipv4_of(&state, "eth0") {
                return Ok(address);
            }
            if state["status"] != "Running" {
                return Err(io::Error::other(format!("the container of unit {unit} is {}", state["status"])));
            }
            if Instant::now() > until {
                return Err(io::Error::other(format!(
                    "unit {unit} got no IPv4 address on eth0 from LXD's bridge within {} s ({SETUP_HINT})",
                    ADDRESS_WAIT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Deletes a container in the background (waited for by [`Backend::cleanup`]).
    fn delete_later(&mut self, name: &str) {
        let command =
            self.lxc.command(&["delete", "--force", name]).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
        if let Ok(child) = command {
            self.deleting.push(child);
        }
    }

    /// Writes the owner and the containers to `lxd/state`, for [`clean_leftovers`].
    fn save_state(&self) {
        let mut text = format!("owner {}\n", self.owner);
        for name in self.launching.values().map(|l| &l.name).chain(self.units.values().map(|c| &c.name)) {
            text.push_str(&format!("container {name}\n"));
        }
        let dir = self.root.join("lxd");
        if std::fs::write(dir.join("state.new"), text).is_ok() {
            let _ = std::fs::rename(dir.join("state.new"), dir.join("state"));
        }
    }
}

impl Backend for LxdBackend {
    fn name(&self) -> &'static str {
        Kind::Lxd.name()
    }

    fn notes(&self) -> &[String] {
        &self.notes
    }

    fn expect_units(&mut self, units: &[String]) {
        // Errors come back when the unit is made.
        for unit in units {
            let _ = self.start_launch(unit);
        }
    }

    fn create_unit(&mut self, unit: &str, machine: &Machine) -> io::Result<UnitPlaces> {
        let index = machine.index;
        if self.units.contains_key(unit) || self.guests.contains_key(unit) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("unit {unit} exists")));
        }
        if let Some(host) = &machine.host_unit {
            return self.add_guest(unit, host, index);
        }
        self.start_launch(unit)?;
        let Some(launch) = self.launching.remove(unit) else {
            return Err(io::Error::other(format!("the launch of unit {unit} went missing")));
        };
        let output = launch.child.wait_with_output()?;
        let slug = unit_slug(unit);
        if !output.status.success() {
            let said = String::from_utf8_lossy(&output.stderr).trim().to_string();
            self.delete_later(&launch.name);
            self.save_state();
            return Err(io::Error::other(format!("`lxc launch` of unit {unit} failed: {said}")));
        }
        let name = launch.name;
        self.units.insert(unit.to_string(), Container { name: name.clone(), slug: slug.clone() });
        self.save_state();
        let address = self.wait_for_address(unit, &name)?;
        let dir = self.root.join("units").join(&slug);
        Ok(UnitPlaces {
            charm_dir: charm_inside(&slug),
            charm_dir_host: dir.join("charm"),
            dir,
            address,
            machine: index,
            home: PathBuf::from("/root"),
        })
    }

    fn spawn(&mut self, unit: &str, spec: &ProcessSpec) -> io::Result<Spawned> {
        interrupt::wait_if_stopping();
        let Some(container) = self.units.get(self.machine_of(unit)) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("unit {unit} has no container")));
        };
        self.serial += 1;
        let output = self.root.join("units").join(&container.slug).join(OUTPUT_DIR);
        let (out, err) = (output.join(format!("{}.out", self.serial)), output.join(format!("{}.err", self.serial)));
        let marker = format!("{}:{}", container.name, self.serial);
        let mut args: Vec<OsString> =
            vec!["-c".into(), OUTER.into(), "sh".into(), out.clone().into(), err.clone().into()];
        args.push(self.lxc.program().into());
        for a in ["exec", container.name.as_str(), "--force-noninteractive", "--cwd"] {
            args.push(a.into());
        }
        args.push(spec.cwd.clone().into());
        // `env -i`: the hook's environment and nothing else (`lxc exec` adds USER and
        // `container`).
        args.extend(["--".into(), "/usr/bin/env".into(), "-i".into()]);
        for (key, value) in &spec.env {
            args.push(format!("{key}={value}").into());
        }
        args.push(format!("{HOOK_MARKER}={marker}").into());
        for a in ["/bin/sh", "-c", INNER, "sh"] {
            args.push(a.into());
        }
        args.extend([out.into(), err.into(), spec.program.clone().into()]);
        args.extend(spec.args.iter().map(OsString::from));
        let child = Command::new("/bin/sh")
            .args(&args)
            .env_clear()
            .envs(self.lxc.env().iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(spec.stdout.stdio()?)
            .stderr(spec.stderr.stdio()?)
            .process_group(0)
            .spawn()?;
        self.hooks.insert(unit.to_string(), (child.id(), marker));
        Ok(child.into())
    }

    fn kill_hook(&mut self, unit: &str, pid: u32) {
        let (Some(container), Some((_, marker))) = (self.units.get(self.machine_of(unit)), self.hooks.get(unit)) else {
            kill_process_group(pid);
            return;
        };
        // The hook's processes end inside; `lxc exec` then ends and its output is copied.
        if interrupt::kill_marked_here(&format!("{HOOK_MARKER}={marker}")) {
            return;
        }
        let killer = self
            .lxc
            .command(&["exec", container.name.as_str(), "--force-noninteractive", "--", "/bin/sh", "-c", KILL_MARKED])
            .arg("sh")
            .arg(marker)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let Ok(mut killer) = killer {
            if wait_bounded(&mut killer, Duration::from_secs(30)).is_none() {
                kill_process_group(pid);
            }
        } else {
            kill_process_group(pid);
        }
    }

    fn hook_ended(&mut self, unit: &str, timed_out: bool) {
        if let Some((pid, _)) = self.hooks.remove(unit) {
            if timed_out {
                kill_process_group(pid);
            }
        }
    }

    fn entry(&self, unit: &str) -> Option<UnitEntry> {
        let container = self.units.get(self.machine_of(unit))?;
        let program = self.lxc.program().to_string_lossy().into_owned();
        let prefix = [program.as_str(), "exec", container.name.as_str(), "--cwd", "/root", "--"];
        Some(UnitEntry::Command { prefix: prefix.map(str::to_string).to_vec() })
    }

    fn host_path(&self, unit: &str, path: &Path) -> PathBuf {
        let absent = self.root.join("lxd/absent");
        let Some(container) = self.units.get(self.machine_of(unit)) else {
            return absent;
        };
        // The container's init, asked for each time: a unit that rebooted has a new one.
        let pid =
            self.lxc.query(&format!("/1.0/instances/{}/state", container.name)).ok().and_then(|s| s["pid"].as_i64());
        match pid {
            Some(pid) if pid > 0 => {
                let base = PathBuf::from(format!("/proc/{pid}/root"));
                let inside = resolve_within(&base, path);
                base.join(inside.strip_prefix("/").unwrap_or(&inside))
            }
            _ => absent,
        }
    }

    fn destroy_unit(&mut self, unit: &str) {
        if let Some(host) = self.guests.remove(unit) {
            // Its charm directory leaves the container; the container stays with its principal.
            if let Some(container) = self.units.get(&host) {
                let device = guest_device(&unit_slug(unit));
                let _ = self.lxc.run(&["config", "device", "remove", container.name.as_str(), device.as_str()]);
            }
            return;
        }
        if let Some(launch) = self.launching.remove(unit) {
            let _ = launch.child.wait_with_output();
            self.delete_later(&launch.name);
        }
        if let Some(container) = self.units.remove(unit) {
            self.delete_later(&container.name);
        }
        self.hooks.remove(unit);
        self.save_state();
    }

    fn cleanup(&mut self) {
        if self.cleaned {
            return;
        }
        interrupt::wait_if_stopping();
        self.cleaned = true;
        let units: Vec<String> = self.launching.keys().chain(self.units.keys()).cloned().collect();
        for unit in units {
            self.destroy_unit(&unit);
        }
        for mut child in std::mem::take(&mut self.deleting) {
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(self.root.join("lxd/state"));
        interrupt::forget(&self.root);
    }
}

impl Drop for LxdBackend {
    fn drop(&mut self) {
        self.cleanup();
    }
}

/// The name of the disk device that holds subordinate `slug`'s charm directory.
fn guest_device(slug: &str) -> String {
    format!("formula-charm-{slug}")
}

/// Where Juju keeps a unit's charm.
fn charm_inside(slug: &str) -> PathBuf {
    PathBuf::from(format!("/var/lib/juju/agents/unit-{slug}/charm"))
}

/// A container's name: `fs-RUN-SLUG`, within LXD's 63 characters (a long slug is cut and
/// told apart by a hash).
fn container_name(run_id: &str, slug: &str) -> String {
    let name = format!("{CONTAINER_PREFIX}{run_id}-{slug}");
    if name.len() <= 63 {
        return name;
    }
    let hash = format!("{:06x}", fnv1a(slug.as_bytes()) as u32 & 0xff_ffff);
    let keep = 63 - CONTAINER_PREFIX.len() - run_id.len() - hash.len() - 2;
    let cut: String = slug.chars().take(keep).collect();
    format!("{CONTAINER_PREFIX}{run_id}-{}-{hash}", cut.trim_end_matches('-'))
}

/// The first global IPv4 address of `interface` in an instance's state.
fn ipv4_of(state: &serde_json::Value, interface: &str) -> Option<String> {
    let addresses = state["network"][interface]["addresses"].as_array()?;
    addresses
        .iter()
        .find(|a| a["family"] == "inet" && a["scope"] == "global")
        .and_then(|a| a["address"].as_str())
        .map(str::to_string)
}

/// Waits for `child` at most `limit`; its exit code, or None when it did not end.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<i32> {
    let until = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status.code().unwrap_or(-1)),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// FNV-1a, 64 bits: a short, stable name from a longer text.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_lxd() {
        assert_eq!(container_name("0123abcd", "wiki-0"), "fs-0123abcd-wiki-0");
        let long = container_name("0123abcd", &format!("{}-12", "a".repeat(70)));
        assert!(long.len() <= 63, "{long}");
        assert_ne!(long, container_name("0123abcd", &format!("{}-13", "a".repeat(70))));
    }

    #[test]
    fn addresses_come_from_the_state() {
        let state = json!({"network": {"eth0": {"addresses": [
            {"family": "inet6", "address": "fe80::1", "scope": "link"},
            {"family": "inet", "address": "10.210.77.5", "scope": "global"}
        ]}}});
        assert_eq!(ipv4_of(&state, "eth0").as_deref(), Some("10.210.77.5"));
        assert_eq!(ipv4_of(&json!({"network": null}), "eth0"), None);
    }
}
