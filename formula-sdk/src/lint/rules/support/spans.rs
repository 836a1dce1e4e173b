//! Where a finding points, and the text it points at.
//!
//! The YAML parser gives each node a tight span: a quoted scalar ends at its closing quote and
//! a flow collection at its bracket, never on a comment that follows (`yaml::parse`), so the
//! spans are used as they are.

use crate::source::{Pos, PositionIndex, Span};
use crate::yaml::Node;

/// The text `node` was written as in `text` (quotes, tags and anchors included; `yes`, not
/// `true`), or `""` when the span does not fit the text.
pub fn written<'t>(node: &Node, text: &'t str) -> &'t str {
    text.get(node.span.start.offset..node.span.end.offset).unwrap_or("").trim()
}

/// The span from byte `start` to byte `end` of `text`, with lines and character columns.
pub fn span_of_bytes(text: &str, start: usize, end: usize) -> Span {
    Locator::new(text).span(start, end.max(start))
}

/// `span` cut at the end of its first line, so that a finding about a whole block points at
/// the line where it starts.
pub fn first_line(span: Span, text: &str) -> Span {
    let start = span.start.offset.min(text.len());
    let rest = text.get(start..span.end.offset.min(text.len()).max(start)).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    if line.len() == rest.len() {
        return span;
    }
    // Leave out a comment that ends the line (`- a  # note`).
    let line = line.find(" #").map_or(line, |i| &line[..i]).trim_end();
    let end =
        Pos { offset: start + line.len(), line: span.start.line, column: span.start.column + line.chars().count() };
    Span { start: span.start, end }
}

/// The span from `first`'s start to `last`'s end (a key and its value, say).
pub fn join(first: Span, last: Span) -> Span {
    if last.end.offset >= first.start.offset {
        Span { start: first.start, end: last.end }
    } else {
        first
    }
}

/// Where a finding about a value belongs: its key when the value is empty (an empty value has
/// no text to point at), else the value's first line (for a block list or map, its first
/// item), without a comment that ends that line.
pub fn value_span(key: &Node, value: &Node, text: &str) -> Span {
    if value.is_null() || value.span.start.offset == value.span.end.offset {
        key.span
    } else {
        first_line(value.span, text)
    }
}

/// Turns byte ranges of one text into spans (index the text once, look up many times).
pub struct Locator<'a>(PositionIndex<'a>);

impl<'a> Locator<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        Locator(PositionIndex::new(text))
    }

    /// The span of the bytes `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span { start: self.0.at_byte(start), end: self.0.at_byte(end) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn written_text_stops_at_the_closing_quote_or_bracket() {
        let doc = "a: \"8\\\"0\"  # c\nb: 'it''s'  # c\nc: [x, \"]\", {d: 1}]  # c\ne: plain  # c\nf: yes\n";
        let root = yaml::parse(doc).unwrap();
        let texts: Vec<&str> = root.map_entries().unwrap().iter().map(|(_, v)| written(v, doc)).collect();
        assert_eq!(texts, vec!["\"8\\\"0\"", "'it''s'", "[x, \"]\", {d: 1}]", "plain", "yes"]);
    }

    #[test]
    fn first_line_cuts_multi_line_spans() {
        let text = "- a\n- b\n";
        let node = yaml::parse(text).unwrap();
        let span = first_line(node.span, text);
        assert_eq!((span.start.line, span.end.line, span.end.offset), (1, 1, 3));
    }

    #[test]
    fn a_value_is_shown_by_its_first_line_or_its_key() {
        let text = "a:\nb: [1,\n  2]  # c\nc:\n  - x  # c\n  - y\nd: ''\n";
        let root = yaml::parse(text).unwrap();
        let shown = |k: &str| {
            let (key, value) = root.entry(k).unwrap();
            let span = value_span(key, value, text);
            &text[span.start.offset..span.end.offset]
        };
        assert_eq!([shown("a"), shown("b"), shown("c"), shown("d")], ["a", "[1,", "- x", "''"]);
    }

    #[test]
    fn spans_of_bytes_count_characters() {
        let span = span_of_bytes("é\nab", 3, 5);
        assert_eq!((span.start.line, span.start.column, span.end.column), (2, 1, 3));
    }
}
