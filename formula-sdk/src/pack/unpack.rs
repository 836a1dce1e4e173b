//! Extracting a charm archive, safely: everything is checked before anything is written.
//!
//! Refused: paths that are absolute or climb with `..`, entries under a symlink of the
//! archive, symlinks that lead out of the formula (or through another symlink), devices,
//! fifos and sockets, duplicate names, more than [`Limits::max_entries`] entries, and more
//! than [`Limits::max_total_bytes`] uncompressed, counted both as declared and as actually
//! inflated. The archive is extracted into a temporary directory beside the destination and
//! renamed into place only when all of it was written, so a bad archive leaves nothing.

use super::stays_inside;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// File-type bits of a unix mode, as zip's external attributes carry them.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;
/// The longest symlink target read.
const MAX_LINK_TARGET: u64 = 4096;

/// How much an archive may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most entries.
    pub max_entries: usize,
    /// The most bytes, uncompressed, all files together.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    /// 20,000 entries and 1 GiB: far above any formula, far below a full disk.
    fn default() -> Limits {
        Limits { max_entries: 20_000, max_total_bytes: 1 << 30 }
    }
}

/// Why an archive was not extracted.
#[derive(Debug)]
pub enum UnpackError {
    /// The archive could not be read as a zip file.
    NotAnArchive(String),
    /// The destination already exists.
    DestinationExists(PathBuf),
    /// An entry's name is unsafe.
    UnsafePath {
        /// The name as written in the archive.
        name: String,
        /// Why.
        why: &'static str,
    },
    /// A symlink that leads out of the destination.
    SymlinkLeaves {
        /// The link.
        name: String,
        /// Its target.
        target: String,
    },
    /// A device, fifo or socket.
    SpecialFile {
        /// The entry.
        name: String,
        /// Its mode.
        mode: u32,
    },
    /// The same name twice: the name, or the counts that show it.
    Duplicate(String),
    /// Too many entries.
    TooManyEntries {
        /// How many the archive has.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many bytes once inflated.
    TooLarge {
        /// The limit.
        limit: u64,
        /// The entry at which the limit was passed.
        name: String,
    },
    /// An entry inflates to more than its header says.
    SizeMismatch(String),
    /// Writing failed.
    Io {
        /// What was being written.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnpackError::NotAnArchive(m) => write!(f, "not a readable zip archive: {m}"),
            UnpackError::DestinationExists(p) => {
                write!(f, "{} already exists; unpack into a new directory", p.display())
            }
            UnpackError::UnsafePath { name, why } => write!(f, "entry `{name}`: {why}"),
            UnpackError::SymlinkLeaves { name, target } => {
                write!(f, "entry `{name}`: symlink to `{target}` leads out of the formula")
            }
            UnpackError::SpecialFile { name, mode } => {
                write!(f, "entry `{name}`: mode {mode:o} is a device, fifo or socket, not a file, directory or symlink")
            }
            UnpackError::Duplicate(what) => write!(f, "a name is in the archive twice ({what})"),
            UnpackError::TooManyEntries { found, limit } => {
                write!(f, "the archive has {found} entries, more than the limit of {limit}")
            }
            UnpackError::TooLarge { limit, name } => {
                write!(f, "the archive inflates to more than {limit} bytes (at entry `{name}`)")
            }
            UnpackError::SizeMismatch(name) => {
                write!(f, "entry `{name}` inflates to more than its header declares")
            }
            UnpackError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for UnpackError {}

/// What an archive held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unpacked {
    /// Regular files written.
    pub files: usize,
    /// Directories created.
    pub dirs: usize,
    /// Symlinks created.
    pub symlinks: usize,
    /// Bytes written.
    pub bytes: u64,
}

#[derive(Debug)]
enum Kind {
    Dir,
    File { mode: u32, size: u64 },
    Symlink { target: String },
}

#[derive(Debug)]
struct Planned {
    index: usize,
    name: String,
    kind: Kind,
}

/// Extracts the archive at `archive` into the new directory `dest`, after checking all of it
/// against `limits` and the rules in this module's documentation.
pub fn unpack(archive: &Path, dest: &Path, limits: &Limits) -> Result<Unpacked, UnpackError> {
    if dest.symlink_metadata().is_ok() {
        return Err(UnpackError::DestinationExists(dest.to_path_buf()));
    }
    let mut file = File::open(archive).map_err(|source| UnpackError::Io { path: archive.to_path_buf(), source })?;
    let declared_entries = directory_entry_count(&mut file);
    let mut zip = ZipArchive::new(file).map_err(|e| UnpackError::NotAnArchive(e.to_string()))?;
    // The zip reader keeps one entry per name; an archive whose directory lists more entries
    // than the reader has names holds a name twice.
    if let Some(count) = declared_entries.filter(|n| *n as usize != zip.len()) {
        let name = format!("{} entries listed, {} distinct names", count, zip.len());
        return Err(UnpackError::Duplicate(name));
    }
    let plan = check(&mut zip, limits)?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|source| UnpackError::Io { path: parent.clone(), source })?;
    let staging = tempfile::Builder::new()
        .prefix(".formula-unpack-")
        .tempdir_in(&parent)
        .map_err(|source| UnpackError::Io { path: parent.clone(), source })?;
    // On any error below, dropping `staging` removes what was written.
    let done = extract(&mut zip, &plan, staging.path(), limits)?;
    std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
        .map_err(|source| UnpackError::Io { path: staging.path().to_path_buf(), source })?;
    let staged = staging.keep();
    if let Err(source) = std::fs::rename(&staged, dest) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(UnpackError::Io { path: dest.to_path_buf(), source });
    }
    Ok(done)
}

