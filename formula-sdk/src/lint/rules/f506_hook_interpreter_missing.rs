//! F506 `hook-interpreter-missing`: a hook's interpreter is not on a current Ubuntu unit.
#![doc = include_str!("f506_hook_interpreter_missing.md")]

use super::support::hooks::executed;
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix};
use crate::format::first_line_span;
use crate::format::DeclaredBases;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F506",
    name: "hook-interpreter-missing",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook's interpreter is not on a current Ubuntu unit",
    since: "0.1.0",
    fix: FixAvailability::Unsafe,
    proof: None,
    explanation: include_str!("f506_hook_interpreter_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let target = Target::declared(&ctx.formula.metadata.series, &ctx.formula.bases);
    for run in executed(ctx) {
        let file = run.file;
        let Some(text) = &file.text else { continue };
        let Some(first) = text.split('\n').next() else {
            continue;
        };
        let Some(shebang) = first.strip_prefix("#!") else {
            continue;
        };
        let early = run.hooks.iter().any(|h| runs_before_anything_is_installed(h));
        let Some(problem) = judge(shebang, early, &target) else {
            continue;
        };
        let message = format!("{} cannot start: {}", run.describe(), problem.message);
        let diagnostic = out.report(&file.display, Some(first_line_span(text)), message);
        diagnostic.help = problem.help;
        if !problem.certain {
            diagnostic.severity = Severity::Warning;
        }
        // Python 2 → Python 3, when every target release has Python 3 and the hook is a plain
        // file of the formula. Unsafe: the hook's code may be Python 2.
        let python3_everywhere = matches!(target.judge("/usr/bin/python3", "python3"), Some(None));
        if let (Some((start, end, with)), true, None, Ok(relative)) =
            (python2_program(shebang), python3_everywhere, &file.symlink, file.path.strip_prefix(&ctx.formula.dir))
        {
            let edit =
                Edit::Replace { path: relative.to_path_buf(), start: start + 2, end: end + 2, text: with.into() };
            diagnostic.fix = Some(Fix::unsafe_(vec![edit]));
        }
    }
}

/// Where a `#!` line (the text after `#!`) names Python 2, as a byte range of it, and what
/// names Python 3 there: `/usr/bin/python` (or `/bin/…`, `python2`, `python2.7`) becomes
/// `/usr/bin/python3`, and `/usr/bin/env python` becomes `/usr/bin/env python3`. Lines with
/// interpreter options are left alone.
fn python2_program(shebang: &str) -> Option<(usize, usize, &'static str)> {
    let is_python2 = |name: &str| matches!(name, "python" | "python2" | "python2.7");
    let blank = |c: char| c == ' ' || c == '\t';
    if shebang.ends_with('\r') {
        return None;
    }
    let start = shebang.len() - shebang.trim_start_matches(blank).len();
    let rest = &shebang[start..];
    let path_len = rest.find(blank).unwrap_or(rest.len());
    let path = &rest[..path_len];
    let argument = rest[path_len..].trim_matches(blank);
    match path {
        "/usr/bin/env" | "/bin/env" if is_python2(argument) => {
            let at = start + path_len + (rest[path_len..].len() - rest[path_len..].trim_start_matches(blank).len());
            Some((at, at + argument.len(), "python3"))
        }
        _ if argument.is_empty()
            && is_python2(base_name(path))
            && matches!(path.rfind('/').map(|i| &path[..i]), Some("/usr/bin" | "/bin")) =>
        {
            Some((start, start + path_len, "/usr/bin/python3"))
        }
        _ => None,
    }
}

/// Why an interpreter line fails, and how sure that is.
#[derive(Debug, PartialEq)]
struct Problem {
    message: String,
    help: Option<String>,
    /// False when the interpreter may have been installed by an earlier hook.
    certain: bool,
}

impl Problem {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem { message: message.into(), help: Some(help.into()), certain: true }
    }
}

