//! F506 `hook-interpreter-missing`: a hook's interpreter is not on a current Ubuntu unit.
#![doc = include_str!("f506_hook_interpreter_missing.md")]

use super::support::hooks::executed;
use crate::diagnostic::Severity;
use crate::format::first_line_span;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F506",
    name: "hook-interpreter-missing",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook's interpreter is not on a current Ubuntu unit",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f506_hook_interpreter_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
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
        let Some(problem) = judge(shebang, early) else {
            continue;
        };
        let message = format!("{} cannot start: {}", run.describe(), problem.message);
        let diagnostic = out.report(&file.display, Some(first_line_span(text)), message);
        diagnostic.help = problem.help;
        if !problem.certain {
            diagnostic.severity = Severity::Warning;
        }
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

/// Programs that a hook may name as its interpreter and that every stock Ubuntu server
/// image has (22.04 and 24.04).
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
fn judge(shebang: &str, early: bool) -> Option<Problem> {
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
    if let Some(problem) = judge_program(path, early) {
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
    judge_program(program, early)
}

/// Judges one interpreter, named by its absolute path or (after `env`) by its name.
fn judge_program(program: &str, early: bool) -> Option<Problem> {
    let name = base_name(program);
    if name == "python" {
        return Some(Problem::new(
            format!("`{program}` does not exist on Ubuntu 20.04 and later, which have only `python3`"),
            USE_PYTHON3,
        ));
    }
    if name.starts_with("python2") {
        return Some(Problem::new(
            format!("`{program}` is Python 2, which current Ubuntu units do not have"),
            USE_PYTHON3,
        ));
    }
    let dir = program.rfind('/').map(|i| if i == 0 { "/" } else { &program[..i] });
    let in_standard_dir = dir.is_none_or(|d| STANDARD_DIRS.contains(&d));
    let stock = STOCK_PROGRAMS.contains(&name) && dir != Some("/usr/local/bin");
    if in_standard_dir && stock {
        return None;
    }
    let what = match (in_standard_dir, name.starts_with("python3.")) {
        (_, true) => {
            format!("`{program}` exists only on the Ubuntu release that ships that Python version")
        }
        (true, false) => format!("`{program}` is not installed on a stock Ubuntu unit"),
        (false, false) => {
            format!("`{program}` lies outside the program directories of a stock Ubuntu unit")
        }
    };
    if name.starts_with("python3.") {
        return Some(Problem { message: what, help: Some("use `#!/usr/bin/env python3`".into()), certain: false });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(shebang: &str, early: bool) -> Option<bool> {
        judge(shebang, early).map(|p| p.certain)
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
        }
    }

    #[test]
    fn gone_pythons_are_errors() {
        for bad in ["/usr/bin/python", "/usr/bin/env python", "/usr/bin/python2.7", "/usr/bin/env python2"] {
            assert_eq!(verdict(bad, false), Some(true), "{bad}");
        }
    }

    #[test]
    fn other_programs_depend_on_the_hook() {
        assert_eq!(verdict("/usr/bin/env ruby", false), Some(false));
        assert_eq!(verdict("/usr/bin/env ruby", true), Some(true));
        assert_eq!(verdict("/opt/app/bin/node", false), Some(false));
        assert_eq!(verdict("/usr/local/bin/bash", true), Some(true));
        assert_eq!(verdict("/usr/bin/python3.8", true), Some(false));
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(verdict("/bin/bash\r", false), Some(true));
        assert_eq!(verdict("", false), Some(true));
        assert_eq!(verdict("bash", false), Some(true));
        assert_eq!(verdict("/usr/bin/env python3 -u", false), Some(true));
        assert_eq!(verdict("/usr/bin/env", false), Some(true));
    }
}
