//! Where a finding points, and the text it points at.
//!
//! The YAML parser gives each node a tight span: a quoted scalar ends at its closing quote and
//! a flow collection at its bracket, never on a comment that follows (`yaml::parse`), so the
//! spans are used as they are.

use crate::source::{PositionIndex, Span};
use crate::yaml::Node;

/// The text `node` was written as in `text` (quotes, tags and anchors included; `yes`, not
/// `true`), or `""` when the span does not fit the text.
pub fn written<'t>(node: &Node, text: &'t str) -> &'t str {
    text.get(node.span.start.offset..node.span.end.offset).unwrap_or("").trim()
}

/// The span from byte `start` to byte `end` of `text`, with lines and character columns.
pub fn span_of_bytes(text: &str, start: usize, end: usize) -> Span {
    let index = PositionIndex::new(text);
    Span { start: index.at_byte(start), end: index.at_byte(end.max(start)) }
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
    fn spans_of_bytes_count_characters() {
        let span = span_of_bytes("é\nab", 3, 5);
        assert_eq!((span.start.line, span.start.column, span.end.column), (2, 1, 3));
    }
}
