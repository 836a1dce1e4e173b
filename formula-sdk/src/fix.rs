//! Fixes that `formula lint --fix` applies: a diagnostic may carry a [`Fix`], a list of
//! [`Edit`]s to a formula's files, marked safe (it cannot change what the formula does) or
//! unsafe (it may). Paths in edits are relative to the formula directory; applying refuses
//! any path that leaves it or goes through a symbolic link.

use serde::Serialize;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

/// Whether applying a fix keeps what the formula does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The formula behaves the same afterwards; `--fix` applies it.
    Safe,
    /// The formula may behave differently; only `--fix --unsafe-fixes` applies it.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Whether a rule's findings come with a fix, and of which kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// The rule offers no fix.
    None,
    /// Its fixes are safe (some findings may still have none).
    Safe,
    /// Its fixes are unsafe.
    Unsafe,
}

impl FixAvailability {
    /// `none`, `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
        }
    }
}

/// One change to one file of a formula.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edit {
    /// Give the file the execute bit wherever it has the read bit (and always the owner's).
    MakeExecutable {
        /// Relative to the formula directory.
        path: PathBuf,
    },
    /// Write the whole file, creating it when it is missing.
    Write {
        /// Relative to the formula directory.
        path: PathBuf,
        /// The new content.
        content: String,
    },
    /// Replace the bytes `start..end` of the file with `text`.
    Replace {
        /// Relative to the formula directory.
        path: PathBuf,
        /// First byte replaced.
        start: usize,
        /// One past the last byte replaced.
        end: usize,
        /// What goes there.
        text: String,
    },
}

impl Edit {
    /// The file the edit changes, relative to the formula directory.
    pub fn path(&self) -> &Path {
        match self {
            Edit::MakeExecutable { path } | Edit::Write { path, .. } | Edit::Replace { path, .. } => path,
        }
    }
}

/// A concrete fix for one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The changes, applied together.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A safe fix made of `edits`.
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix { applicability: Applicability::Safe, edits }
    }

    /// An unsafe fix made of `edits`.
    pub fn unsafe_(edits: Vec<Edit>) -> Fix {
        Fix { applicability: Applicability::Unsafe, edits }
    }
}

/// What applying (or previewing) a set of fixes did to one formula.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The index (in the list given) of every fix applied.
    pub applied: Vec<usize>,
    /// A unified-diff-like text of the changes (`chmod +x path` for mode changes).
    pub diff: String,
}

/// Applies `fixes` to the formula in `root` (or only previews them when `write` is false).
/// Files are named `display_root/…` in the diff. A fix whose edits conflict with an earlier
/// fix (overlapping ranges, or a second edit of a file that one fix rewrites) or that cannot
/// be applied (a path outside the formula, a file that is not UTF-8) is skipped whole; a
/// later lint run finds it again.
pub fn apply(root: &Path, display_root: &Path, fixes: &[&Fix], write: bool) -> std::io::Result<Outcome> {
    let mut plan = Plan::default();
    let mut outcome = Outcome::default();
    for (index, fix) in fixes.iter().enumerate() {
        if plan.accept(root, fix) {
            outcome.applied.push(index);
        }
    }
    for (path, change) in plan.files {
        let full = root.join(&path);
        let shown = display_root.join(&path);
        if change.executable {
            outcome.diff.push_str(&format!("chmod +x {}\n", shown.display()));
            if write {
                let mode = std::fs::metadata(&full)?.permissions().mode();
                std::fs::set_permissions(&full, std::fs::Permissions::from_mode(with_execute(mode)))?;
            }
        }
        if let Some(new) = change.content {
            let old = change.original.unwrap_or_default();
            outcome.diff.push_str(&unified_diff(&shown, change.existed, &old, &new));
            if write {
                std::fs::write(&full, new)?;
            }
        }
    }
    Ok(outcome)
}

/// `mode` with an execute bit beside every read bit, and the owner's in any case.
pub fn with_execute(mode: u32) -> u32 {
    let read = mode & 0o444;
    mode | (read >> 2) | 0o100
}

/// The changes to one file, as the accepted fixes add them up.
#[derive(Debug, Default)]
struct FileChange {
    executable: bool,
    existed: bool,
    /// The text on disk, once a text edit needed it.
    original: Option<String>,
    /// The text after the edits.
    content: Option<String>,
    /// The ranges replaced so far (in the original), or `None` once the file is rewritten.
    replaced: Option<Vec<(usize, usize)>>,
    /// Replacements to make, by start offset in the original.
    replacements: Vec<(usize, usize, String)>,
}

#[derive(Debug, Default)]
struct Plan {
    files: std::collections::BTreeMap<PathBuf, FileChange>,
}

