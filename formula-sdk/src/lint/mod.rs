//! `formula lint`: every check of `charm proof`, Juju's own rules, and more.
//!
//! Each rule lives in one file under `rules/` (with its explanation beside it in a `.md`
//! file) and is registered by one line in [`registry::RULES`]. A rule is a function that
//! reads a [`LintContext`] and reports through a [`Reporter`]; the driver runs the selected
//! rules, applies the formula's allow-list, and sorts the result.

pub mod bundle;
mod context;
pub mod registry;
pub mod rules;
mod selection;
pub mod shell;

pub use crate::fix::FixAvailability;
pub use context::LintContext;
pub use selection::{Selection, ALLOW_FILE};

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::format::Formula;
use crate::source::Span;
use std::path::{Path, PathBuf};

/// The family a rule belongs to, which also says how sure it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Juju refuses the formula, or a hook cannot run.
    Correctness,
    /// The formula deploys but is likely to misbehave.
    Suspicious,
    /// Conventions that `charm proof` and the store ask for.
    Style,
    /// 2011 Ensemble spellings that today's Juju does not know.
    Compat,
    /// Opinions; off unless selected.
    Pedantic,
}

impl Group {
    /// The group's name as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Style => "style",
            Group::Compat => "compat",
            Group::Pedantic => "pedantic",
        }
    }
}

/// What a rule looks at.
#[derive(Clone, Copy)]
pub enum Check {
    /// A formula directory.
    Formula(fn(&LintContext, &mut Reporter)),
    /// A `bundle.yaml`.
    Bundle(fn(&bundle::BundleContext, &mut Reporter)),
    /// Reported by the driver itself (a path that is not a formula at all).
    Driver,
}

/// A lint rule: its identity, its documentation and its check.
pub struct Rule {
    /// Stable code, never reused (`F503`).
    pub code: &'static str,
    /// Name that describes the flagged pattern and reads well after "allow".
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Family.
    pub group: Group,
    /// One line, shown by `formula lint --list`.
    pub summary: &'static str,
    /// The version that introduced it.
    pub since: &'static str,
    /// Whether its findings come with a fix, and whether that fix is safe.
    pub fix: FixAvailability,
    /// The `charm proof` check it corresponds to (spec §7 row), if any.
    pub proof: Option<&'static str>,
    /// The explanation (`## What it does`, `## Why is this bad?`, `## Example`).
    pub explanation: &'static str,
    /// The check.
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Collects the findings of one rule.
pub struct Reporter {
    rule: &'static Rule,
    found: Vec<Diagnostic>,
}

impl Reporter {
    /// A reporter for `rule`.
    pub fn new(rule: &'static Rule) -> Reporter {
        Reporter { rule, found: Vec::new() }
    }