/// The directories that hold programs on an Ubuntu unit (`/bin` and `/sbin` are links to
/// their `/usr` twins since 20.04).
const STANDARD_DIRS: &[&str] = &["/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"];

/// Programs that a hook may name as its interpreter and that every release in [`RELEASES`]
/// has (`python3`, which 12.04 lacks, is judged by that table first).
const STOCK_PROGRAMS: &[&str] =
    &["sh", "bash", "dash", "rbash", "python3", "perl", "env", "awk", "mawk", "sed", "true", "false", "cat"];

/// The replacement for every Python interpreter that is gone.
const USE_PYTHON3: &str = "use `#!/usr/bin/env python3` (and port the hook to Python 3 if it is Python 2 code)";

/// Whether `hook` runs before any hook of the formula could have installed an interpreter.
fn runs_before_anything_is_installed(hook: &str) -> bool {
    hook == "install" || hook == "dispatch" || hook.ends_with("-storage-attached")
}

/// Judges the text after `#!` the way the kernel reads it: the interpreter's path up to the
/// first blank, then at most one argument (the rest of the line, as one word).
fn judge(shebang: &str, early: bool, target: &Target) -> Option<Problem> {
    if shebang.ends_with('\r') {
        return Some(Problem::new(
            format!("the `#!` line ends with a carriage return, so the kernel looks for `{}\\r`", shebang.trim()),
            "convert the file to Unix line endings (`dos2unix`)",
        ));
    }
    let line = shebang.trim_matches(|c| c == ' ' || c == '\t');
    let (path, argument) = match line.find([' ', '\t']) {
        Some(i) => (&line[..i], line[i..].trim_matches(|c| c == ' ' || c == '\t')),
        None => (line, ""),
    };
    if path.is_empty() {
        return Some(Problem::new(
            "the `#!` line names no interpreter",
            "write the interpreter's path, e.g. `#!/bin/bash`",
        ));
    }
    if !path.starts_with('/') {
        return Some(Problem::new(
            format!(
                "interpreter `{path}` is not an absolute path, so the kernel looks for it in the formula directory"
            ),
            format!("write its full path, e.g. `#!/usr/bin/env {}`", base_name(path)),
        ));
    }
    if let Some(problem) = judge_program(path, early, target) {
        return Some(problem);
    }
    if base_name(path) != "env" {
        return None;
    }
    // `#!/usr/bin/env prog`: env searches PATH for the argument.
    let program = match argument.strip_prefix("-S") {
        Some(split) => split.split_whitespace().next().unwrap_or(""),
        None if argument.contains([' ', '\t']) => {
            return Some(Problem::new(
                format!(
                    "the kernel passes `{argument}` to `env` as one word, so `env` looks for a program of that name"
                ),
                format!("use `#!/usr/bin/env -S {argument}`, or drop the options"),
            ));
        }
        None => argument,
    };
    if program.is_empty() || program.starts_with('-') {
        return Some(Problem::new(
            format!("`{line}` names no program for `env` to run"),
            "name the program: `#!/usr/bin/env python3`",
        ));
    }
    judge_program(program, early, target)
}

