//! What a host-backend run that was not isolated left on this machine, and `formula sim
//! --clean` removing it.
//!
//! Such a run (`formula sim --no-isolate`, or a machine that allows no namespaces) has its
//! hooks write where their formulas say: `/etc`, `/usr/local`, `/var/lib`, … A [`Snapshot`]
//! of those trees (each path's type, size and modification time) is taken before the units are
//! made and again after the run, once its daemons are stopped; [`Leftovers::between`] the two
//! is what the run created, changed and removed there. The run prints it and [`Leftovers::record`]s
//! it; [`clean_leftovers`] later removes what the run created, and only that: a path that
//! existed before the run is never touched (a changed file is said to be changed, and is not
//! restored), and a path that changed again since the run is left alone.
//!
//! The snapshots see the whole machine, so what other processes wrote there while the run went
//! on is listed too; that is why cleaning checks each path against what was recorded.

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The trees a snapshot covers: where formulas install, configure, keep data, log and pid
/// files (sorted, so that a snapshot walks paths in their order).
pub const WATCHED: [&str; 8] = ["/etc", "/opt", "/run", "/srv", "/usr/local", "/var/backups", "/var/lib", "/var/log"];

/// The most entries a snapshot records; past it, it stops and says where.
pub const MAX_ENTRIES: usize = 200_000;

/// What kind of file a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link.
    Link,
    /// A socket, fifo or device.
    Other,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Dir => "dir",
            FileKind::File => "file",
            FileKind::Link => "link",
            FileKind::Other => "other",
        }
    }

    fn parse(name: &str) -> Option<FileKind> {
        [FileKind::Dir, FileKind::File, FileKind::Link, FileKind::Other].into_iter().find(|k| k.name() == name)
    }
}

/// One path as a snapshot saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its type.
    pub kind: FileKind,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time: seconds and nanoseconds.
    pub mtime: (i64, i64),
}

impl Entry {
    fn of(meta: &std::fs::Metadata) -> Entry {
        let kind = if meta.is_dir() {
            FileKind::Dir
        } else if meta.is_file() {
            FileKind::File
        } else if meta.file_type().is_symlink() {
            FileKind::Link
        } else {
            FileKind::Other
        };
        Entry { kind, size: meta.len(), mtime: (meta.mtime(), meta.mtime_nsec()) }
    }

    /// Whether `self` and `other` differ as the run would have changed them: a directory only
    /// by its type (its time changes with every entry made in it, and those are listed).
    fn differs(&self, other: &Entry) -> bool {
        if self.kind == FileKind::Dir || other.kind == FileKind::Dir {
            self.kind != other.kind
        } else {
            self != other
        }
    }
}

/// The watched trees of this machine at one moment.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    entries: BTreeMap<PathBuf, Entry>,
    /// The last path recorded when the snapshot stopped at [`MAX_ENTRIES`].
    stopped_at: Option<PathBuf>,
}

impl Snapshot {
    /// The [`WATCHED`] trees as they are now, leaving out what is under `skip` (the run's own
    /// directory) and whatever is mounted below them (`/run/user/…`, `/var/lib/lxd/…`).
    pub fn take(skip: &[&Path]) -> Snapshot {
        let roots: Vec<PathBuf> = WATCHED.iter().map(PathBuf::from).collect();
        Snapshot::of(&roots, skip, MAX_ENTRIES)
    }

    /// `roots` (sorted) as they are now, at most `limit` entries.
    pub fn of(roots: &[PathBuf], skip: &[&Path], limit: usize) -> Snapshot {
        let mut skip: Vec<PathBuf> = skip.iter().map(|p| p.to_path_buf()).collect();
        skip.push(records_dir());
        let mut snapshot = Snapshot::default();
        for root in roots {
            let Ok(meta) = root.symlink_metadata() else { continue };
            if !meta.is_dir() {
                continue;
            }
            if !snapshot.walk(root, meta.dev(), &skip, limit) {
                break;
            }
        }
        snapshot
    }

