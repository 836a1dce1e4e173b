//! The digest of a tree: what two bases must share to give units the same files. It covers
//! every entry's path, type, permissions, owner and content (a link's target, a device's
//! number), in the order of their names; not times, inodes or where the tree is, so a copy
//! of a base, or the same packages built on another machine, has the same digest.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

/// `sha256:` and the hex digest of the tree at `root`.
pub fn tree(root: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    walk(root, Path::new(""), &mut hasher)?;
    Ok(format!("sha256:{}", hex(&hasher.finalize())))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn walk(root: &Path, relative: &Path, hasher: &mut Sha256) -> io::Result<()> {
    let dir = root.join(relative);
    let mut names: Vec<_> = fs::read_dir(&dir)?.map(|e| e.map(|e| e.file_name())).collect::<io::Result<_>>()?;
    names.sort();
    for name in names {
        let path = relative.join(&name);
        let full = root.join(&path);
        let meta = fs::symlink_metadata(&full)?;
        let kind = meta.file_type();
        let tag = if kind.is_dir() {
            'd'
        } else if kind.is_symlink() {
            'l'
        } else if kind.is_file() {
            'f'
        } else if kind.is_char_device() {
            'c'
        } else if kind.is_block_device() {
            'b'
        } else if kind.is_fifo() {
            'p'
        } else {
            's'
        };
        hasher.update(path.as_os_str().as_bytes());
        hasher.update(format!("\0{tag} {:o} {} {}\0", meta.mode() & 0o7777, meta.uid(), meta.gid()).as_bytes());
        match tag {
            'd' => walk(root, &path, hasher)?,
            'l' => hasher.update(fs::read_link(&full)?.as_os_str().as_bytes()),
            'f' => {
                hasher.update(meta.len().to_le_bytes());
                let mut file = fs::File::open(&full).map_err(|e| annotate(e, &full))?;
                let mut buffer = vec![0u8; 256 * 1024];
                loop {
                    let n = file.read(&mut buffer)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buffer[..n]);
                }
            }
            'c' | 'b' => hasher.update(meta.rdev().to_le_bytes()),
            _ => {}
        }
        hasher.update(b"\n");
    }
    Ok(())
}

fn annotate(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn sample(root: &Path) {
        fs::create_dir_all(root.join("etc/sub")).unwrap();
        fs::write(root.join("etc/a"), "one\n").unwrap();
        fs::write(root.join("etc/sub/b"), "two\n").unwrap();
        std::os::unix::fs::symlink("../a", root.join("etc/sub/link")).unwrap();
    }

    #[test]
    fn a_copy_elsewhere_made_later_has_the_same_digest() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        sample(one.path());
        std::thread::sleep(std::time::Duration::from_millis(20));
        sample(two.path());
        assert_eq!(tree(one.path()).unwrap(), tree(two.path()).unwrap());
        assert!(tree(one.path()).unwrap().starts_with("sha256:"));
    }

    #[test]
    fn content_names_links_and_modes_count() {
        let base = tempfile::tempdir().unwrap();
        sample(base.path());
        let digest = tree(base.path()).unwrap();
        let changes: [&dyn Fn(&Path); 4] = [
            &|r| fs::write(r.join("etc/a"), "One\n").unwrap(),
            &|r| fs::rename(r.join("etc/sub/b"), r.join("etc/sub/c")).unwrap(),
            &|r| {
                fs::remove_file(r.join("etc/sub/link")).unwrap();
                std::os::unix::fs::symlink("a", r.join("etc/sub/link")).unwrap();
            },
            &|r| fs::set_permissions(r.join("etc/a"), fs::Permissions::from_mode(0o600)).unwrap(),
        ];
        for change in changes {
            let copy = tempfile::tempdir().unwrap();
            sample(copy.path());
            change(copy.path());
            assert_ne!(tree(copy.path()).unwrap(), digest);
        }
    }
}