/// Judges one interpreter, named by its absolute path or (after `env`) by its name.
fn judge_program(program: &str, early: bool, target: &Target) -> Option<Problem> {
    let name = base_name(program);
    let dir = program.rfind('/').map(|i| if i == 0 { "/" } else { &program[..i] });
    let in_standard_dir = dir.is_none_or(|d| STANDARD_DIRS.contains(&d));
    let local = dir == Some("/usr/local/bin");
    // The Python family varies by release; `/usr/local/bin` holds nothing on a fresh unit.
    if in_standard_dir && !local {
        if let Some(verdict) = target.judge(program, name) {
            return verdict;
        }
        if STOCK_PROGRAMS.contains(&name) {
            return None;
        }
    }
    let what = if in_standard_dir {
        format!("`{program}` is not installed on a stock Ubuntu unit")
    } else {
        format!("`{program}` lies outside the program directories of a stock Ubuntu unit")
    };
    if early {
        return Some(Problem::new(
            format!("{what}, and this hook runs before any other hook could install it"),
            "write the hook in `bash` or `python3`, which every unit has",
        ));
    }
    Some(Problem {
        message: what,
        help: Some("make sure the `install` hook installs it, or write the hook in `bash` or `python3`".into()),
        certain: false,
    })
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// One Ubuntu LTS release, and the Python a unit of it has before any hook runs: what its
/// cloud image (the image Juju starts machines from) installs by default. The facts and
/// their sources are in the rule's documentation.
#[derive(Debug)]
struct Release {
    series: &'static str,
    version: &'static str,
    /// Python 2 as `/usr/bin/python`, `/usr/bin/python2` and `/usr/bin/python2.7`.
    python2: bool,
    /// The `python3.N` behind `/usr/bin/python3`, when Python 3 is installed.
    python3: Option<&'static str>,
}

/// The releases F506 knows, oldest first. Programs that are on every one of them (`sh`,
/// `bash`, `dash`, `perl`, `env`, `awk`, `sed`, …) are in [`STOCK_PROGRAMS`]; programs on
/// none of them (`ruby`, `node`, `php`, …) are everything else.
const RELEASES: &[Release] = &[
    Release { series: "precise", version: "12.04", python2: true, python3: None },
    Release { series: "trusty", version: "14.04", python2: true, python3: Some("3.4") },
    Release { series: "xenial", version: "16.04", python2: false, python3: Some("3.5") },
    Release { series: "bionic", version: "18.04", python2: false, python3: Some("3.6") },
    Release { series: "focal", version: "20.04", python2: false, python3: Some("3.8") },
    Release { series: "jammy", version: "22.04", python2: false, python3: Some("3.10") },
    Release { series: "noble", version: "24.04", python2: false, python3: Some("3.12") },
];

/// Where a formula without `series` may land: Juju 2.0 and later default a model to xenial
/// or a newer LTS, so precise and trusty are only reached by declaring them.
const UNDECLARED_FROM: &str = "xenial";

impl Release {
    /// Whether a unit of this release has `name` (a program's base name) before any hook
    /// runs, when the release decides it: `None` for a program outside the Python family.
    fn has(&self, name: &str) -> Option<bool> {
        if name == "python" || name == "python2" || name == "python2.7" {
            return Some(self.python2);
        }
        if name == "python3" {
            return Some(self.python3.is_some());
        }
        let minor = name.strip_prefix("python")?;
        if minor.starts_with("3.") {
            return Some(self.python3 == Some(minor));
        }
        if minor.starts_with("2.") {
            return Some(false);
        }
        None
    }

    fn describe(&self) -> String {
        format!("{} ({})", self.series, self.version)
    }
}

/// The releases a formula's hooks must start on.
#[derive(Debug)]
struct Target {
    releases: Vec<&'static Release>,
    /// Where the formula declares them ("`series`", "manifest.yaml's `bases`"); `None`:
    /// every release it may land on.
    declared: Option<String>,
}

impl Target {
    /// The known releases among metadata's `series`, else among the `bases` of
    /// manifest.yaml or charmcraft.yaml; with none known (or none declared), every release
    /// since [`UNDECLARED_FROM`].
    fn declared(series: &[String], bases: &DeclaredBases) -> Target {
        let releases: Vec<&'static Release> =
            RELEASES.iter().filter(|r| series.iter().any(|s| s == r.series)).collect();
        if !releases.is_empty() {
            return Target { releases, declared: Some("`series`".into()) };
        }
        let releases: Vec<&'static Release> =
            RELEASES.iter().filter(|r| bases.versions.iter().any(|v| v == r.version)).collect();
        if !releases.is_empty() {
            return Target { releases, declared: Some(bases.source.clone()) };
        }
        let from = RELEASES.iter().position(|r| r.series == UNDECLARED_FROM).unwrap_or(0);
        Target { releases: RELEASES[from..].iter().collect(), declared: None }
    }

    /// The problem with `program` (its base name is `name`), when the Python table decides
    /// it: `Some(None)` when it is on every target release, `None` when the table does not
    /// know the program.
    fn judge(&self, program: &str, name: &str) -> Option<Option<Problem>> {
        let mut missing = Vec::new();
        for release in &self.releases {
            if !release.has(name)? {
                missing.push(release.describe());
            }
        }
        if missing.is_empty() {
            return Some(None);
        }
        let what = match name {
            "python" | "python2" => format!("`{program}` (Python 2)"),
            _ => format!("`{program}`"),
        };
        let on = join(&missing);
        let help = if name == "python3" {
            "write the hook in `bash` or `perl`, which every release has".to_string()
        } else if name.starts_with("python3.") {
            "use `#!/usr/bin/env python3`".to_string()
        } else {
            USE_PYTHON3.to_string()
        };
        let problem = if let Some(place) = &self.declared {
            Problem::new(format!("{what} is not installed on {on}, which the formula declares in {place}"), help)
        } else {
            Problem {
                message: format!(
                    "{what} is not installed on {on}, and the formula declares no `series` that would rule them out"
                ),
                help: Some(format!("{help}; or list the releases the hook runs on in `series`")),
                certain: false,
            }
        };
        Some(Some(problem))
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(names: &[&str]) -> Target {
        Target::declared(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &DeclaredBases::default())
    }

    #[test]
    fn bases_declare_releases_when_series_do_not() {
        let bases =
            DeclaredBases { versions: vec!["14.04".into(), "20.04".into()], source: "manifest.yaml's `bases`".into() };
        let message = judge("/usr/bin/python", false, &Target::declared(&[], &bases)).map(|p| (p.message, p.certain));
        assert_eq!(
            message,
            Some((
                "`/usr/bin/python` (Python 2) is not installed on focal (20.04), which the formula declares in manifest.yaml's `bases`".into(),
                true
            ))
        );
        let trusty = DeclaredBases { versions: vec!["14.04".into()], source: "charmcraft.yaml's `bases`".into() };
        assert_eq!(verdict_on("/usr/bin/python", true, &Target::declared(&[], &trusty)), None);
        // metadata's `series` come first.
        assert_eq!(verdict_on("/usr/bin/python", true, &Target::declared(&["trusty".into()], &bases)), None);
    }

    /// `None`: no finding; `Some(true)`: an error; `Some(false)`: a warning.
    fn verdict_on(shebang: &str, early: bool, target: &Target) -> Option<bool> {
        judge(shebang, early, target).map(|p| p.certain)
    }

    fn verdict(shebang: &str, early: bool) -> Option<bool> {
        verdict_on(shebang, early, &series(&[]))
    }

    #[test]
    fn stock_interpreters_pass() {
        for ok in [
            "/bin/bash",
            "/bin/sh -e",
            " /usr/bin/env python3",
            "/usr/bin/python3",
            "/usr/bin/env -S python3 -u",
            "/usr/bin/perl -w",
            "/bin/env bash",
        ] {
            assert_eq!(verdict(ok, true), None, "{ok}");
            assert_eq!(verdict_on(ok, true, &series(&["trusty", "noble"])), None, "{ok}");
        }
    }

    #[test]
    fn python2_depends_on_the_declared_series() {
        let old = series(&["precise", "trusty"]);
        let new = series(&["focal"]);
        for python2 in ["/usr/bin/python", "/usr/bin/env python", "/usr/bin/python2.7", "/usr/bin/env python2"] {
            assert_eq!(verdict_on(python2, true, &old), None, "{python2}");
            assert_eq!(verdict_on(python2, false, &new), Some(true), "{python2}");
            assert_eq!(verdict_on(python2, true, &series(&["trusty", "xenial"])), Some(true), "{python2}");
            assert_eq!(verdict(python2, true), Some(false), "{python2}");
        }
    }

    #[test]
    fn messages_name_the_releases() {
        let declared = judge("/usr/bin/python", false, &series(&["trusty", "xenial", "focal"])).map(|p| p.message);
        assert_eq!(
            declared.as_deref(),
            Some("`/usr/bin/python` (Python 2) is not installed on xenial (16.04) and focal (20.04), which the formula declares in `series`")
        );
        let undeclared = judge("/usr/bin/python", false, &series(&[])).map(|p| p.message).unwrap_or_default();
        assert!(
            undeclared.contains("xenial (16.04), bionic (18.04), focal (20.04), jammy (22.04) and noble (24.04)"),
            "{undeclared}"
        );
    }

    #[test]
    fn unknown_series_count_as_undeclared() {
        assert_eq!(verdict_on("/usr/bin/python", false, &series(&["centos7", "kinetic"])), Some(false));
        // A known series among unknown ones decides.
        assert_eq!(verdict_on("/usr/bin/python", false, &series(&["centos7", "trusty"])), None);
    }

    #[test]
    fn python3_and_its_versions() {
        assert_eq!(verdict_on("/usr/bin/python3", false, &series(&["precise"])), Some(true));
        assert_eq!(verdict_on("/usr/bin/python3.8", true, &series(&["focal"])), None);
        assert_eq!(verdict_on("/usr/bin/env python3.8", true, &series(&["jammy"])), Some(true));
        assert_eq!(verdict("/usr/bin/python3.8", true), Some(false));
        assert_eq!(verdict("/usr/bin/python3.12", true), Some(false));
        assert_eq!(verdict_on("/usr/bin/python3.12", true, &series(&["noble"])), None);
    }

    #[test]
    fn other_programs_depend_on_the_hook() {
        assert_eq!(verdict("/usr/bin/env ruby", false), Some(false));
        assert_eq!(verdict("/usr/bin/env ruby", true), Some(true));
        assert_eq!(verdict_on("/usr/bin/env ruby", true, &series(&["trusty"])), Some(true));
        assert_eq!(verdict("/opt/app/bin/node", false), Some(false));
        assert_eq!(verdict("/usr/local/bin/bash", true), Some(true));
        assert_eq!(verdict("/usr/local/bin/python", false), Some(false));
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(verdict("/bin/bash\r", false), Some(true));
        assert_eq!(verdict("", false), Some(true));
        assert_eq!(verdict("bash", false), Some(true));
        assert_eq!(verdict("/usr/bin/env python3 -u", false), Some(true));
        assert_eq!(verdict("/usr/bin/env", false), Some(true));
    }

    #[test]
    fn python2_lines_become_python3() {
        let fixed = |shebang: &str| {
            python2_program(shebang).map(|(start, end, with)| format!("{}{with}{}", &shebang[..start], &shebang[end..]))
        };
        assert_eq!(fixed("/usr/bin/python").as_deref(), Some("/usr/bin/python3"));
        assert_eq!(fixed(" /bin/python2.7").as_deref(), Some(" /usr/bin/python3"));
        assert_eq!(fixed("/usr/bin/env python").as_deref(), Some("/usr/bin/env python3"));
        assert_eq!(fixed("/usr/bin/env  python2 ").as_deref(), Some("/usr/bin/env  python3 "));
        for left in
            ["/usr/bin/python -u", "/usr/bin/env -S python -u", "/opt/python", "/usr/bin/python3", "/usr/bin/python\r"]
        {
            assert_eq!(fixed(left), None, "{left}");
        }
    }

    #[test]
    fn the_table_is_ordered_and_knows_the_undeclared_start() {
        assert!(RELEASES.windows(2).all(|w| w[0].version < w[1].version));
        assert!(RELEASES.iter().any(|r| r.series == UNDECLARED_FROM));
    }
}