/// The entry count of the end-of-central-directory record, when it is there and not a
/// Zip64 placeholder.
fn directory_entry_count(file: &mut File) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    let len = file.seek(SeekFrom::End(0)).ok()?;
    // The record is 22 bytes plus a comment of at most 65,535.
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    file.take(tail_len).read_to_end(&mut tail).ok()?;
    file.seek(SeekFrom::Start(0)).ok()?;
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let record = tail.get(at..at + 22)?;
    let total = u16::from_le_bytes([record[10], record[11]]);
    (total != u16::MAX).then_some(u64::from(total))
}

/// Checks every entry without writing anything; returns what to write.
fn check<R: Read + std::io::Seek>(zip: &mut ZipArchive<R>, limits: &Limits) -> Result<Vec<Planned>, UnpackError> {
    if zip.len() > limits.max_entries {
        return Err(UnpackError::TooManyEntries { found: zip.len(), limit: limits.max_entries });
    }
    let mut plan = Vec::with_capacity(zip.len());
    let mut seen = BTreeSet::new();
    let mut declared: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| UnpackError::NotAnArchive(e.to_string()))?;
        let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let name = safe_name(&raw)?;
        let mode = entry.unix_mode().unwrap_or(0);
        let kind = match mode & S_IFMT {
            S_IFDIR => Kind::Dir,
            0 if raw.ends_with('/') => Kind::Dir,
            S_IFLNK => {
                let mut target = String::new();
                drop(entry);
                let mut reader = zip.by_index(index).map_err(|e| UnpackError::NotAnArchive(e.to_string()))?;
                (&mut reader)
                    .take(MAX_LINK_TARGET)
                    .read_to_string(&mut target)
                    .map_err(|e| UnpackError::NotAnArchive(format!("entry `{raw}`: {e}")))?;
                Kind::Symlink { target }
            }
            S_IFREG | 0 => {
                let size = entry.size();
                declared = declared.saturating_add(size);
                if declared > limits.max_total_bytes {
                    return Err(UnpackError::TooLarge { limit: limits.max_total_bytes, name: raw });
                }
                Kind::File { mode: mode & 0o777, size }
            }
            other => return Err(UnpackError::SpecialFile { name: raw, mode: other | (mode & 0o7777) }),
        };
        if !seen.insert(name.clone()) {
            return Err(UnpackError::Duplicate(name));
        }
        plan.push(Planned { index, name, kind });
    }
    let links: BTreeMap<&str, &str> = plan
        .iter()
        .filter_map(|p| match &p.kind {
            Kind::Symlink { target } => Some((p.name.as_str(), target.as_str())),
            _ => None,
        })
        .collect();
    for p in &plan {
        // Nothing may be written through a symlink of the archive itself.
        let mut prefix = String::new();
        for part in p.name.split('/').take(p.name.split('/').count().saturating_sub(1)) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if links.contains_key(prefix.as_str()) {
                return Err(UnpackError::UnsafePath {
                    name: p.name.clone(),
                    why: "it lies under a symlink of the archive",
                });
            }
        }
        if let Kind::Symlink { target } = &p.kind {
            if !stays_inside(Path::new(&p.name), Path::new(target)) || passes_through_link(&p.name, target, &links) {
                return Err(UnpackError::SymlinkLeaves { name: p.name.clone(), target: target.clone() });
            }
        }
    }
    Ok(plan)
}

/// Whether resolving `target` from the link `name` walks through another symlink of the
/// archive before its last component: a lexical check cannot vouch for such a path.
fn passes_through_link(name: &str, target: &str, links: &BTreeMap<&str, &str>) -> bool {
    let mut at: Vec<&str> = name.split('/').collect();
    at.pop();
    let parts: Vec<&str> = target.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for (i, part) in parts.iter().enumerate() {
        if *part == ".." {
            at.pop();
        } else {
            at.push(part);
            if i + 1 < parts.len() && links.contains_key(at.join("/").as_str()) {
                return true;
            }
        }
    }
    false
}

