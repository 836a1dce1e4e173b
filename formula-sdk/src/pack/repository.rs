//! Local repositories laid out as Juju's were: `REPO/SERIES/NAME`, one formula directory
//! each, with its `revision` file.
//!
//! [`publish`] writes a formula's archive entries there. The revision is kept when the
//! published content (everything but the `revision` file) is the same, and otherwise becomes
//! one more than the larger of the published and the formula's own revision.

use super::{collect, content_digest, Entry, EntryKind};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What [`publish`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    /// The repository already held the same content, at this revision.
    Unchanged(i64),
    /// Written, at this revision.
    Written(i64),
}

/// The revision a `revision` entry holds, read as Juju does (the first number).
pub fn revision_of(entries: &[Entry]) -> Option<i64> {
    entries.iter().find(|e| e.path == "revision").and_then(|e| match &e.kind {
        EntryKind::File { data, .. } => String::from_utf8_lossy(data).split_whitespace().next()?.parse().ok(),
        _ => None,
    })
}

/// The directory of formula `name` for `series` in the repository `repo`.
pub fn place(repo: &Path, series: &str, name: &str) -> PathBuf {
    repo.join(series).join(name)
}

/// Writes `entries` (a formula read by [`collect`]) to `target`, a directory of a local
/// repository, unless it holds the same content already. The new copy is written beside
/// `target` and swapped in, so a failure leaves the old one.
pub fn publish(target: &Path, entries: &[Entry]) -> std::io::Result<Published> {
    let own = revision_of(entries).unwrap_or(0).max(0);
    let revision = if target.join("metadata.yaml").is_file() {
        let existing = collect(target).ok();
        let published = existing.as_deref().and_then(revision_of).unwrap_or(0);
        if existing.as_deref().map(content_digest) == Some(content_digest(entries)) {
            return Ok(Published::Unchanged(published));
        }
        (published + 1).max(own)
    } else {
        own
    };
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new().prefix(".publish-").tempdir_in(parent)?;
    let root = staging.path().join("formula");
    std::fs::create_dir_all(&root)?;
    for entry in entries {
        let path = root.join(&entry.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match &entry.kind {
            EntryKind::Dir => std::fs::create_dir_all(&path)?,
            EntryKind::File { mode, data } => {
                if entry.path == "revision" {
                    std::fs::write(&path, format!("{revision}\n"))?;
                } else {
                    std::fs::write(&path, data)?;
                }
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(*mode))?;
            }
            EntryKind::Symlink { target } => std::os::unix::fs::symlink(target, &path)?,
        }
    }
    if !entries.iter().any(|e| e.path == "revision") {
        std::fs::write(root.join("revision"), format!("{revision}\n"))?;
    }
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755))?;
    if target.symlink_metadata().is_ok() {
        // The old copy goes into the staging directory, removed with it.
        std::fs::rename(target, staging.path().join("old"))?;
    }
    std::fs::rename(&root, target)?;
    Ok(Published::Written(revision))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, data: &str) -> Entry {
        Entry { path: path.into(), kind: EntryKind::File { mode: 0o644, data: data.into() } }
    }

    #[test]
    fn revisions_follow_content() {
        let tmp = tempfile::tempdir().unwrap();
        let target = place(tmp.path(), "jammy", "demo");
        let v1 = vec![file("metadata.yaml", "name: demo\n"), file("revision", "3\n")];
        assert_eq!(publish(&target, &v1).unwrap(), Published::Written(3));
        assert_eq!(publish(&target, &v1).unwrap(), Published::Unchanged(3));
        let v2 = vec![file("metadata.yaml", "name: demo\nsummary: s\n"), file("revision", "3\n")];
        assert_eq!(publish(&target, &v2).unwrap(), Published::Written(4));
        assert_eq!(std::fs::read_to_string(target.join("revision")).unwrap(), "4\n");
        let v3 = vec![file("metadata.yaml", "name: demo\n"), file("revision", "9\n")];
        assert_eq!(publish(&target, &v3).unwrap(), Published::Written(9));
        let names: Vec<_> =
            std::fs::read_dir(tmp.path().join("jammy")).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["demo"]);
    }
}
