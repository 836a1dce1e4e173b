//! F505 `hook-without-shebang`: a hook script has no #! line, so it cannot be executed.
#![doc = include_str!("f505_hook_without_shebang.md")]

use super::support::hooks::executed;
use crate::diagnostic::Severity;
use crate::format::first_line_span;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F505",
    name: "hook-without-shebang",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a hook script has no #! line, so it cannot be executed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f505_hook_without_shebang.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for run in executed(ctx) {
        let file = run.file;
        let Some(text) = &file.text else { continue }; // a native executable needs no `#!`
        if file.interpreter.is_some() {
            continue;
        }
        let what = run.describe();
        let (span, message) = match missing_shebang(text) {
            Missing::Empty => (None, format!("{what} is empty; Juju fails it with `exec format error`")),
            Missing::ByteOrderMark => (
                Some(first_line_span(text)),
                format!("{what} starts with a byte-order mark before `#!`; Juju fails it with `exec format error`"),
            ),
            Missing::NoLine => (
                Some(first_line_span(text)),
                format!("{what} has no `#!` line; Juju fails it with `exec format error`"),
            ),
        };
        out.report(&file.display, span, message).help = Some(match missing_shebang(text) {
            Missing::ByteOrderMark => "save the file as UTF-8 without a byte-order mark".into(),
            _ => "start the file with its interpreter, e.g. `#!/bin/bash` or `#!/usr/bin/env python3`".into(),
        });
    }
}

/// Why a text file without an interpreter line has none.
#[derive(Debug, PartialEq)]
enum Missing {
    /// The file is empty (or blank).
    Empty,
    /// `#!` is there, after a UTF-8 byte-order mark that the kernel does not skip.
    ByteOrderMark,
    /// The first line is something else.
    NoLine,
}

fn missing_shebang(text: &str) -> Missing {
    if text.trim().is_empty() {
        Missing::Empty
    } else if text.starts_with("\u{feff}#!") {
        Missing::ByteOrderMark
    } else {
        Missing::NoLine
    }
}