/// The entry's name, checked: relative, no `..`, no empty or odd parts; without a trailing `/`.
fn safe_name(raw: &str) -> Result<String, UnpackError> {
    let fail = |why| Err(UnpackError::UnsafePath { name: raw.to_string(), why });
    if raw.is_empty() || raw == "/" {
        return fail("the name is empty");
    }
    if raw.starts_with('/') {
        return fail("the path is absolute");
    }
    if raw.contains('\\') {
        return fail("the path has a backslash");
    }
    if raw.contains('\0') {
        return fail("the path has a NUL byte");
    }
    let trimmed = raw.strip_suffix('/').unwrap_or(raw);
    for part in trimmed.split('/') {
        match part {
            ".." => return fail("the path climbs out with `..`"),
            "" | "." => return fail("the path has an empty or `.` part"),
            _ => {}
        }
    }
    Ok(trimmed.to_string())
}

fn extract<R: Read + std::io::Seek>(
    zip: &mut ZipArchive<R>,
    plan: &[Planned],
    root: &Path,
    limits: &Limits,
) -> Result<Unpacked, UnpackError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| UnpackError::Io { path, source }
    };
    let mut done = Unpacked::default();
    let mut total: u64 = 0;
    for p in plan {
        let path = root.join(&p.name);
        match &p.kind {
            Kind::Dir => {
                std::fs::create_dir_all(&path).map_err(io(&path))?;
                done.dirs += 1;
            }
            Kind::File { mode, size } => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                let mut reader = zip.by_index(p.index).map_err(|e| UnpackError::NotAnArchive(e.to_string()))?;
                let mut out =
                    std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(io(&path))?;
                // Read one byte more than declared: a lying header is caught, not trusted.
                let mut limited = (&mut reader).take(size.saturating_add(1));
                let written = std::io::copy(&mut limited, &mut out)
                    .map_err(|e| UnpackError::NotAnArchive(format!("entry `{}`: {e}", p.name)))?;
                if written > *size {
                    return Err(UnpackError::SizeMismatch(p.name.clone()));
                }
                total += written;
                if total > limits.max_total_bytes {
                    return Err(UnpackError::TooLarge { limit: limits.max_total_bytes, name: p.name.clone() });
                }
                out.flush().map_err(io(&path))?;
                let mode = if *mode == 0 { 0o644 } else { mode & 0o777 };
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).map_err(io(&path))?;
                done.files += 1;
                done.bytes += written;
            }
            Kind::Symlink { .. } => {}
        }
    }
    // Symlinks last, so that no file is ever written through one.
    for p in plan {
        if let Kind::Symlink { target } = &p.kind {
            let path = root.join(&p.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::os::unix::fs::symlink(target, &path).map_err(io(&path))?;
            done.symlinks += 1;
        }
    }
    for p in plan {
        if matches!(p.kind, Kind::Dir) {
            let path = root.join(&p.name);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(io(&path))?;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(safe_name("hooks/install").ok().as_deref(), Some("hooks/install"));
        assert_eq!(safe_name("hooks/").ok().as_deref(), Some("hooks"));
        assert!(safe_name("/etc/passwd").is_err());
        assert!(safe_name("a/../../b").is_err());
        assert!(safe_name("a//b").is_err());
        assert!(safe_name("a\\b").is_err());
    }

    fn archive(dir: &Path, files: &[(&str, usize)]) -> PathBuf {
        let path = dir.join("a.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, size) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(&vec![b'x'; *size]).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn limits_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let path = archive(tmp.path(), &[("a", 10), ("b", 10), ("c", 10)]);
        let few = Limits { max_entries: 2, max_total_bytes: 1000 };
        assert!(matches!(
            unpack(&path, &tmp.path().join("x"), &few),
            Err(UnpackError::TooManyEntries { found: 3, limit: 2 })
        ));
        let small = Limits { max_entries: 10, max_total_bytes: 25 };
        assert!(matches!(unpack(&path, &tmp.path().join("x"), &small), Err(UnpackError::TooLarge { .. })));
        assert!(!tmp.path().join("x").exists());
        let enough = Limits { max_entries: 3, max_total_bytes: 30 };
        let done = unpack(&path, &tmp.path().join("x"), &enough).unwrap();
        assert_eq!((done.files, done.bytes), (3, 30));
    }

    #[test]
    fn links_through_links() {
        let mut links = BTreeMap::new();
        links.insert("b", ".");
        assert!(passes_through_link("a", "b/../x", &links));
        assert!(!passes_through_link("a", "b", &links));
        assert!(!passes_through_link("a", "c/x", &links));
    }
}