    /// Reports a finding at `span` of `path`; returns it so that the caller can add help or
    /// labels, or change its severity.
    pub fn report(&mut self, path: &Path, span: Option<Span>, message: impl Into<String>) -> &mut Diagnostic {
        self.found.push(Diagnostic {
            code: self.rule.code,
            rule: self.rule.name,
            severity: self.rule.severity,
            message: message.into(),
            path: path.to_path_buf(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
        });
        let last = self.found.len() - 1;
        &mut self.found[last]
    }

    /// The findings so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// Lints one formula directory with the rules `selection` enables.
pub fn lint_formula(formula: &Formula, selection: &Selection) -> Vec<Diagnostic> {
    let ctx = LintContext::new(formula);
    let allowed = selection::AllowList::load(formula);
    let mut out = Vec::new();
    for rule in registry::RULES {
        if !selection.enables(rule) || allowed.allows(rule) {
            continue;
        }
        if let Check::Formula(check) = rule.check {
            let mut reporter = Reporter::new(rule);
            check(&ctx, &mut reporter);
            out.extend(reporter.into_diagnostics());
        }
    }
    if let Some(rule) = registry::find("F008") {
        if selection.enables(rule) {
            out.extend(allowed.problems(rule));
        }
    }
    diagnostic::sort(&mut out);
    out
}

/// Lints a `bundle.yaml` file.
pub fn lint_bundle(path: &Path, display: &Path, selection: &Selection) -> Vec<Diagnostic> {
    let ctx = bundle::BundleContext::load(path, display);
    let mut out = Vec::new();
    for rule in registry::RULES {
        if !selection.enables(rule) {
            continue;
        }
        if let Check::Bundle(check) = rule.check {
            let mut reporter = Reporter::new(rule);
            check(&ctx, &mut reporter);
            out.extend(reporter.into_diagnostics());
        }
    }
    diagnostic::sort(&mut out);
    out
}

/// What one path given to `formula lint` turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A formula directory.
    Formula(PathBuf),
    /// A bundle file.
    Bundle(PathBuf),
    /// A charm archive (`*.charm`), linted as it unpacks.
    Archive(PathBuf),
    /// A charmcraft project (`charmcraft.yaml`), linted as it is laid out in its charm.
    Project(PathBuf),
    /// Nothing lintable; the diagnostic says why.
    Invalid(PathBuf, String),
}

/// Expands the paths given on the command line into formulas and bundles: a formula
/// directory is itself; a directory that holds formulas gives each of them (and its
/// bundle.yaml), searched four levels down; a file named `*.yaml` is a bundle.
///
/// A directory given explicitly that has `hooks/` or `config.yaml` but no `metadata.yaml` is
/// linted as a formula, so that the missing file is reported as such (F003) instead of the
/// directory being called "not a formula".
pub fn discover(paths: &[PathBuf]) -> Vec<Target> {
    let mut targets = Vec::new();
    for path in paths {
        let shown = path.display();
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                targets.push(Target::Invalid(path.clone(), format!("`{shown}` does not exist")));
            }
            Err(e) => targets.push(Target::Invalid(path.clone(), format!("cannot read `{shown}`: {e}"))),
            Ok(meta) if meta.is_file() => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.ends_with(".yaml") || name.ends_with(".yml") {
                    targets.push(Target::Bundle(path.clone()));
                } else if name.ends_with(".charm") {
                    targets.push(Target::Archive(path.clone()));
                } else {
                    targets.push(Target::Invalid(
                        path.clone(),
                        format!("`{shown}` is a file, neither a formula directory, a charm (`*.charm`) nor a bundle (`*.yaml`)"),
                    ));
                }
            }
            Ok(_) if !has_metadata(path) && looks_like_formula(path) => targets.push(Target::Formula(path.clone())),
            Ok(_) => {
                let before = targets.len();
                collect(path, 0, &mut targets);
                if targets.len() == before {
                    targets.push(Target::Invalid(
                        path.clone(),
                        format!("`{shown}` has no `metadata.yaml` (formula) or `bundle.yaml` (bundle), and neither do the directories below it"),
                    ));
                }
            }
        }
    }
    targets
}

/// Whether `dir` has a `metadata.yaml` entry, even one that cannot be read (a dangling or
/// looping link is the formula's problem to report, not a reason to skip the directory).
fn has_metadata(dir: &Path) -> bool {
    crate::format::is_formula_dir(dir) || std::fs::symlink_metadata(dir.join("metadata.yaml")).is_ok()
}

/// Whether `dir` has the other parts of a formula: a `hooks/` directory or a `config.yaml`.
fn looks_like_formula(dir: &Path) -> bool {
    dir.join("hooks").is_dir() || dir.join("config.yaml").is_file()
}

/// How far below a given directory formulas are searched (`repo/examples/stack/formulas/x`).
const MAX_SEARCH_DEPTH: usize = 4;

fn collect(dir: &Path, depth: usize, out: &mut Vec<Target>) {
    if has_metadata(dir) {
        out.push(Target::Formula(dir.to_path_buf()));
        return;
    }
    if crate::charmcraft::is_project(dir) {
        out.push(Target::Project(dir.to_path_buf()));
        return;
    }
    if dir.join("bundle.yaml").is_file() {
        out.push(Target::Bundle(dir.join("bundle.yaml")));
    }
    if depth >= MAX_SEARCH_DEPTH {
        return;
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    !name.starts_with('.') && name != "target" && name != "node_modules"
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    subdirs.sort();
    for sub in subdirs {
        collect(&sub, depth + 1, out);
    }
}

/// The diagnostic for a path that is not lintable (`charm proof`'s fatal "not a directory").
pub fn invalid_target(path: &Path, message: &str) -> Diagnostic {
    let rule = registry::find("F001").unwrap_or(registry::RULES[0]);
    let mut reporter = Reporter::new(rule);
    reporter.report(path, None, message.to_string());
    reporter.into_diagnostics().remove(0)
}

/// The exit code `charm proof` would give: 0 for nothing above info, 100 for warnings,
/// 200 for errors; `strict` counts warnings as errors.
pub fn exit_code(diagnostics: &[Diagnostic], strict: bool) -> u8 {
    match diagnostic::max_severity(diagnostics) {
        Some(Severity::Error) => 200,
        Some(Severity::Warning) if strict => 200,
        Some(Severity::Warning) => 100,
        _ => 0,
    }
}