impl Plan {
    /// Adds `fix` when all its edits fit; otherwise leaves the plan as it was.
    fn accept(&mut self, root: &Path, fix: &Fix) -> bool {
        let mut trial = std::collections::BTreeMap::new();
        for edit in &fix.edits {
            let path = edit.path();
            if !is_inside(root, path) {
                return false;
            }
            if !trial.contains_key(path) {
                let current = match self.files.get(path) {
                    Some(change) => change.snapshot(),
                    None => FileChange { replaced: Some(Vec::new()), ..FileChange::default() },
                };
                trial.insert(path.to_path_buf(), current);
            }
            let Some(change) = trial.get_mut(path) else { return false };
            if !change.add(root, edit) {
                return false;
            }
        }
        for (path, mut change) in trial {
            change.render();
            self.files.insert(path, change);
        }
        true
    }
}

impl FileChange {
    fn snapshot(&self) -> FileChange {
        FileChange {
            executable: self.executable,
            existed: self.existed,
            original: self.original.clone(),
            content: self.content.clone(),
            replaced: self.replaced.clone(),
            replacements: self.replacements.clone(),
        }
    }

    /// Reads the file's text once; false when it is not UTF-8 text.
    fn load(&mut self, root: &Path, path: &Path) -> bool {
        if self.original.is_some() {
            return true;
        }
        match std::fs::read(root.join(path)) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    self.existed = true;
                    self.original = Some(text);
                    true
                }
                Err(_) => false,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.existed = false;
                self.original = Some(String::new());
                true
            }
            Err(_) => false,
        }
    }

    fn add(&mut self, root: &Path, edit: &Edit) -> bool {
        match edit {
            Edit::MakeExecutable { path } => {
                let is_file = std::fs::symlink_metadata(root.join(path)).is_ok_and(|m| m.is_file());
                self.executable = true;
                is_file
            }
            Edit::Write { path, content } => {
                if !self.load(root, path) || self.replaced.as_ref().is_none_or(|r| !r.is_empty()) {
                    return false;
                }
                self.replaced = None;
                self.content = Some(content.clone());
                true
            }
            Edit::Replace { path, start, end, text } => {
                if !self.load(root, path) {
                    return false;
                }
                let Some(original) = &self.original else { return false };
                let fits = start <= end
                    && *end <= original.len()
                    && original.is_char_boundary(*start)
                    && original.is_char_boundary(*end);
                let Some(replaced) = &mut self.replaced else { return false };
                // Two insertions at one place, or overlapping ranges, conflict.
                if !fits || replaced.iter().any(|&(s, e)| *start < e.max(s + 1) && s < (*end).max(*start + 1)) {
                    return false;
                }
                replaced.push((*start, *end));
                self.replacements.push((*start, *end, text.clone()));
                true
            }
        }
    }

    /// Computes `content` from the replacements.
    fn render(&mut self) {
        if self.replaced.is_none() || self.replacements.is_empty() {
            return;
        }
        let original = self.original.clone().unwrap_or_default();
        let mut sorted = self.replacements.clone();
        sorted.sort_by_key(|r| r.0);
        let mut out = String::with_capacity(original.len());
        let mut at = 0;
        for (start, end, text) in sorted {
            out.push_str(&original[at..start]);
            out.push_str(&text);
            at = end;
        }
        out.push_str(&original[at..]);
        self.content = Some(out);
    }
}

/// Whether `path` is a plain relative path below `root` that passes through no symbolic link
/// (the file itself may not be one either).
fn is_inside(root: &Path, path: &Path) -> bool {
    if path.as_os_str().is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return false;
    }
    let mut at = root.to_path_buf();
    for component in path.components() {
        at.push(component);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return false,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
            Err(_) => return false,
        }
    }
    true
}

