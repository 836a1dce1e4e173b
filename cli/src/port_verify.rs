//! `formula port-puppet --verify`: the class applied by Puppet itself and the ported formula,
//! each in a unit of its own, and the files they leave compared.
//!
//! One scenario deploys two applications in the ns backend (every unit a root of its own,
//! an overlay on this machine's `/`, so Debian's `puppet` is there): `port`, the formula just
//! written, and `apply`, a formula written here whose install hook runs `puppet apply` of the
//! class, with packages, services and execs in no-op (`Package <| |> { noop => true }`, …)
//! since neither unit may install or start anything (the parent directories of the files the
//! class manages, which its packages would make, are made first); the port's hooks get
//! `apt-get`, `service` and `systemctl` stubbed. A control repository's module path and hiera data are
//! Puppet's too (its hierarchy with the role as the fact `role`); a class that is not there
//! gets a stand-in module whose variables hold the values the port's options are given. The
//! run's directory is kept; each unit's changes are its overlay's upper layer. For every file
//! the formula manages (and every file of a directory tree it copies), existence, content,
//! mode and owner are compared.

use anyhow::{bail, Context, Result};
use formula_puppet::port::{self, Ported};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Where Debian's `puppet-module-*` packages install the modules a module may depend on.
const DEBIAN_MODULES: &str = "/usr/share/puppet/modules";

/// Where the apply unit keeps Puppet's output.
const PUPPET_LOG: &str = "/var/log/port-puppet-verify.log";

/// The outcome: files compared and the differences.
pub struct Verdict {
    /// Files compared.
    pub compared: usize,
    /// `path: what differs`.
    pub differences: Vec<String>,
    /// Puppet's errors (`Error: …` lines of its run).
    pub puppet_errors: Vec<String>,
    /// Why the port's unit failed, when it did.
    pub port_failure: Option<String>,
}

