//! Charm archives: the zip that Juju deploys, written reproducibly, and read back safely.
//!
//! [`collect`] reads a formula directory into sorted [`Entry`]s (what `.formulaignore` and
//! the defaults leave out is not there; a `revision` file is always there), [`write_zip`]
//! turns them into the same bytes every time (sorted entries, every time 1980-01-01 00:00,
//! deflate at level 6, unix modes and symlinks in the external attributes), and
//! [`unpack::unpack`] extracts an archive only after checking all of it.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("metadata.yaml"), "name: demo\n").unwrap();
//! let entries = formula_sdk::pack::collect(dir.path()).unwrap();
//! let first = formula_sdk::pack::write_zip(&entries).unwrap();
//! let again = formula_sdk::pack::write_zip(&formula_sdk::pack::collect(dir.path()).unwrap()).unwrap();
//! assert_eq!(first, again);
//! assert!(entries.iter().any(|e| e.path == "revision"));
//! ```

pub mod ignore;
pub mod repository;
pub mod unpack;

use crate::format::Formula;
use ignore::IgnoreList;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{Cursor, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The deflate level of every archive: a fixed level keeps the bytes stable.
const DEFLATE_LEVEL: i64 = 6;

/// One thing in an archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its path, relative and `/`-separated.
    pub path: String,
    /// What it is.
    pub kind: EntryKind,
}

/// A directory, a file with its mode and contents, or a symlink with its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A directory.
    Dir,
    /// A regular file.
    File {
        /// Permission bits (`0o755`, …).
        mode: u32,
        /// The contents.
        data: Vec<u8>,
    },
    /// A symbolic link.
    Symlink {
        /// Where it points, relative.
        target: String,
    },
}

/// Why a directory cannot be packed.
#[derive(Debug)]
pub enum PackError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A symlink that is absolute or leads out of the formula.
    SymlinkLeaves {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: String,
    },
    /// A device, a socket or a fifo.
    SpecialFile {
        /// The file.
        path: PathBuf,
    },
    /// A path that is not UTF-8.
    NotUtf8 {
        /// The path.
        path: PathBuf,
    },
    /// The zip writer failed.
    Zip(String),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            PackError::SymlinkLeaves { path, target } => {
                write!(f, "{}: symlink to `{target}` leads out of the formula", path.display())
            }
            PackError::SpecialFile { path } => {
                write!(f, "{}: a device, socket or fifo cannot go into an archive", path.display())
            }
            PackError::NotUtf8 { path } => write!(f, "{}: the path is not UTF-8", path.display()),
            PackError::Zip(message) => write!(f, "cannot write the archive: {message}"),
        }
    }
}

impl std::error::Error for PackError {}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> PackError + '_ {
    move |source| PackError::Io { path: path.to_path_buf(), source }
}