    /// Records what is below `dir` on device `dev`, in path order; false once `limit` is met.
    fn walk(&mut self, dir: &Path, dev: u64, skip: &[PathBuf], limit: usize) -> bool {
        let Ok(read) = std::fs::read_dir(dir) else { return true };
        let mut names: Vec<_> = read.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let path = dir.join(name);
            if skip.iter().any(|s| path.starts_with(s)) {
                continue;
            }
            let Ok(meta) = path.symlink_metadata() else { continue };
            // Another file system (a mount point): /proc-like trees, containers' storage.
            if meta.dev() != dev {
                continue;
            }
            if self.entries.len() >= limit {
                self.stopped_at = self.entries.keys().next_back().cloned();
                return false;
            }
            self.entries.insert(path.clone(), Entry::of(&meta));
            if meta.is_dir() && !self.walk(&path, dev, skip, limit) {
                return false;
            }
        }
        true
    }

    /// How many paths it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `path` is in the part of the trees the snapshot covers.
    fn covers(&self, path: &Path) -> bool {
        self.stopped_at.as_deref().is_none_or(|last| path <= last)
    }
}

/// What changed on this machine between two snapshots.
#[derive(Clone, Debug, Default)]
pub struct Leftovers {
    /// Paths that did not exist before, in path order (a directory before what is in it).
    pub created: Vec<(PathBuf, Entry)>,
    /// Paths that existed before and are not what they were (files and links; a directory
    /// that became something else).
    pub changed: Vec<PathBuf>,
    /// Paths that existed before and are gone.
    pub removed: Vec<PathBuf>,
    /// Where the comparison stopped, when a snapshot met [`MAX_ENTRIES`]: what comes after this
    /// path is not compared.
    pub stopped_at: Option<PathBuf>,
}

impl Leftovers {
    /// What changed from `before` to `after`, within what both cover.
    pub fn between(before: &Snapshot, after: &Snapshot) -> Leftovers {
        let stopped_at = match (&before.stopped_at, &after.stopped_at) {
            (Some(a), Some(b)) => Some(a.min(b).clone()),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let covered = |path: &Path| before.covers(path) && after.covers(path);
        let mut out = Leftovers { stopped_at, ..Leftovers::default() };
        for (path, entry) in &after.entries {
            match before.entries.get(path) {
                None if covered(path) => out.created.push((path.clone(), *entry)),
                Some(old) if old.differs(entry) => out.changed.push(path.clone()),
                _ => {}
            }
        }
        out.removed =
            before.entries.keys().filter(|p| !after.entries.contains_key(*p) && covered(p)).cloned().collect();
        out
    }

    /// Whether the run left nothing.
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// The created paths that are not below another created path (`/etc/wiki`, not each file
    /// in it), each with how many created paths are below it.
    pub fn created_tops(&self) -> Vec<(&Path, usize)> {
        let mut tops: Vec<(&Path, usize)> = Vec::new();
        for (path, _) in &self.created {
            match tops.last_mut() {
                Some((top, below)) if path.starts_with(&**top) => *below += 1,
                _ => tops.push((path, 0)),
            }
        }
        tops
    }

    /// What to tell the user, one line each: what was created (by top directory), changed and
    /// removed, and where the comparison stopped.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (top, below) in self.created_tops() {
            let more = match below {
                0 => String::new(),
                1 => " (and 1 path in it)".to_string(),
                n => format!(" (and {n} paths in it)"),
            };
            lines.push(format!("created {}{more}", top.display()));
        }
        for path in &self.changed {
            lines.push(format!("changed {} (not restored by --clean)", path.display()));
        }
        for path in &self.removed {
            lines.push(format!("removed {} (not restored by --clean)", path.display()));
        }
        if let Some(last) = &self.stopped_at {
            lines.push(format!(
                "stopped looking after {MAX_ENTRIES} paths, at {}: what the run wrote past it is not listed",
                last.display()
            ));
        }
        lines
    }

    /// What the run in `run_dir` left, as [`Leftovers::record`] writes it (paths that are not
    /// UTF-8 are left out).
    pub fn to_json(&self, run_dir: &Path) -> serde_json::Value {
        let created: Vec<serde_json::Value> = self
            .created
            .iter()
            .filter_map(|(path, e)| {
                Some(serde_json::json!({
                    "path": path.to_str()?,
                    "kind": e.kind.name(),
                    "size": e.size,
                    "mtime": [e.mtime.0, e.mtime.1],
                }))
            })
            .collect();
        let names = |paths: &[PathBuf]| -> Vec<String> {
            paths.iter().filter_map(|p| p.to_str().map(str::to_string)).collect()
        };
        serde_json::json!({
            "run": run_dir.to_string_lossy(),
            "created": created,
            "changed": names(&self.changed),
            "removed": names(&self.removed),
        })
    }

    /// Writes what the run in `run_dir` left into [`records_dir`], for `formula sim --clean`;
    /// the file written.
    pub fn record(&self, run_dir: &Path) -> io::Result<PathBuf> {
        let dir = records_dir();
        std::fs::create_dir_all(&dir)?;
        let name = run_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into());
        let file = dir.join(format!("{name}-{}.json", std::process::id()));
        // Written whole, then renamed: `--clean` never reads half a record.
        let partial = file.with_extension("json.partial");
        std::fs::write(&partial, serde_json::to_vec_pretty(&self.to_json(run_dir)).map_err(io::Error::other)?)?;
        std::fs::rename(&partial, &file)?;
        Ok(file)
    }
}

