//! GitHub Actions workflow commands: each finding becomes an annotation on the file.

use crate::diagnostic::{Diagnostic, Severity};
use std::fmt::Write;

pub(super) fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = format!("file={}", escape_property(&d.path.to_string_lossy()));
        if let Some(span) = d.span {
            let _ = write!(props, ",line={},col={}", span.start.line, span.start.column);
            if span.end.line > span.start.line || span.end.column > span.start.column {
                let _ = write!(props, ",endLine={},endColumn={}", span.end.line, span.end.column);
            }
        }
        let _ = write!(props, ",title={}", escape_property(&format!("{} {}", d.code, d.rule)));
        let message = match super::fix_help(d) {
            Some(fix) => format!("{} ({fix})", d.message),
            None => d.message.clone(),
        };
        let _ = writeln!(out, "::{command} {props}::{}", escape_data(&message));
    }
    out
}

/// Escapes a message as the runner expects (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` also separate fields.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
