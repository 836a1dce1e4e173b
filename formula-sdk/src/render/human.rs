//! Like rustc: a title with the code, the file:line:col, the source line and a caret.

use super::Sources;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::registry;
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use std::fmt::Write;

pub(super) fn render(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let path = d.path.to_string_lossy().into_owned();
        let title = level.primary_title(d.message.as_str()).id(d.code);
        let source = sources.get(&d.path);
        let mut group = match (d.span, source) {
            (Some(span), Some(text)) if span.end.offset <= text.len() => {
                let mut snippet = Snippet::source(text).path(path.as_str()).fold(true);
                let range = span.start.offset..span.end.offset.max(span.start.offset);
                snippet = snippet.annotation(AnnotationKind::Primary.span(range));
                for label in d.labels.iter().filter(|l| l.path == d.path) {
                    let range = label.span.start.offset..label.span.end.offset;
                    snippet = snippet.annotation(AnnotationKind::Context.span(range).label(label.message.as_str()));
                }
                title.element(snippet)
            }
            (span, _) => {
                let place = match span {
                    Some(s) => format!("{path}:{}:{}", s.start.line, s.start.column),
                    None => path.clone(),
                };
                title.element(annotate_snippets::Origin::path(place))
            }
        };
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        if let Some(fix) = super::fix_help(d) {
            group = group.element(Level::HELP.message(fix));
        }
        let note = why_level(d);
        group = group.element(Level::NOTE.message(note.as_str()));
        let groups = [group];
        let _ = writeln!(out, "{}\n", renderer.render(&groups));
    }
    out
}

/// Why the finding has its level, as cargo says for its lints.
fn why_level(d: &Diagnostic) -> String {
    match registry::find(d.code) {
        Some(rule) if rule.severity == d.severity => {
            format!(
                "`{}` ({}) is {} by default; `formula lint --explain {}` tells more",
                d.rule,
                rule.group.as_str(),
                severity_phrase(d.severity),
                d.code
            )
        }
        _ => format!(
            "`{}` is {} here; `formula lint --explain {}` tells more",
            d.rule,
            severity_phrase(d.severity),
            d.code
        ),
    }
}

fn severity_phrase(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "an error",
        Severity::Warning => "a warning",
        Severity::Info => "information",
    }
}
