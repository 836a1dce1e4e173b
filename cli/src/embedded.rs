//! The example stack, built into the binary so that `formula sim` runs with no files at all.

use std::io;
use std::os::unix::fs::PermissionsExt;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// Writes the embedded examples into a new temporary directory.
pub fn extract_examples() -> io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("formula-examples-").tempdir()?;
    for (path, mode, contents) in EXAMPLES {
        let target = dir.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, contents)?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(*mode))?;
    }
    for (path, link) in EXAMPLE_LINKS {
        let target = dir.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::os::unix::fs::symlink(link, &target)?;
    }
    Ok(dir)
}
