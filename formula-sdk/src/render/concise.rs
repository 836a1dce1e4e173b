//! One line per finding, for grep and editors; `[fix: safe]` or `[fix: unsafe]` ends the
//! line of a finding that `formula lint --fix` (with `--unsafe-fixes`) mends.

use crate::diagnostic::Diagnostic;
use std::fmt::Write;

pub(super) fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = match super::start(d) {
            Some((line, column)) => format!("{}:{line}:{column}", d.path.display()),
            None => d.path.display().to_string(),
        };
        let _ = write!(out, "{place}: {}[{}] {}", d.severity.as_str(), d.code, d.message);
        if let Some(kind) = super::fix_kind(d) {
            let _ = write!(out, " [fix: {kind}]");
        }
        out.push('\n');
    }
    out
}
