//! Hooks: which files Juju runs for a formula, which files to read, and where in them a
//! match lies.

use super::spans::Locator;
use crate::format::{Formula, HookFile};
use crate::lint::LintContext;
use crate::source::Span;
use std::path::{Component, Path, PathBuf};

/// Whether the formula has an executable `dispatch`, which Juju (2.8 and later) runs for
/// every hook instead of `hooks/<name>`.
pub fn dispatch_runs_everything(formula: &Formula) -> bool {
    formula.dispatch.as_ref().is_some_and(|d| d.executable && !d.is_dir)
}

/// One file that Juju executes, with the hooks that run it.
pub struct Executed<'a> {
    /// Where findings about the file are shown: the real file when it lies in `hooks/`
    /// (several hooks may be symlinks to it), else the first hook that runs it.
    pub file: &'a HookFile,
    /// The names Juju runs it as, sorted (`dispatch` for the dispatch file).
    pub hooks: Vec<&'a str>,
}

impl Executed<'_> {
    /// How to name the file in a message: ``hook `install` `` or
    /// ```hooks.py` (run as 4 hooks)``.
    pub fn describe(&self) -> String {
        match self.hooks.as_slice() {
            [one] if *one == self.file.name && self.file.name == "dispatch" => "`dispatch`".to_string(),
            [one] if *one == self.file.name => format!("hook `{one}`"),
            [one] => format!("`{}` (run as hook `{one}`)", self.file.name),
            many => format!("`{}` (run as {} hooks)", self.file.name, many.len()),
        }
    }
}

/// The files Juju executes for this formula's hooks: the executable `dispatch` alone when
/// there is one, else every hook in `hooks/` whose target exists, grouped by the file
/// they resolve to (a broken link is never run: Juju treats it as a missing hook).
pub fn executed<'a>(ctx: &LintContext<'a>) -> Vec<Executed<'a>> {
    let formula = ctx.formula;
    if dispatch_runs_everything(formula) {
        return formula.dispatch.iter().map(|d| Executed { file: d, hooks: vec!["dispatch"] }).collect();
    }
    let mut resolver = Resolver::default();
    let mut groups: Vec<(PathBuf, Executed<'a>)> = Vec::new();
    for hook in ctx.hooks() {
        if hook.symlink.as_ref().is_some_and(|s| !s.exists) {
            continue;
        }
        let key = resolver.resolve(hook);
        if let Some((_, group)) = groups.iter_mut().find(|(k, _)| *k == key) {
            group.hooks.push(&hook.name);
        } else {
            groups.push((key, Executed { file: hook, hooks: vec![&hook.name] }));
        }
    }
    for (key, group) in &mut groups {
        // A group led by a regular file already shows the real file.
        if group.file.symlink.is_some() {
            if let Some(real) = real_entry(formula, key, &mut resolver) {
                group.file = real;
            }
        }
        group.hooks.sort_unstable();
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The entry of `hooks/` that is the regular file at `canonical`, if any.
fn real_entry<'a>(formula: &'a Formula, canonical: &Path, resolver: &mut Resolver) -> Option<&'a HookFile> {
    formula.hooks.iter().find(|h| h.symlink.is_none() && !h.is_dir && resolver.resolve(h) == canonical)
}

/// Resolves hook files to canonical paths, to tell which entries are the same file. Only
/// links are resolved one by one; a regular entry is its canonical directory joined with its
/// name, and each directory is resolved once (resolving costs a system call per component).
#[derive(Default)]
struct Resolver {
    dirs: Vec<(PathBuf, PathBuf)>,
}

impl Resolver {
    fn resolve(&mut self, file: &HookFile) -> PathBuf {
        let path = &file.path;
        let (Some(parent), Some(name), None) = (path.parent(), path.file_name(), &file.symlink) else {
            return std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        };
        if let Some((_, canonical)) = self.dirs.iter().find(|(dir, _)| dir == parent) {
            return canonical.join(name);
        }
        let canonical = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
        self.dirs.push((parent.to_path_buf(), canonical.clone()));
        canonical.join(name)
    }
}

