//! Finding a program the way a shell does: the one PATH lookup of the project.
//!
//! The backends need programs of this machine (LXD's `lxc`) and the command
//! needs others (`juju`). Each used to search PATH in its own way; this is the one way, with
//! the directories to try when PATH misses them named by the caller (a root shell's PATH has
//! `/usr/sbin`, a user's may not; the LXD snap puts `lxc` in `/snap/bin`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The system's directories of programs, for programs (such as `ip`) that a user's PATH may
/// leave out.
pub const SYSTEM_DIRS: [&str; 4] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/// The first executable file named `program` in a directory of PATH (none when PATH is not
/// set), else in one of `also` (in that order); `None` when there is none.
pub fn find_program(program: &str, also: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH");
    path.iter()
        .flat_map(std::env::split_paths)
        .chain(also.iter().map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable_file(candidate))
}

/// Whether `path` is a regular file (after symbolic links) that someone may execute.
fn is_executable_file(path: &Path) -> bool {
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_executables_only_and_falls_back_to_the_named_directories() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("formula-test-program");
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        let also = [dir.path().to_str().unwrap()];
        assert_eq!(find_program("formula-test-program", &also), None, "not executable");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_program("formula-test-program", &also), Some(program));
        assert_eq!(find_program("formula-test-program", &[]), None);
        assert!(find_program("sh", &SYSTEM_DIRS).is_some());
    }
}
