//! The idempotence check (`formula sim --idempotence`): once the model has settled, every unit
//! runs `config-changed` again with nothing changed, and must change nothing.
//!
//! Molecule runs an Ansible role twice and fails on any task that reports "changed". Hooks
//! report nothing, so the check compares what the unit can change, before and after:
//!
//! - relation data it writes (its own bags, and its application's bags when it leads): a key
//!   added, changed or removed is a finding; a `relation-set` of the value already there is
//!   only a note, because Juju treats it as no change (no `relation-changed` follows);
//! - leader settings, the unit's server-side state (`state-set`) and its opened ports;
//! - files: each directory the backend names ([`crate::backend::Backend::changeable_dirs`]:
//!   on `host` the unit's charm directory and `HOME` (the rest of the machine is shared, and
//!   not watched); on `ns` the charm directory and the overlay's upper layer, i.e. every file
//!   the unit changed in its root), compared by content hash, mode and kind.
//!
//! A second `config-changed` that fails is a finding too. Statuses are not compared: a
//! formula may well say the same thing again with a fresh message.

use crate::hook::HookKind;
use crate::model::Life;
use crate::model::Settings;
use crate::sim::{Sim, SimError};
use crate::trace::{Event, Idempotence};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one unit's second `config-changed` changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The unit.
    pub unit: String,
    /// Each change, in plain words (`relation 0 (unit bag): counter "3" → "4"`).
    pub changes: Vec<String>,
    /// Writes that changed nothing (not failures).
    pub notes: Vec<String>,
}

impl Finding {
    /// Whether the unit changed something (the run fails).
    pub fn failed(&self) -> bool {
        !self.changes.is_empty()
    }
}

impl std::fmt::Display for Finding {
    /// `wiki/0: config-changed run again changed: …; …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: config-changed run again with nothing changed: {}", self.unit, self.changes.join("; "))
    }
}

/// Runs `config-changed` once more on every unit that is started, alive and not in error, in
/// name order; returns a finding per unit that changed something or rewrote same values.
pub fn check(sim: &mut Sim) -> Result<Vec<Finding>, SimError> {
    let units: Vec<String> = sim
        .agents
        .iter()
        .filter(|(_, a)| a.started && !a.stopped && !a.removed && a.error.is_none())
        .map(|(name, _)| name.clone())
        .filter(|name| sim.model.units.get(name).is_some_and(|u| u.life == Life::Alive))
        .collect();
    let mut findings = Vec::new();
    for unit in units {
        let dirs = sim.backend().changeable_dirs(&unit);
        let before = UnitState::take(sim, &unit, &dirs);
        let record = sim.run_unit_hook_now(&unit, HookKind::ConfigChanged)?;
        let after = UnitState::take(sim, &unit, &dirs);
        let mut changes = Vec::new();
        if !record.ok {
            changes.push(format!("config-changed {}", record.result));
        }
        changes.extend(before.diff(&after));
        let changed = before.changed_relation_keys(&after);
        let mut rewritten: Vec<&String> = record.keys_written.iter().filter(|k| !changed.contains(*k)).collect();
        rewritten.sort();
        rewritten.dedup();
        let notes: Vec<String> =
            rewritten.iter().map(|key| format!("relation-set of `{key}` to the value it had (no change)")).collect();
        let event = Idempotence { unit: unit.clone(), changes: changes.clone(), notes: notes.clone() };
        sim.trace(Event::Idempotence(event));
        if !changes.is_empty() || !notes.is_empty() {
            findings.push(Finding { unit, changes, notes });
        }
    }
    Ok(findings)
}