/// Applies the class with Puppet and deploys the formula at `formula_dir`, both in units of
/// their own, and compares the files.
pub fn verify(source: &Path, ported: &Ported, formula_dir: &Path) -> Result<Verdict> {
    let work = tempfile::Builder::new().prefix("port-puppet-verify-").tempdir().context("temporary directory")?;
    let work_path = work.path().canonicalize()?;
    let source = source.canonicalize().with_context(|| format!("{}", source.display()))?;
    let formula_dir = formula_dir.canonicalize()?;

    // The apply formula carries what Puppet reads (units have a /tmp of their own): the
    // module or the repository (links followed), hiera's configuration and data, stand-ins.
    let apply = work_path.join("apply");
    std::fs::create_dir_all(apply.join("hooks"))?;
    let copy = |from: &Path, to: &Path| -> Result<()> {
        let status = std::process::Command::new("cp").arg("-RL").arg(from).arg(to).status().context("run cp")?;
        if !status.success() {
            bail!("cannot copy {} for Puppet", from.display());
        }
        Ok(())
    };
    let mut modulepath: Vec<String> = Vec::new();
    let mut hiera_config = None;
    let mut facts = Vec::new();
    if port::is_control_repo(&source) {
        copy(&source, &apply.join("repo"))?;
        for entry in port::module_path(&source) {
            if source.join(&entry).is_dir() {
                modulepath.push(format!("$CHARM_DIR/repo/{entry}"));
            }
        }
        let role = ported.class.strip_prefix("role::").map(|r| r.replace("::", "/"));
        if let Some(role) = &role {
            facts.push(("FACTER_role", role.clone()));
            facts.push(("FACTER__role", role.clone()));
        }
        if source.join("hiera.yaml").is_file() {
            hiera_config = Some("$CHARM_DIR/repo/hiera.yaml".to_string());
        } else if source.join("hieradata").is_dir() {
            let mut levels = String::new();
            if let Some(role) = &role {
                let _ = writeln!(levels, "  - {{name: role, path: \"role/common/{role}.yaml\"}}");
            }
            levels.push_str("  - {name: common, path: common.yaml}\n");
            let text = format!(
                "version: 5\ndefaults: {{datadir: repo/hieradata, data_hash: yaml_data}}\nhierarchy:\n{levels}"
            );
            std::fs::write(apply.join("hiera.yaml"), text)?;
            hiera_config = Some("$CHARM_DIR/hiera.yaml".to_string());
        }
    } else {
        let module = port::load_module(&source)?;
        std::fs::create_dir_all(apply.join("modules"))?;
        copy(&source, &apply.join("modules").join(&module.name))?;
        // Its dependencies (metadata.json), from Debian's modules when there.
        let meta = std::fs::read_to_string(source.join("metadata.json")).unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
        // stdlib, and the types Puppet 6 moved out of its core (`augeas_core`, `mount_core`, …).
        let mut wanted: BTreeSet<String> = BTreeSet::from(["stdlib".to_string()]);
        if let Ok(entries) = std::fs::read_dir(DEBIAN_MODULES) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with("_core") {
                    wanted.insert(name);
                }
            }
        }
        for d in meta["dependencies"].as_array().into_iter().flatten() {
            if let Some(name) = d["name"].as_str() {
                wanted.insert(name.rsplit(['-', '/']).next().unwrap_or(name).to_string());
            }
        }
        for name in wanted.iter().filter(|n| **n != module.name) {
            let from = Path::new(DEBIAN_MODULES).join(name);
            if from.join("manifests").is_dir() || from.join("lib").is_dir() {
                copy(&from, &apply.join("modules").join(name))?;
            }
        }
        modulepath.push("$CHARM_DIR/modules".to_string());
    }
    // Stand-ins for what is not there: classes (their variables hold what the port's options
    // are given) and defined types (taking the attributes their instances are given).
    let mut settings = String::new();
    let mut classes: std::collections::BTreeMap<String, Vec<(String, String)>> =
        ported.absent_classes.iter().map(|c| (c.clone(), Vec::new())).collect();
    for (var, option) in &ported.absent {
        if let Some((class, name)) = var.rsplit_once("::") {
            classes.entry(class.to_string()).or_default().push((name.to_string(), format!("verify-{option}")));
        }
        let _ = write!(settings, "{option}: verify-{option}, ");
    }
    let mut stand_ins: Vec<(String, String)> = Vec::new();
    for (class, vars) in classes {
        let mut body = format!("class {class} {{\n");
        for (name, value) in vars {
            let _ = writeln!(body, "  ${name} = '{value}'");
        }
        body.push_str("}\n");
        stand_ins.push((class, body));
    }
    for (define, attrs) in &ported.absent_defines {
        let params: Vec<String> = attrs.iter().map(|a| format!("${a} = undef")).collect();
        stand_ins.push((define.clone(), format!("define {define}({}) {{\n}}\n", params.join(", "))));
    }
    if !stand_ins.is_empty() {
        let dir = apply.join("stand-ins");
        for (name, body) in stand_ins {
            let mut parts = name.split("::");
            let module = parts.next().unwrap_or_default();
            let rest: Vec<&str> = parts.collect();
            let file = if rest.is_empty() { "init.pp".to_string() } else { format!("{}.pp", rest.join("/")) };
            let path = dir.join(module).join("manifests").join(file);
            std::fs::create_dir_all(path.parent().unwrap_or(&dir))?;
            std::fs::write(path, body)?;
        }
        modulepath.push("$CHARM_DIR/stand-ins".to_string());
    }

    // The formula that applies the class.
    std::fs::write(
        apply.join("metadata.yaml"),
        "name: apply\nsummary: puppet apply of the class the port read\nmaintainer: Formula Kit <formula@example.org>\ndescription: Applies the class with Puppet, for `formula port-puppet --verify`.\n",
    )?;
    std::fs::write(
        apply.join("manifest.pp"),
        format!(
            "include {}\nPackage <| |> {{ noop => true }}\nService <| |> {{ noop => true }}\nExec <| |> {{ noop => true }}\n",
            ported.class
        ),
    )?;
    let mut command =
        format!("puppet apply --color=false --detailed-exitcodes --modulepath \"{}\"", modulepath.join(":"));
    if let Some(h) = &hiera_config {
        let _ = write!(command, " --hiera_config \"{h}\"");
    }
    let exports: String = facts.iter().map(|(k, v)| format!("export {k}='{v}'\n")).collect();
    // The packages are not installed: the directories they would have made (the parents of
    // the files the class manages) are made first, as the port's hooks make them.
    let parents: BTreeSet<String> = ported
        .managed
        .iter()
        .filter_map(|(p, _)| Path::new(p).parent().map(|d| d.display().to_string()))
        .filter(|d| d != "/")
        .collect();
    let mkdirs: String = parents.iter().map(|d| format!("mkdir -p '{}'\n", d.replace('\'', ""))).collect();
    // Puppet's failures (a resource it cannot apply) are reported, not fatal: its log stays
    // in the unit's upper layer.
    let install = format!(
        "#!/bin/bash\n# Applies the class with Puppet; its output goes to {PUPPET_LOG}.\nset -u\n{exports}{mkdirs}{command} \"$CHARM_DIR/manifest.pp\" > {PUPPET_LOG} 2>&1 || true\n"
    );
    std::fs::write(apply.join("hooks/install"), install)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(apply.join("hooks/install"), std::fs::Permissions::from_mode(0o755))?;

    let config =
        if settings.is_empty() { String::new() } else { format!(", config: {{{}}}", settings.trim_end_matches(", ")) };
    let scenario = work_path.join("verify.yaml");
    std::fs::write(
        &scenario,
        format!(
            "formulas: {{port: \"{}\", apply: \"{}\"}}\napplications:\n  port: {{formula: port, units: 1{config}}}\n  apply: {{formula: apply, units: 1}}\nstubs:\n  port: {{apt-get: \"exit 0\", service: \"exit 0\", systemctl: \"exit 0\"}}\nsteps:\n  - settle\n",
            formula_dir.display(),
            apply.display()
        ),
    )?;
    let exe = std::env::current_exe().context("this executable")?;
    let output = std::process::Command::new(exe)
        .arg("sim")
        .arg(&scenario)
        .args(["--backend", "ns", "--rootfs", "/", "--keep", "always"])
        .output()
        .context("run formula sim")?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let run_dir = stderr
        .lines()
        .find_map(|l| l.strip_prefix("kept the run's directory: "))
        .and_then(|l| l.split(" (").next())
        .map(PathBuf::from);
    let Some(run_dir) = run_dir else { bail!("formula sim kept no run directory:\n{stderr}") };
    let verdict = compare(&run_dir, ported);
    let log = std::fs::read_to_string(run_dir.join("ns/apply-0/upper").join(PUPPET_LOG.trim_start_matches('/')));
    let _ = std::fs::remove_dir_all(&run_dir);
    let mut verdict = verdict?;
    // Errors of custom facts of the modules on the path (Facter's) are not the class's.
    verdict.puppet_errors = log
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("Error:") && !l.starts_with("Error: Facter:"))
        .map(str::to_string)
        .collect();
    if !output.status.success() {
        // The port's hooks failed: what its unit printed last says why.
        let out = String::from_utf8_lossy(&output.stdout);
        let lines: Vec<&str> =
            out.lines().filter(|l| l.contains("port/0") || l.trim_start().starts_with('|')).collect();
        let tail = lines[lines.len().saturating_sub(12)..].join("\n");
        verdict.port_failure = Some(format!("{tail}\n{}", stderr.lines().next().unwrap_or("")));
    }
    Ok(verdict)
}

