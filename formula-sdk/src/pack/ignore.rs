//! Which files a charm archive leaves out: version-control and build outputs always, and the
//! patterns of the formula's `.formulaignore` (one a line, as `.gitignore` writes them).

use regex::Regex;

/// Left out of every archive: version control, build outputs, Python's byte code.
pub const DEFAULT_PATTERNS: &[&str] =
    &[".git/", ".svn/", ".hg/", ".bzr/", ".tox/", "target/", "__pycache__/", "*.pyc", "*.pyo", ".formulaignore"];

/// One pattern of an ignore list.
#[derive(Debug)]
struct Pattern {
    regex: Regex,
    /// `dir/`: matches directories only.
    dirs_only: bool,
    /// `!pattern`: keeps what an earlier pattern left out.
    negated: bool,
}

/// An ignore list: the defaults, then the formula's own patterns.
#[derive(Debug, Default)]
pub struct IgnoreList {
    patterns: Vec<Pattern>,
}

impl IgnoreList {
    /// The defaults plus the lines of `text` (a `.formulaignore`); blank lines and `#`
    /// comments are skipped.
    pub fn new(text: &str) -> IgnoreList {
        let mut list = IgnoreList::default();
        for line in DEFAULT_PATTERNS.iter().copied().chain(text.lines()) {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(pattern) = Pattern::parse(line) {
                list.patterns.push(pattern);
            }
        }
        list
    }

    /// Whether `path` (relative, `/`-separated) is left out; the last matching pattern wins.
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        let mut ignored = false;
        for p in &self.patterns {
            if p.dirs_only && !is_dir {
                continue;
            }
            if p.regex.is_match(path) {
                ignored = !p.negated;
            }
        }
        ignored
    }
}

impl Pattern {
    fn parse(line: &str) -> Option<Pattern> {
        let (negated, line) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (dirs_only, line) = match line.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        // A pattern with a slash (other than a trailing one) is anchored at the formula's
        // root; one without matches a name at any depth.
        let anchored = line.contains('/');
        let body = glob_to_regex(line.trim_start_matches('/'));
        let regex = if anchored { format!("^{body}$") } else { format!("^(?:.*/)?{body}$") };
        Regex::new(&regex).ok().map(|regex| Pattern { regex, dirs_only, negated })
    }
}

/// `*` any characters but `/`, `**` any characters, `?` one character but `/`, `[…]` a class.
fn glob_to_regex(glob: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                out.push_str(".*");
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    // `**/` also matches no directory at all.
                    out.push_str("/?");
                    i += 1;
                }
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => match chars[i..].iter().position(|&c| c == ']') {
                Some(end) if end > 1 => {
                    let class: String = chars[i + 1..i + end].iter().collect();
                    let class = class.strip_prefix('!').map(|c| format!("^{c}")).unwrap_or(class);
                    out.push('[');
                    out.push_str(&class.replace('\\', "\\\\"));
                    out.push(']');
                    i += end;
                }
                _ => out.push_str("\\["),
            },
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::IgnoreList;

    #[test]
    fn defaults_leave_out_vcs_and_build_outputs() {
        let list = IgnoreList::new("");
        assert!(list.ignores(".git", true));
        assert!(list.ignores("src/target", true));
        assert!(!list.ignores("target", false));
        assert!(list.ignores("lib/__pycache__", true));
        assert!(list.ignores("lib/x.pyc", false));
        assert!(!list.ignores("hooks/install", false));
    }

    #[test]
    fn formula_patterns() {
        let list = IgnoreList::new("# notes\n*.log\n/build/\ndocs/*.draft\n!keep.log\n");
        assert!(list.ignores("a/b/c.log", false));
        assert!(!list.ignores("keep.log", false));
        assert!(list.ignores("build", true));
        assert!(!list.ignores("src/build", true));
        assert!(list.ignores("docs/x.draft", false));
        assert!(!list.ignores("docs/sub/x.draft", false));
        assert!(!list.ignores("metadata.yaml", false));
    }

    #[test]
    fn double_star_and_classes() {
        let list = IgnoreList::new("a/**/z\nfile[0-9].txt\n");
        assert!(list.ignores("a/z", false));
        assert!(list.ignores("a/b/c/z", false));
        assert!(list.ignores("file7.txt", false));
        assert!(!list.ignores("filex.txt", false));
    }
}
