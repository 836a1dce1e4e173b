//! F004 `file-unreadable`: a file of the formula cannot be read.
#![doc = include_str!("f004_file_unreadable.md")]

use super::support::files::{real_path, relative};
use super::support::layer::layer;
use super::support::wording::tidy_reason;
use crate::diagnostic::Severity;
use crate::format::Formula;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use std::path::Path;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F004",
    name: "file-unreadable",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a file of the formula cannot be read",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("27,30"),
    explanation: include_str!("f004_file_unreadable.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let formula = ctx.formula;
    let layer_problems = layer(formula).map(|l| l.problems).unwrap_or_default();
    for problem in formula.read_problems.iter().chain(&layer_problems).filter(|p| !p.too_large) {
        report(out, formula, &problem.path, &problem.reason);
    }
    // Files that only `charm proof` opens: it reports them as information (the icon) or as a
    // warning (READMEs), and so does this rule.
    for name in &formula.root_entries {
        let severity = if name == "icon.svg" {
            Severity::Info
        } else if name.to_uppercase().contains("README") {
            Severity::Warning
        } else {
            continue;
        };
        if let Some(reason) = unreadable(&formula.dir.join(name)) {
            report(out, formula, &formula.display(name), &reason).severity = severity;
        }
    }
}

fn report<'r>(out: &'r mut Reporter, formula: &Formula, shown: &Path, reason: &str) -> &'r mut crate::Diagnostic {
    let name = relative(formula, shown);
    let message = if reason.starts_with("is ") {
        format!("`{name}` {reason}")
    } else {
        format!("cannot read `{name}`: {}", tidy_reason(reason))
    };
    let help = std::fs::read_link(real_path(formula, shown))
        .ok()
        .map(|target| format!("`{name}` is a symbolic link to `{}`; point it at a readable file", target.display()));
    let diagnostic = out.report(shown, None, message);
    diagnostic.help = help;
    diagnostic
}

/// Why the file at `path` (which is listed in its directory) cannot be read, if it cannot.
fn unreadable(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(e) => Some(e.to_string()),
        Ok(meta) if meta.is_dir() => Some("is a directory, not a file".into()),
        Ok(meta) if !meta.is_file() => Some("is not a regular file".into()),
        Ok(_) => std::fs::File::open(path).err().map(|e| e.to_string()),
    }
}
