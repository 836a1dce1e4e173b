//! The one diagnostic type that every check produces and every renderer reads.

use crate::source::Span;
use serde::Serialize;
use std::path::PathBuf;

/// How serious a finding is. The order matters: `Error` is the greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a pipeline (`charm proof`'s `I:`).
    Info,
    /// The formula deploys but may misbehave (`W:`).
    Warning,
    /// Juju refuses the formula or a hook cannot run (`E:`).
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The letter `charm proof` prints for this severity.
    pub fn proof_letter(self) -> char {
        match self {
            Severity::Info => 'I',
            Severity::Warning => 'W',
            Severity::Error => 'E',
        }
    }
}

/// A secondary place that helps explain a diagnostic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// Where in it.
    pub span: Span,
    /// What this place is.
    pub message: String,
}

/// One finding about one place in a formula.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `F503`.
    pub code: &'static str,
    /// The rule's name, e.g. `hook-not-executable`.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong: lowercase, no trailing period, identifiers in backticks.
    pub message: String,
    /// The file, as shown to the user (relative to where the lint started).
    pub path: PathBuf,
    /// Where in the file; `None` for findings about a whole file or a missing one.
    pub span: Option<Span>,
    /// Other places worth showing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// How to fix it, when there is a simple answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Edits that resolve it, when the rule knows them (`formula lint --fix`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    /// The key diagnostics are sorted by: path, then position, then code.
    pub fn sort_key(&self) -> (PathBuf, usize, &'static str, String) {
        (self.path.clone(), self.span.map_or(0, |s| s.start.offset), self.code, self.message.clone())
    }
}

/// Sorts diagnostics into their stable output order and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_key(Diagnostic::sort_key);
    diagnostics.dedup();
}

/// The greatest severity among `diagnostics`, if any.
pub fn max_severity(diagnostics: &[Diagnostic]) -> Option<Severity> {
    diagnostics.iter().map(|d| d.severity).max()
}
