//! A JSON array of findings, with 1-based lines and character columns.

use crate::diagnostic::Diagnostic;
use serde_json::{json, Value};

pub(super) fn render(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut item = json!({
                "code": d.code,
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "message": d.message,
                "path": d.path.to_string_lossy(),
            });
            if let Some(span) = d.span {
                item["line"] = json!(span.start.line);
                item["column"] = json!(span.start.column);
                item["end_line"] = json!(span.end.line);
                item["end_column"] = json!(span.end.column);
            }
            if let Some(help) = &d.help {
                item["help"] = json!(help);
            }
            if let Some(fix) = &d.fix {
                item["fix"] = json!(fix.applicability.as_str());
            }
            item
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