/// What a unit left at `path`: from its upper layer, else (unchanged) this machine's.
#[derive(Debug, PartialEq)]
enum State {
    Absent,
    Dir { mode: u32, uid: u32, gid: u32 },
    File { content: Vec<u8>, mode: u32, uid: u32, gid: u32 },
    Other,
}

fn state(upper: &Path, path: &str) -> State {
    let rel = path.trim_start_matches('/');
    let in_upper = upper.join(rel);
    let meta = match std::fs::symlink_metadata(&in_upper) {
        // A whiteout (a character device 0/0) marks a file the unit removed.
        Ok(m) if m.file_type().is_char_device() => return State::Absent,
        Ok(m) => Some((in_upper, m)),
        Err(_) => None,
    };
    let (at, meta) = match meta {
        Some(x) => x,
        None => match std::fs::symlink_metadata(path) {
            Ok(m) => (PathBuf::from(path), m),
            Err(_) => return State::Absent,
        },
    };
    let (mode, uid, gid) = (meta.mode() & 0o7777, meta.uid(), meta.gid());
    if meta.is_dir() {
        State::Dir { mode, uid, gid }
    } else if meta.is_file() {
        State::File { content: std::fs::read(at).unwrap_or_default(), mode, uid, gid }
    } else {
        State::Other
    }
}

