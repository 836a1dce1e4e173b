//! One line per finding, for grep and editors.

use crate::diagnostic::Diagnostic;
use std::fmt::Write;

pub(super) fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = match super::start(d) {
            Some((line, column)) => format!("{}:{line}:{column}", d.path.display()),
            None => d.path.display().to_string(),
        };
        let _ = writeln!(out, "{place}: {}[{}] {}", d.severity.as_str(), d.code, d.message);
    }
    out
}
