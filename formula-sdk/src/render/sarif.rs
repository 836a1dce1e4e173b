//! SARIF 2.1.0, the format GitHub code scanning uploads.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::registry::RULES;
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub(super) fn render(diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.summary, "markdown": r.explanation},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": [r.group.as_str()]},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": d.path.to_string_lossy().replace('\\', "/")},
                }
            });
            location["physicalLocation"]["region"] = match d.span {
                Some(span) => json!({
                    "startLine": span.start.line,
                    "startColumn": span.start.column,
                    "endLine": span.end.line,
                    "endColumn": span.end.column.max(span.start.column + usize::from(span.end.line == span.start.line)),
                }),
                // GitHub code scanning drops results without `region.startLine`; a finding about a
                // whole file points at its first line.
                None => json!({"startLine": 1}),
            };
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [location],
            });
            if let Some(index) = RULES.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            // SARIF's own `fixes` are text replacements, which an exec bit is not; the
            // property says what `formula lint --fix` does.
            if let Some(kind) = super::fix_kind(d) {
                result["properties"] = json!({"fix": kind});
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "formula-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/formula-kit/formula-kit",
                "rules": rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