/// Files under `path` in either unit's upper layer (a tree the formula copies whole).
fn tree_files(uppers: &[PathBuf], path: &str, out: &mut BTreeSet<String>) {
    fn walk(dir: &Path, shown: &str, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let p = format!("{shown}/{name}");
            if e.path().is_dir() {
                walk(&e.path(), &p, out);
            }
            out.insert(p);
        }
    }
    for u in uppers {
        walk(&u.join(path.trim_start_matches('/')), path.trim_end_matches('/'), out);
    }
}

fn compare(run_dir: &Path, ported: &Ported) -> Result<Verdict> {
    let port_upper = run_dir.join("ns/port-0/upper");
    let apply_upper = run_dir.join("ns/apply-0/upper");
    if !port_upper.is_dir() || !apply_upper.is_dir() {
        bail!("the units' upper layers are not in {}", run_dir.display());
    }
    let mut paths = BTreeSet::new();
    for (path, tree) in &ported.managed {
        paths.insert(path.trim_end_matches('/').to_string());
        if *tree {
            tree_files(&[port_upper.clone(), apply_upper.clone()], path, &mut paths);
        }
    }
    let mut differences = Vec::new();
    for path in &paths {
        let (ours, puppets) = (state(&port_upper, path), state(&apply_upper, path));
        if ours == puppets {
            continue;
        }
        let what = match (&ours, &puppets) {
            (State::Absent, _) => "the port does not write it".to_string(),
            (_, State::Absent) => "Puppet does not write it".to_string(),
            (
                State::File { content: a, mode: ma, uid: ua, gid: ga },
                State::File { content: b, mode: mb, uid: ub, gid: gb },
            ) => {
                let mut parts = Vec::new();
                if a != b {
                    parts.push(first_difference(a, b));
                }
                if ma != mb {
                    parts.push(format!("mode {ma:o} (Puppet: {mb:o})"));
                }
                if (ua, ga) != (ub, gb) {
                    parts.push(format!("owner {ua}:{ga} (Puppet: {ub}:{gb})"));
                }
                parts.join("; ")
            }
            (State::Dir { mode: ma, uid: ua, gid: ga }, State::Dir { mode: mb, uid: ub, gid: gb }) => {
                format!("directory mode {ma:o}, owner {ua}:{ga} (Puppet: {mb:o}, {ub}:{gb})")
            }
            _ => "a different kind of file".to_string(),
        };
        differences.push(format!("{path}: {what}"));
    }
    Ok(Verdict { compared: paths.len(), differences, puppet_errors: Vec::new(), port_failure: None })
}

/// Where two contents part: the first line that differs.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    for i in 0..la.len().max(lb.len()) {
        let (x, y) = (la.get(i).copied().unwrap_or("(end)"), lb.get(i).copied().unwrap_or("(end)"));
        if x != y {
            return format!("content differs at line {}: `{x}` (Puppet: `{y}`)", i + 1);
        }
    }
    "content differs (line ends)".to_string()
}