/// Every readable text file in `hooks/` (helpers included) and the `dispatch` file, each
/// file once: a symlink to another entry is left out in favour of that entry.
pub fn text_files<'a>(ctx: &LintContext<'a>) -> Vec<&'a HookFile> {
    let formula = ctx.formula;
    let mut resolver = Resolver::default();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    // Regular files first, so that they win over the links that point at them.
    let entries = formula.hooks.iter().chain(&formula.dispatch);
    let (plain, links): (Vec<&HookFile>, Vec<&HookFile>) = entries.partition(|h| h.symlink.is_none());
    for file in plain.into_iter().chain(links) {
        if file.text.is_none() || file.is_dir {
            continue;
        }
        let key = resolver.resolve(file);
        if !seen.contains(&key) {
            seen.push(key);
            out.push(file);
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

/// Whether `file` is a shell script: by its `#!` line, or, for a helper without one, by
/// its name (`lib.sh`, or no extension at all).
pub fn is_shell_script(file: &HookFile) -> bool {
    if file.interpreter.is_some() {
        return file.is_shell();
    }
    file.name.ends_with(".sh") || file.name.ends_with(".bash") || !file.name.contains('.')
}

/// Where `file` reads the environment variables that `wanted` accepts: `$NAME` and
/// `${NAME}` in shell scripts (not in comments or single quotes), the bare name outside
/// comments in other languages (`os.environ["NAME"]`). Returns (name, span) pairs.
pub fn variable_uses(file: &HookFile, wanted: impl Fn(&str) -> bool) -> Vec<(String, Span)> {
    let Some(text) = &file.text else {
        return Vec::new();
    };
    if is_shell_script(file) {
        return crate::lint::shell::read(text)
            .variables
            .into_iter()
            .filter(|v| wanted(&v.name))
            .map(|v| (v.name, v.span))
            .collect();
    }
    let locate = Locator::new(text);
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let code = code_part(line);
        let mut i = 0;
        let bytes = code.as_bytes();
        while i < bytes.len() {
            let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            if is_name(bytes[i]) && (i == 0 || !is_name(bytes[i - 1])) {
                let end = (i..bytes.len()).find(|&j| !is_name(bytes[j])).unwrap_or(bytes.len());
                let name = &code[i..end];
                if wanted(name) {
                    out.push((name.to_string(), locate.span(start + i, start + end)));
                }
                i = end;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// How to name a file of `hooks/` (or `dispatch`) in a message: ``hook `install` `` for a
/// hook Juju runs, ```lib.sh` `` for a helper.
pub fn file_label(ctx: &LintContext, file: &HookFile) -> String {
    let is_hook =
        ctx.formula.hooks.iter().any(|h| std::ptr::eq(h, file)) && ctx.formula.known_hook_names().contains(&file.name);
    if is_hook {
        format!("hook `{}`", file.name)
    } else {
        format!("`{}`", file.name)
    }
}

/// The lines of `text` with the byte offset each starts at; a `\r` before the newline is
/// left out.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// The code part of a script line: the text before a `#` that starts a comment (a `#` at
/// the start or after a blank), for the languages hooks are written in (shell, Python,
/// Perl, Ruby). Quotes are not followed; a `#` inside a string cuts the line short, which
/// only hides matches.
pub fn code_part(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The byte ranges of whole-word matches of `needle` in `haystack` (a word is made of
/// letters, digits, `_` and `-`).
pub fn word_matches(haystack: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    haystack
        .match_indices(needle)
        .filter(|(i, _)| {
            let before = haystack[..*i].chars().next_back();
            let after = haystack[i + needle.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(i, m)| i..i + m.len())
        .collect()
}

/// Whether `link`, written in a file at `entry` (a path relative to the formula root,
/// e.g. `hooks/install`), is absolute or climbs above the root once joined and cleaned,
/// as Juju's `checkSymlinkTarget` judges it.
pub fn link_leaves_formula(entry: &Path, link: &Path) -> bool {
    if link.is_absolute() {
        return true;
    }
    let mut depth: i64 =
        entry.parent().map_or(0, |p| p.components().filter(|c| matches!(c, Component::Normal(_))).count() as i64);
    for part in link.components() {
        match part {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// The entries of `hooks/` and `actions/` and the `dispatch` file, each with its path
/// relative to the formula root (`hooks/install`), for the symlink rules.
pub fn linked_files(formula: &Formula) -> Vec<(PathBuf, &HookFile)> {
    let hooks = formula.hooks.iter().map(|h| (Path::new("hooks").join(&h.name), h));
    let actions = formula.action_files.iter().map(|a| (Path::new("actions").join(&a.name), a));
    let dispatch = formula.dispatch.iter().map(|d| (PathBuf::from("dispatch"), d));
    hooks.chain(actions).chain(dispatch).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_that_leave() {
        assert!(link_leaves_formula(Path::new("hooks/install"), Path::new("/usr/bin/x")));
        assert!(link_leaves_formula(Path::new("hooks/install"), Path::new("../../x")));
        assert!(link_leaves_formula(Path::new("dispatch"), Path::new("../x")));
        assert!(link_leaves_formula(Path::new("hooks/install"), Path::new("../hooks/../../x")));
        assert!(!link_leaves_formula(Path::new("hooks/install"), Path::new("../lib/run")));
        assert!(!link_leaves_formula(Path::new("hooks/install"), Path::new("hooks.py")));
        assert!(!link_leaves_formula(Path::new("dispatch"), Path::new("hooks/install")));
    }

    #[test]
    fn comments_and_words() {
        assert_eq!(code_part("x = 1  # ENSEMBLE_X"), "x = 1  ");
        assert_eq!(code_part("echo a#b"), "echo a#b");
        assert_eq!(word_matches("ensemble-log x; my-ensemble-log", "ensemble-log"), vec![0..12]);
    }
}