/// A unified diff of `old` to `new` for the file `shown`: one hunk from the first line that
/// differs to the last, with up to three lines of context.
pub fn unified_diff(shown: &Path, existed: bool, old: &str, new: &str) -> String {
    if old == new && existed {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let context = 3;
    let from = prefix.saturating_sub(context);
    let a_to = (a.len() - suffix + context).min(a.len());
    let b_to = (b.len() - suffix + context).min(b.len());
    let mut out = String::new();
    let old_name = if existed { format!("a/{}", shown.display()) } else { "/dev/null".to_string() };
    out.push_str(&format!("--- {old_name}\n+++ b/{}\n", shown.display()));
    let range = |start: usize, end: usize| {
        let count = end - start;
        let first = if count == 0 { start } else { start + 1 };
        format!("{first},{count}")
    };
    out.push_str(&format!("@@ -{} +{} @@\n", range(from, a_to), range(from, b_to)));
    let line = |out: &mut String, mark: char, text: &str| {
        out.push(mark);
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    for text in &a[from..prefix] {
        line(&mut out, ' ', text);
    }
    for text in &a[prefix..a.len() - suffix] {
        line(&mut out, '-', text);
    }
    for text in &b[prefix..b.len() - suffix] {
        line(&mut out, '+', text);
    }
    for text in &a[a.len() - suffix..a_to] {
        line(&mut out, ' ', text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn replace(path: &str, start: usize, end: usize, text: &str) -> Edit {
        Edit::Replace { path: path.into(), start, end, text: text.into() }
    }

    #[test]
    fn execute_bits_follow_read_bits() {
        assert_eq!(with_execute(0o644), 0o755);
        assert_eq!(with_execute(0o600), 0o700);
        assert_eq!(with_execute(0o640), 0o750);
        assert_eq!(with_execute(0o200), 0o300);
        assert_eq!(with_execute(0o755), 0o755);
    }

    #[test]
    fn applies_modes_writes_and_replacements() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("hooks")).unwrap();
        std::fs::write(root.join("hooks/install"), "#!/usr/bin/python\nprint('hi')\n").unwrap();
        std::fs::set_permissions(root.join("hooks/install"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let chmod = Fix::safe(vec![Edit::MakeExecutable { path: "hooks/install".into() }]);
        let shebang = Fix::unsafe_(vec![replace("hooks/install", 11, 17, "python3")]);
        let revision = Fix::safe(vec![Edit::Write { path: "revision".into(), content: "1\n".into() }]);
        let fixes = [&chmod, &shebang, &revision];

        let preview = apply(root, Path::new("f"), &fixes, false).unwrap();
        assert_eq!(preview.applied, [0, 1, 2]);
        assert_eq!(
            preview.diff,
            "chmod +x f/hooks/install\n\
             --- a/f/hooks/install\n+++ b/f/hooks/install\n@@ -1,2 +1,2 @@\n\
             -#!/usr/bin/python\n+#!/usr/bin/python3\n print('hi')\n\
             --- /dev/null\n+++ b/f/revision\n@@ -0,0 +1,1 @@\n+1\n"
        );
        // A preview changes nothing.
        assert_eq!(mode(&root.join("hooks/install")), 0o644);
        assert!(!root.join("revision").exists());

        apply(root, Path::new("f"), &fixes, true).unwrap();
        assert_eq!(mode(&root.join("hooks/install")), 0o755);
        assert_eq!(std::fs::read_to_string(root.join("hooks/install")).unwrap(), "#!/usr/bin/python3\nprint('hi')\n");
        assert_eq!(std::fs::read_to_string(root.join("revision")).unwrap(), "1\n");
    }

    #[test]
    fn replacements_in_one_file_combine_and_conflicts_are_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a"), "one two three\n").unwrap();
        let first = Fix::safe(vec![replace("a", 0, 3, "1")]);
        let overlapping = Fix::safe(vec![replace("a", 2, 5, "x")]);
        let last = Fix::safe(vec![replace("a", 8, 13, "3")]);
        // A fix with one bad edit is dropped whole.
        let half = Fix::safe(vec![replace("a", 4, 7, "2"), replace("a", 9, 10, "x")]);
        let outcome = apply(tmp.path(), Path::new(""), &[&first, &overlapping, &last, &half], true).unwrap();
        assert_eq!(outcome.applied, [0, 2]);
        assert_eq!(std::fs::read_to_string(tmp.path().join("a")).unwrap(), "1 two 3\n");
    }

    #[test]
    fn refuses_paths_outside_the_formula_and_through_links() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("f");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(tmp.path().join("outside"), "x").unwrap();
        std::os::unix::fs::symlink("../outside", root.join("link")).unwrap();
        for path in ["../outside", "/etc/passwd", "link", "", "./a/../b"] {
            let fix = Fix::safe(vec![Edit::Write { path: path.into(), content: "y".into() }]);
            let outcome = apply(&root, Path::new("f"), &[&fix], true).unwrap();
            assert!(outcome.applied.is_empty(), "{path}");
        }
        assert_eq!(std::fs::read_to_string(tmp.path().join("outside")).unwrap(), "x");
        // Replacing bytes of a file that is not UTF-8 is refused too.
        std::fs::write(root.join("bin"), b"\xff\xfe").unwrap();
        let fix = Fix::safe(vec![replace("bin", 0, 1, "a")]);
        assert!(apply(&root, Path::new("f"), &[&fix], true).unwrap().applied.is_empty());
        // So is out-of-range.
        std::fs::write(root.join("t"), "ab").unwrap();
        let fix = Fix::safe(vec![replace("t", 1, 9, "a")]);
        assert!(apply(&root, Path::new("f"), &[&fix], true).unwrap().applied.is_empty());
    }

    #[test]
    fn diff_of_a_rewrite_shows_context() {
        let diff = unified_diff(Path::new("r"), true, "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n");
        assert_eq!(diff, "--- a/r\n+++ b/r\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
        let no_newline = unified_diff(Path::new("r"), true, "12 beta", "12\n");
        assert_eq!(no_newline, "--- a/r\n+++ b/r\n@@ -1,1 +1,1 @@\n-12 beta\n\\ No newline at end of file\n+12\n");
    }
}
