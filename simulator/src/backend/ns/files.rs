//! Files as a unit sees them, from the simulator: through the unit's root while it runs, from
//! its overlay layers once it is gone.

use super::{cstr, Layers};
use nix::libc;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};

/// `path` (inside a root whose files are at `base` on this machine) with symbolic links
/// resolved the way the unit resolves them: absolute links start again at the unit's root.
/// Returns an absolute path inside the unit.
pub(crate) fn resolve_within(base: &Path, path: &Path) -> PathBuf {
    resolve_with(path, |inside| Some(base.join(inside.strip_prefix("/").unwrap_or(inside))))
}

/// The resolution of [`resolve_within`], with `locate` telling where an entry of the unit
/// lies on this machine (None: the unit has no such entry).
fn resolve_with(path: &Path, locate: impl Fn(&Path) -> Option<PathBuf>) -> PathBuf {
    let mut done = PathBuf::from("/");
    let mut pending: Vec<std::ffi::OsString> = Vec::new();
    let push_parts = |pending: &mut Vec<std::ffi::OsString>, p: &Path| {
        let mut parts: Vec<std::ffi::OsString> = p
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n.to_os_string()),
                Component::ParentDir => Some("..".into()),
                _ => None,
            })
            .collect();
        parts.reverse();
        pending.extend(parts);
    };
    push_parts(&mut pending, path);
    let mut links = 0;
    while let Some(part) = pending.pop() {
        if part == ".." {
            done.pop();
            continue;
        }
        let candidate = done.join(&part);
        let link = locate(&candidate)
            .and_then(|host| std::fs::symlink_metadata(&host).ok().filter(|m| m.file_type().is_symlink()).map(|_| host))
            .and_then(|host| std::fs::read_link(host).ok());
        match link {
            Some(target) if links < 40 => {
                links += 1;
                if target.is_absolute() {
                    done = PathBuf::from("/");
                }
                push_parts(&mut pending, &target);
            }
            _ => done = candidate,
        }
    }
    done
}

/// Where a removed unit's `path` is on this machine: its upper layer's copy unless that is a
/// whiteout, else the lower layer's, unless a directory of the upper layer hides it.
pub(super) fn layered_path(layers: &Layers, run_root: &Path, path: &Path) -> Option<PathBuf> {
    let locate = |inside: &Path| -> Option<PathBuf> {
        if let Ok(rest) = inside.strip_prefix(&layers.charm_inside) {
            return Some(layers.charm_host.join(rest));
        }
        if inside.starts_with(run_root) {
            return Some(inside.to_path_buf());
        }
        if ["/proc", "/sys", "/dev", "/tmp", "/run"].iter().any(|p| inside.starts_with(p)) {
            return None;
        }
        let relative = inside.strip_prefix("/").unwrap_or(inside);
        let mut prefix = PathBuf::new();
        for part in relative.components() {
            prefix.push(part);
            let up = layers.upper.join(&prefix);
            match std::fs::symlink_metadata(&up) {
                Ok(m) if is_whiteout(&m) => return None,
                Ok(_) if prefix.as_path() == relative => return Some(up),
                Ok(m) if !m.is_dir() => return None,
                Ok(_) if is_opaque(&up) => {
                    let rest = relative.strip_prefix(&prefix).unwrap_or(relative);
                    let candidate = up.join(rest);
                    return candidate.symlink_metadata().ok().map(|_| candidate);
                }
                _ => {}
            }
        }
        Some(layers.lower.join(relative))
    };
    let resolved = resolve_with(path, locate);
    locate(&resolved)
}

fn is_whiteout(m: &std::fs::Metadata) -> bool {
    m.file_type().is_char_device() && m.rdev() == 0
}

fn is_opaque(dir: &Path) -> bool {
    let path = cstr(dir);
    // `user.` when the overlay was made in a user namespace (`userxattr`).
    [c"trusted.overlay.opaque", c"user.overlay.opaque"].iter().any(|name| {
        let mut value = [0u8; 4];
        // SAFETY: a NUL-terminated path and a buffer of the given size.
        let n = unsafe { libc::lgetxattr(path.as_ptr(), name.as_ptr(), value.as_mut_ptr().cast(), value.len()) };
        n == 1 && value[0] == b'y'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        std::fs::create_dir_all(base.join("etc")).unwrap();
        std::fs::create_dir_all(base.join("run/real")).unwrap();
        std::os::unix::fs::symlink("/run/real/file", base.join("etc/link")).unwrap();
        std::os::unix::fs::symlink("../run", base.join("etc/rel")).unwrap();
        assert_eq!(resolve_within(base, Path::new("/etc/link")), Path::new("/run/real/file"));
        assert_eq!(resolve_within(base, Path::new("/etc/rel/real")), Path::new("/run/real"));
        assert_eq!(resolve_within(base, Path::new("/etc/../etc/none")), Path::new("/etc/none"));
        std::os::unix::fs::symlink("/loop", base.join("loop")).unwrap();
        assert_eq!(resolve_within(base, Path::new("/loop")), Path::new("/loop"));
    }

    #[test]
    fn removed_units_show_upper_then_lower() {
        let dir = tempfile::tempdir().unwrap();
        let (upper, lower) = (dir.path().join("upper"), dir.path().join("lower"));
        std::fs::create_dir_all(upper.join("etc")).unwrap();
        std::fs::create_dir_all(lower.join("etc")).unwrap();
        std::fs::write(lower.join("etc/a"), "lower").unwrap();
        std::fs::write(lower.join("etc/b"), "lower").unwrap();
        std::fs::write(upper.join("etc/b"), "upper").unwrap();
        let layers = Layers {
            upper: upper.clone(),
            lower: lower.clone(),
            charm_inside: PathBuf::from("/var/lib/juju/agents/unit-a-0/charm"),
            charm_host: dir.path().join("charm"),
        };
        let run = Path::new("/nonexistent-run");
        assert_eq!(layered_path(&layers, run, Path::new("/etc/a")), Some(lower.join("etc/a")));
        assert_eq!(layered_path(&layers, run, Path::new("/etc/b")), Some(upper.join("etc/b")));
        assert_eq!(layered_path(&layers, run, Path::new("/tmp/x")), None);
        assert_eq!(
            layered_path(&layers, run, Path::new("/var/lib/juju/agents/unit-a-0/charm/hooks/install")),
            Some(dir.path().join("charm/hooks/install"))
        );
    }
}