/// Where records of what host runs left are kept: they must outlive a reboot (the paths they
/// name do), so not in the temporary directory. As root `/var/lib/formula-kit/host-leftovers`,
/// else under `$XDG_STATE_HOME` (`~/.local/state`).
pub fn records_dir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/var/lib/formula-kit/host-leftovers");
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    state.join("formula-kit/host-leftovers")
}

/// Removes what the recorded host runs created and is still as they left it, deepest first;
/// paths that changed since, directories that hold something else, and every path that
/// existed before a run are left. Each record is removed once read. One line per thing done.
pub fn clean_leftovers() -> Vec<String> {
    let dir = records_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    files.sort();
    let mut done = Vec::new();
    for file in files {
        match std::fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string()))
        {
            Ok(record) => done.extend(clean_record(&record)),
            Err(e) => {
                done.push(format!("cannot read {}: {e}", file.display()));
                continue;
            }
        }
        if let Err(e) = std::fs::remove_file(&file) {
            done.push(format!("cannot remove {}: {e}", file.display()));
        }
    }
    done
}

/// Cleans after one recorded run.
fn clean_record(record: &serde_json::Value) -> Vec<String> {
    let run = record["run"].as_str().unwrap_or("a host run");
    let mut created: Vec<(PathBuf, Entry)> = record["created"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| {
            let mtime = c["mtime"].as_array()?;
            let entry = Entry {
                kind: FileKind::parse(c["kind"].as_str()?)?,
                size: c["size"].as_u64()?,
                mtime: (mtime.first()?.as_i64()?, mtime.get(1)?.as_i64()?),
            };
            Some((PathBuf::from(c["path"].as_str()?), entry))
        })
        .collect();
    // A path sorts before what is below it: reversed, what is in a directory goes first.
    created.sort_by(|a, b| b.0.cmp(&a.0));
    let mut done = Vec::new();
    let mut removed: Vec<PathBuf> = Vec::new();
    for (path, entry) in &created {
        let Ok(meta) = path.symlink_metadata() else { continue };
        let now = Entry::of(&meta);
        if entry.differs(&now) {
            done.push(format!("left {}: it changed after the run {run} made it", path.display()));
            continue;
        }
        let gone = if now.kind == FileKind::Dir { std::fs::remove_dir(path) } else { std::fs::remove_file(path) };
        match gone {
            Ok(()) => removed.push(path.clone()),
            Err(e) if e.raw_os_error() == Some(nix::libc::ENOTEMPTY) => {
                done.push(format!("left {}: it holds what the run {run} did not make", path.display()))
            }
            Err(e) => done.push(format!("cannot remove {}: {e}", path.display())),
        }
    }
    // One line per removed tree, not per file in it.
    removed.sort();
    let mut top: Option<&Path> = None;
    for path in &removed {
        if top.is_some_and(|t| path.starts_with(t)) {
            continue;
        }
        top = Some(path);
        done.push(format!("removed {} (left by the host run {run})", path.display()));
    }
    for key in ["changed", "removed"] {
        for path in record[key].as_array().map(Vec::as_slice).unwrap_or_default().iter().filter_map(|p| p.as_str()) {
            done.push(format!("not restored: {path} ({key} by the host run {run})"));
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(root: &Path) -> Snapshot {
        Snapshot::of(&[root.to_path_buf()], &[], MAX_ENTRIES)
    }

    #[test]
    fn what_a_run_creates_is_listed_by_tree_and_cleaned_and_what_it_changed_is_not() {
        let machine = tempfile::tempdir().unwrap();
        let root = machine.path();
        std::fs::write(root.join("kept.conf"), "before").unwrap();
        std::fs::create_dir(root.join("old")).unwrap();
        std::fs::write(root.join("gone"), "x").unwrap();
        let before = snapshot(root);
        std::fs::create_dir_all(root.join("new/deep")).unwrap();
        std::fs::write(root.join("new/deep/file"), "x").unwrap();
        std::fs::write(root.join("old/added"), "x").unwrap();
        std::fs::write(root.join("kept.conf"), "after, longer").unwrap();
        std::fs::remove_file(root.join("gone")).unwrap();
        let after = snapshot(root);
        let left = Leftovers::between(&before, &after);
        let tops: Vec<(PathBuf, usize)> = left.created_tops().into_iter().map(|(p, n)| (p.to_path_buf(), n)).collect();
        assert_eq!(tops, vec![(root.join("new"), 2), (root.join("old/added"), 0)]);
        assert_eq!(left.changed, vec![root.join("kept.conf")]);
        assert_eq!(left.removed, vec![root.join("gone")]);
        let lines = left.describe();
        assert!(lines.contains(&format!("created {} (and 2 paths in it)", root.join("new").display())), "{lines:?}");

        // A file of the run that something changed since stays, and so does its directory.
        std::fs::write(root.join("old/added"), "changed since").unwrap();
        let done = clean_record(&left.to_json(Path::new("/tmp/formula-sim-x")));
        assert!(!root.join("new").exists(), "{done:?}");
        assert!(root.join("old/added").exists() && root.join("kept.conf").exists(), "{done:?}");
        assert!(done.iter().any(|l| l.starts_with(&format!("removed {} ", root.join("new").display()))), "{done:?}");
        assert!(done.iter().any(|l| l.starts_with(&format!("left {}: it changed", root.join("old/added").display()))));
        assert!(done.iter().any(|l| l.starts_with(&format!("not restored: {}", root.join("kept.conf").display()))));
    }

    #[test]
    fn a_snapshot_stops_at_its_bound_and_the_comparison_with_it() {
        let machine = tempfile::tempdir().unwrap();
        let root = machine.path();
        for name in ["a", "b", "c", "d"] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let before = Snapshot::of(&[root.to_path_buf()], &[], 2);
        assert_eq!(before.len(), 2);
        std::fs::write(root.join("e"), "x").unwrap();
        let after = Snapshot::of(&[root.to_path_buf()], &[], 2);
        let left = Leftovers::between(&before, &after);
        assert!(left.is_empty(), "{left:?}");
        assert_eq!(left.stopped_at, Some(root.join("b")));
    }
}