/// Reads the formula in `dir` into archive entries, sorted by path. Left out: what
/// [`ignore::DEFAULT_PATTERNS`] and the formula's `.formulaignore` name. Added when missing:
/// a `revision` file, with the metadata's (2011) `revision:` or else 0, so that the archive
/// always says its revision.
pub fn collect(dir: &Path) -> Result<Vec<Entry>, PackError> {
    let ignore_text = std::fs::read_to_string(dir.join(".formulaignore")).unwrap_or_default();
    let ignore = IgnoreList::new(&ignore_text);
    let mut entries = Vec::new();
    walk(dir, dir, &ignore, &mut entries)?;
    if !entries.iter().any(|e| e.path == "revision") {
        let formula = Formula::load(dir);
        let revision = formula.metadata.revision.map(|r| r.value).filter(|r| *r >= 0).unwrap_or(0);
        entries.push(Entry {
            path: "revision".into(),
            kind: EntryKind::File { mode: 0o644, data: format!("{revision}\n").into_bytes() },
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

fn walk(root: &Path, dir: &Path, ignore: &IgnoreList, out: &mut Vec<Entry>) -> Result<(), PackError> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_error(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io_error(dir))?;
    names.sort();
    for path in names {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let Some(rel_text) = rel.to_str().map(str::to_string) else {
            return Err(PackError::NotUtf8 { path });
        };
        let meta = std::fs::symlink_metadata(&path).map_err(io_error(&path))?;
        let file_type = meta.file_type();
        if ignore.ignores(&rel_text, meta.is_dir()) {
            continue;
        }
        if file_type.is_symlink() {
            let target = std::fs::read_link(&path).map_err(io_error(&path))?;
            let target_text = target.to_string_lossy().into_owned();
            if !stays_inside(rel, &target) {
                return Err(PackError::SymlinkLeaves { path, target: target_text });
            }
            out.push(Entry { path: rel_text, kind: EntryKind::Symlink { target: target_text } });
        } else if file_type.is_dir() {
            out.push(Entry { path: rel_text, kind: EntryKind::Dir });
            walk(root, &path, ignore, out)?;
        } else if file_type.is_file() {
            let data = std::fs::read(&path).map_err(io_error(&path))?;
            // Only the executable bits matter to Juju; the rest is normalised so that the
            // archive does not depend on the writer's umask.
            let mode = if meta.permissions().mode() & 0o111 != 0 { 0o755 } else { 0o644 };
            out.push(Entry { path: rel_text, kind: EntryKind::File { mode, data } });
        } else {
            return Err(PackError::SpecialFile { path });
        }
    }
    Ok(())
}

/// Whether a symlink at `link` (relative to the formula's root) pointing at `target` stays
/// inside the formula: relative, and never climbing above the root.
pub fn stays_inside(link: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut depth: i64 = link.components().count() as i64 - 1;
    for component in target.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

/// The zip archive of `entries`, the same bytes for the same entries.
pub fn write_zip(entries: &[Entry]) -> Result<Vec<u8>, PackError> {
    let zip_error = |e: zip::result::ZipError| PackError::Zip(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let base = SimpleFileOptions::default().last_modified_time(DateTime::default());
    for entry in entries {
        match &entry.kind {
            EntryKind::Dir => {
                zip.add_directory(format!("{}/", entry.path), base.unix_permissions(0o755)).map_err(zip_error)?
            }
            EntryKind::Symlink { target } => {
                zip.add_symlink(&entry.path, target, base.unix_permissions(0o777)).map_err(zip_error)?
            }
            EntryKind::File { mode, data } => {
                let options = base
                    .compression_method(CompressionMethod::Deflated)
                    .compression_level(Some(DEFLATE_LEVEL))
                    .unix_permissions(*mode);
                zip.start_file(&entry.path, options).map_err(zip_error)?;
                zip.write_all(data).map_err(|e| PackError::Zip(e.to_string()))?;
            }
        }
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// The archive of the formula in `dir`: [`collect`], then [`write_zip`].
pub fn pack(dir: &Path) -> Result<Vec<u8>, PackError> {
    write_zip(&collect(dir)?)
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A hash of what the entries hold (paths, kinds, modes, contents), leaving out the `revision`
/// file: two formula directories with the same digest deploy the same formula.
pub fn content_digest(entries: &[Entry]) -> String {
    let mut hasher = Sha256::new();
    for entry in entries.iter().filter(|e| e.path != "revision") {
        // Lengths before contents, so that no two different lists hash the same stream.
        let mut field = |tag: &[u8], bytes: &[u8]| {
            hasher.update(tag);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(b"p", entry.path.as_bytes());
        match &entry.kind {
            EntryKind::Dir => field(b"d", b""),
            EntryKind::File { mode, data } => {
                field(b"m", &mode.to_le_bytes());
                field(b"f", data);
            }
            EntryKind::Symlink { target } => field(b"l", target.as_bytes()),
        }
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn symlinks_inside_and_out() {
        assert!(stays_inside(Path::new("hooks/start"), Path::new("install")));
        assert!(stays_inside(Path::new("hooks/start"), Path::new("../lib/x")));
        assert!(!stays_inside(Path::new("hooks/start"), Path::new("../../etc/passwd")));
        assert!(!stays_inside(Path::new("a"), Path::new("/etc/passwd")));
        assert!(!stays_inside(Path::new("a"), Path::new("../a")));
        assert!(stays_inside(Path::new("a/b/c"), Path::new("../../x")));
    }

    #[test]
    fn digest_ignores_revision_only() {
        let file = |path: &str, data: &str| Entry {
            path: path.into(),
            kind: EntryKind::File { mode: 0o644, data: data.into() },
        };
        let a = vec![file("metadata.yaml", "name: a\n"), file("revision", "1\n")];
        let b = vec![file("metadata.yaml", "name: a\n"), file("revision", "7\n")];
        let c = vec![file("metadata.yaml", "name: b\n"), file("revision", "1\n")];
        assert_eq!(content_digest(&a), content_digest(&b));
        assert_ne!(content_digest(&a), content_digest(&c));
    }

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
