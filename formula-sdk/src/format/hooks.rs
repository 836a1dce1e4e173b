//! Files in `hooks/` and `actions/`: what they are, whether Juju can run them.

use super::files::ReadProblem;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The unit hooks every formula may have (Juju's `hooks.go`), besides relation and storage hooks.
pub const STANDARD_HOOKS: &[&str] = &[
    "install",
    "start",
    "config-changed",
    "upgrade-charm",
    "stop",
    "remove",
    "collect-metrics",
    "meter-status-changed",
    "leader-elected",
    "leader-deposed",
    "leader-settings-changed",
    "update-status",
    "pre-series-upgrade",
    "post-series-upgrade",
    "secret-changed",
    "secret-expired",
    "secret-remove",
    "secret-rotate",
];

/// How much of a hook is read for analysis; hooks are scripts, and what matters is at the top.
const MAX_HOOK_TEXT: u64 = 1024 * 1024;

/// Where a symlinked hook points.
#[derive(Clone, Debug, PartialEq)]
pub struct HookTarget {
    /// The link's text.
    pub link: PathBuf,
    /// Whether the target exists (a loop or a dangling link does not).
    pub exists: bool,
    /// Whether the link is absolute or climbs out of the formula.
    pub leaves_formula: bool,
}

/// The interpreter named by a hook's `#!` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Interpreter {
    /// The whole line after `#!`, trimmed.
    pub line: String,
    /// The program: the first word, or the word after `env`.
    pub program: String,
}

/// An entry of `hooks/` or `actions/`.
#[derive(Clone, Debug)]
pub struct HookFile {
    /// The file name, which is the hook's name for hooks.
    pub name: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The path as shown to the user.
    pub display: PathBuf,
    /// Whether it is a directory (never a hook).
    pub is_dir: bool,
    /// Whether the file (the target, for a link) has the owner's execute bit.
    pub executable: bool,
    /// Where it points, when it is a symlink.
    pub symlink: Option<HookTarget>,
    /// The start of its text, when it is readable text.
    pub text: Option<String>,
    /// The `#!` interpreter, when there is one.
    pub interpreter: Option<Interpreter>,
}

impl HookFile {
    /// Whether the hook is a shell script (by its interpreter).
    pub fn is_shell(&self) -> bool {
        self.interpreter.as_ref().is_some_and(|i| {
            matches!(i.program.rsplit('/').next().unwrap_or(""), "sh" | "bash" | "dash" | "ksh" | "zsh")
        })
    }

    /// Whether the file is a native executable (ELF), which needs no `#!`.
    pub fn is_binary(&self) -> bool {
        self.text.is_none() && !self.is_dir && self.symlink.as_ref().is_none_or(|s| s.exists)
    }
}

pub(crate) fn read_dir(dir: &Path, shown: &Path, problems: &mut Vec<ReadProblem>) -> Vec<HookFile> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names.iter().map(|name| read_one(&dir.join(name), &shown.join(name), 1, problems)).collect()
}

pub(crate) fn read_one(path: &Path, shown: &Path, depth_below_root: i64, problems: &mut Vec<ReadProblem>) -> HookFile {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut hook = HookFile {
        name,
        path: path.to_path_buf(),
        display: shown.to_path_buf(),
        is_dir: false,
        executable: false,
        symlink: None,
        text: None,
        interpreter: None,
    };
    let Ok(link_meta) = std::fs::symlink_metadata(path) else { return hook };
    if link_meta.file_type().is_symlink() {
        let link = std::fs::read_link(path).unwrap_or_default();
        let target = std::fs::metadata(path);
        let leaves_formula = link.is_absolute() || climbs_out(&link, depth_below_root);
        hook.symlink = Some(HookTarget { link, exists: target.is_ok(), leaves_formula });
        let Ok(meta) = target else { return hook };
        return fill(hook, &meta, problems);
    }
    fill(hook, &link_meta, problems)
}

fn fill(mut hook: HookFile, meta: &std::fs::Metadata, problems: &mut Vec<ReadProblem>) -> HookFile {
    hook.is_dir = meta.is_dir();
    // Juju runs hooks as root, for whom any execute bit will do (exec.LookPath).
    hook.executable = meta.permissions().mode() & 0o111 != 0;
    if !meta.is_file() {
        return hook;
    }
    let mut bytes = Vec::new();
    match std::fs::File::open(&hook.path).and_then(|f| f.take(MAX_HOOK_TEXT).read_to_end(&mut bytes)) {
        Ok(_) => {}
        Err(e) => {
            problems.push(ReadProblem { path: hook.display.clone(), reason: e.to_string(), too_large: false });
            return hook;
        }
    }
    if bytes.starts_with(b"\x7fELF") || bytes.contains(&0) {
        return hook;
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    hook.interpreter = interpreter(&text);
    hook.text = Some(text);
    hook
}

fn interpreter(text: &str) -> Option<Interpreter> {
    let first = text.lines().next()?;
    let line = first.strip_prefix("#!")?.trim().to_string();
    let mut words = line.split_whitespace();
    let mut program = words.next().unwrap_or("").to_string();
    if program.rsplit('/').next() == Some("env") {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("").to_string();
    }
    Some(Interpreter { line, program })
}

/// Whether a relative link climbs above the formula root: `path` is the link's place, whose
/// directory sits `depth_below_root` levels under the root (1 for `hooks/x`, 0 for `dispatch`).
fn climbs_out(link: &Path, depth_below_root: i64) -> bool {
    let mut depth = depth_below_root;
    for part in link.components() {
        match part {
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::climbs_out;
    use std::path::Path;

    #[test]
    fn links_that_leave_the_formula() {
        assert!(!climbs_out(Path::new("../lib/run"), 1), "hooks/x -> ../lib/run stays inside");
        assert!(climbs_out(Path::new("../../x"), 1));
        assert!(climbs_out(Path::new("../x"), 0), "dispatch -> ../x leaves");
        assert!(!climbs_out(Path::new("bin/dispatch"), 0));
        assert!(climbs_out(Path::new("a/../../x"), 0));
    }
}