/// What a unit can change, at one moment.
struct UnitState {
    /// (relation id, `unit`/`app`) → bag.
    bags: BTreeMap<(i64, &'static str), Settings>,
    leader_settings: Option<Settings>,
    state: Settings,
    ports: Vec<String>,
    /// Path relative to the filesystem root → what is there.
    files: BTreeMap<PathBuf, FileState>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum FileState {
    File { mode: u32, len: u64, hash: u64 },
    Dir { mode: u32 },
    Link(PathBuf),
    Other,
}

impl UnitState {
    fn take(sim: &Sim, unit: &str, dirs: &[(PathBuf, String)]) -> UnitState {
        let app = crate::model::unit_app(unit);
        let leads = sim.model.apps.get(app).is_some_and(|a| a.leader.as_deref() == Some(unit));
        let mut bags = BTreeMap::new();
        for (id, relation) in &sim.model.relations {
            if let Some(bag) = relation.unit_bags.get(unit) {
                bags.insert((*id, "unit"), bag.data.clone());
            }
            if leads {
                if let Some(bag) = relation.app_bags.get(app) {
                    bags.insert((*id, "app"), bag.data.clone());
                }
            }
        }
        let u = sim.model.units.get(unit);
        let mut files = BTreeMap::new();
        for (dir, shown) in dirs {
            walk(dir, Path::new(shown), dir, &mut files);
        }
        UnitState {
            bags,
            leader_settings: leads.then(|| sim.model.apps.get(app).map(|a| a.leader_settings.clone())).flatten(),
            state: u.map(|u| u.state.clone()).unwrap_or_default(),
            ports: u.map(|u| u.ports.iter().map(|p| p.range.to_string()).collect()).unwrap_or_default(),
            files,
        }
    }

    /// Relation keys whose value differs in some bag.
    fn changed_relation_keys(&self, after: &UnitState) -> std::collections::BTreeSet<String> {
        let empty = Settings::new();
        let mut out = std::collections::BTreeSet::new();
        for key in self.bags.keys().chain(after.bags.keys()) {
            let (a, b) = (self.bags.get(key).unwrap_or(&empty), after.bags.get(key).unwrap_or(&empty));
            out.extend(a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).cloned());
        }
        out
    }

    fn diff(&self, after: &UnitState) -> Vec<String> {
        let mut out = Vec::new();
        let mut keys: Vec<&(i64, &str)> = self.bags.keys().chain(after.bags.keys()).collect();
        keys.sort();
        keys.dedup();
        let empty = Settings::new();
        for key in keys {
            let (a, b) = (self.bags.get(key).unwrap_or(&empty), after.bags.get(key).unwrap_or(&empty));
            let place = format!("relation {} ({} bag)", key.0, key.1);
            out.extend(settings_diff(&place, a, b));
        }
        if let (Some(a), Some(b)) = (&self.leader_settings, &after.leader_settings) {
            out.extend(settings_diff("leader settings", a, b));
        }
        out.extend(settings_diff("state", &self.state, &after.state));
        if self.ports != after.ports {
            out.push(format!("opened ports [{}] → [{}]", self.ports.join(", "), after.ports.join(", ")));
        }
        let mut paths: Vec<&PathBuf> = self.files.keys().chain(after.files.keys()).collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            let shown = path.display();
            match (self.files.get(path), after.files.get(path)) {
                (None, Some(_)) => out.push(format!("file {shown} created")),
                (Some(_), None) => out.push(format!("file {shown} removed")),
                (
                    Some(FileState::File { mode: m1, len: l1, hash: h1 }),
                    Some(FileState::File { mode: m2, len: l2, hash: h2 }),
                ) => {
                    if (l1, h1) != (l2, h2) {
                        out.push(format!("file {shown} changed ({l1} → {l2} bytes)"));
                    }
                    if m1 != m2 {
                        out.push(format!("file {shown} mode {m1:o} → {m2:o}"));
                    }
                }
                (Some(a), Some(b)) if a != b => out.push(format!("file {shown} changed ({a:?} → {b:?})")),
                _ => {}
            }
        }
        out
    }
}

/// `place: key "old" → "new"` for each key that differs.
fn settings_diff(place: &str, before: &Settings, after: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        match (before.get(key), after.get(key)) {
            (Some(a), Some(b)) if a != b => out.push(format!("{place}: {key} {a:?} → {b:?}")),
            (None, Some(b)) => out.push(format!("{place}: {key} set to {b:?}")),
            (Some(_), None) => out.push(format!("{place}: {key} removed")),
            _ => {}
        }
    }
    out
}

/// Records every entry under `dir`, by its path relative to `base` under the name `shown`,
/// in name order.
fn walk(base: &Path, shown: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, FileState>) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let relative = shown.join(path.strip_prefix(base).unwrap_or(&path));
        let mode = meta.permissions().mode() & 0o7777;
        let state = if meta.file_type().is_symlink() {
            FileState::Link(std::fs::read_link(&path).unwrap_or_default())
        } else if meta.is_dir() {
            walk(base, shown, &path, out);
            FileState::Dir { mode }
        } else if meta.is_file() {
            FileState::File { mode, len: meta.len(), hash: hash_file(&path) }
        } else {
            FileState::Other
        };
        out.insert(relative, state);
    }
}

/// FNV-1a over the file's bytes: enough to see a change, and the same on every run.
fn hash_file(path: &Path) -> u64 {
    use std::io::Read;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut buf = [0u8; 64 * 1024];
    while let Ok(n) = file.read(&mut buf) {
        if n == 0 {
            break;
        }
        for b in &buf[..n] {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
