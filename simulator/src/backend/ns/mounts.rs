//! This machine's mount table, as `/proc/self/mountinfo` lists it: where a rootless unit's
//! root cannot be one overlay (mount points below it), and what a dead run left mounted.

use std::path::{Path, PathBuf};

/// The mount points of this process's mount namespace.
pub(super) fn mount_points() -> Vec<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    info.lines().filter_map(|l| l.split_whitespace().nth(4)).map(|p| PathBuf::from(unescape(p))).collect()
}

/// Mount points in this mount namespace under `dir`, deepest first.
pub(super) fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = mount_points().into_iter().filter(|p| p.starts_with(dir)).collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    found
}

/// A path as mountinfo writes it, with its octal escapes (`\040` for a space) undone.
fn unescape(p: &str) -> String {
    let bytes = p.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&p[i + 1..i + 4], 8) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_paths_unescape() {
        assert_eq!(unescape("/tmp/a\\040b"), "/tmp/a b");
    }
}
