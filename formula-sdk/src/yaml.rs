//! YAML read as Juju reads it, with a position on every node.
//!
//! Juju parses formula files with Go's `yaml.v2` and `charm proof` with PyYAML: both are YAML
//! 1.1, where plain `yes`, `on` and `off` are booleans and `0x10` is an integer. This module
//! builds a small node tree from saphyr-parser's events and resolves plain scalars by those
//! rules, keeping the span of every node and every mapping key (duplicate keys included, so
//! that the linter can report them; lookups take the last one, as both readers do).

use crate::go::yaml_v2::{self, resolve_bool, resolve_float, resolve_int, resolve_null};
use crate::source::{PositionIndex, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::fmt;

/// The most nodes one document may expand to, aliases included (guards "billion laughs").
const MAX_NODES: usize = 1_000_000;
/// The deepest nesting accepted; deeper documents are rejected rather than risking the stack.
const MAX_DEPTH: usize = 512;

/// A YAML node with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The resolved value.
    pub kind: NodeKind,
    /// Where the node was written.
    pub span: Span,
}

/// The resolved value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `~`, `null`, or nothing.
    Null,
    /// A YAML 1.1 boolean (`true`, `yes`, `on`, …).
    Bool(bool),
    /// An integer (decimal, `0x`, `0o`, leading-zero octal, `0b`).
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string: quoted, block, or plain text that resolves to nothing else.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order; a key may appear more than once.
    Map(Vec<(Node, Node)>),
}

/// A syntax error, at the position the parser stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// What went wrong, in the parser's words.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.span.start.line, self.span.start.column)
    }
}

impl Node {
    /// The value under `key` when this node is a mapping (the last one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under `key` when this node is a mapping (the last one).
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => {
                entries.iter().rev().find(|(k, _)| k.key_text().as_deref() == Some(key)).map(|(k, v)| (k, v))
            }
            _ => None,
        }
    }

    /// The entries of a mapping, with repeated keys resolved to the last (document order of
    /// first appearance kept).
    pub fn map_entries(&self) -> Option<Vec<(&Node, &Node)>> {
        let NodeKind::Map(entries) = &self.kind else { return None };
        let mut out: Vec<(&Node, &Node)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let text = k.key_text();
            if let Some(slot) = out.iter_mut().find(|(ok, _)| ok.key_text() == text) {
                slot.1 = v;
            } else {
                out.push((k, v));
            }
        }
        Some(out)
    }

    /// This node's text when used as a mapping key: strings as they are, other scalars as
    /// written (`1`, `true`); `None` for collections.
    pub fn key_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Null => Some(String::new()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(x) => Some(x.to_string()),
            _ => None,
        }
    }

    /// The string value, when this node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value, when this node is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer value, when this node is an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self.kind {
            NodeKind::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The items, when this node is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this node is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }

    /// Whether this node is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The name of the node's type as YAML users call it, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Int(_) => "int",
            NodeKind::Float(_) => "float",
            NodeKind::Str(_) => "string",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "map",
        }
    }

    /// The value rendered back as a short text (scalars only; collections give `[…]`/`{…}`).
    pub fn display_value(&self) -> String {
        match &self.kind {
            NodeKind::Null => "null".into(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(x) => format_float(*x),
            NodeKind::Str(s) => s.clone(),
            NodeKind::Seq(_) => "[…]".into(),
            NodeKind::Map(_) => "{…}".into(),
        }
    }

    /// Converts to JSON (keys as their text), for data handed on to other tools.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Float(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(_) => {
                let mut map = serde_json::Map::new();
                for (k, v) in self.map_entries().unwrap_or_default() {
                    map.insert(k.key_text().unwrap_or_default(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }
}

/// Formats a float as people write it in YAML: a whole number with a decimal point (`1.0`),
/// plain digits rather than an exponent (`1000000.0`, not `1e+06`), and yaml.v2's keywords
/// `.inf`, `-.inf` and `.nan`. Messages and values shown to people use it; what yaml.v2
/// itself writes (`1`, `1e+06`) is [`yaml_v2::format_float`].
pub fn format_float(x: f64) -> String {
    if let Some(keyword) = yaml_v2::special_float_text(x) {
        keyword.into()
    } else if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.1}")
    } else {
        x.to_string()
    }
}

/// Parses the first document of `text`. An empty text is a null node.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let index = PositionIndex::new(text);
    let span_of =
        |s: saphyr_parser::Span| Span { start: index.at_char(s.start.index()), end: index.at_char(s.end.index()) };
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    let mut first_span = Span::default();
    while let Some(event) = parser.next_event() {
        let (event, raw_span) = event.map_err(|e| {
            let pos = index.at_char(e.marker().index());
            YamlError { message: e.info().to_string(), span: Span::point(pos) }
        })?;
        let span = span_of(raw_span);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                if builder.root.is_some() {
                    break; // only the first document counts, as in Juju
                }
                first_span = span;
            }
            Event::Alias(id) => {
                let node = builder.anchors.iter().rev().find(|(a, _)| *a == id).map(|(_, n)| n.clone());
                let Some(mut node) = node else {
                    return Err(YamlError { message: "unknown anchor".into(), span });
                };
                builder.budget(count_nodes(&node), span)?;
                node.span = span;
                builder.push_value(node, 0, span)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let span = trim_scalar_span(text, &index, span, style);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let kind =
                    resolve_scalar(&value, style, tag.as_deref()).map_err(|message| YamlError { message, span })?;
                builder.budget(1, span)?;
                builder.push_value(Node { kind, span }, anchor, span)?;
            }
            Event::SequenceStart(anchor, _) => builder.open(Open::Seq(Vec::new()), anchor, span)?,
            Event::MappingStart(anchor, _) => builder.open(Open::Map(Vec::new(), None), anchor, span)?,
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection ends at its bracket; a block one at its last item.
                let closes_flow = text.as_bytes().get(span.start.offset).is_some_and(|b| matches!(b, b']' | b'}'));
                let end = if closes_flow { index.at_byte(span.start.offset + 1) } else { span.start };
                builder.close(Span { start: span.start, end })?
            }
        }
    }
    Ok(builder.root.unwrap_or(Node { kind: NodeKind::Null, span: first_span }))
}

/// Narrows a scalar's span to its text: the parser's span of a quoted scalar can run on over
/// the comment that follows it.
fn trim_scalar_span(text: &str, index: &PositionIndex, span: Span, style: ScalarStyle) -> Span {
    let bytes = text.as_bytes();
    let start = span.start.offset;
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return span,
    };
    if bytes.get(start) != Some(&quote) {
        return span;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Span { start: span.start, end: index.at_byte(i + 1) },
            _ => i += 1,
        }
    }
    span
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(k, v)| count_nodes(k) + count_nodes(v)).sum::<usize>(),
        _ => 1,
    }
}

enum Open {
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>, Option<Node>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<(Open, usize, Span)>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    nodes: usize,
}

impl Builder {
    fn budget(&mut self, n: usize, span: Span) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(YamlError { message: format!("document expands to more than {MAX_NODES} nodes"), span });
        }
        Ok(())
    }

    fn open(&mut self, open: Open, anchor: usize, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError { message: format!("nesting deeper than {MAX_DEPTH} levels"), span });
        }
        self.budget(1, span)?;
        self.stack.push((open, anchor, span));
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), YamlError> {
        let Some((open, anchor, start)) = self.stack.pop() else {
            return Err(YamlError { message: "unbalanced collection end".into(), span: end });
        };
        let last_child_end = match &open {
            Open::Seq(items) => items.last().map(|n| n.span.end),
            Open::Map(entries, _) => entries.last().map(|(_, v)| v.span.end),
        };
        let end_pos = if end.end.offset > end.start.offset {
            end.end
        } else {
            last_child_end.unwrap_or(start.end).max(start.end)
        };
        let span = Span { start: start.start, end: end_pos };
        let kind = match open {
            Open::Seq(items) => NodeKind::Seq(items),
            Open::Map(entries, _) => NodeKind::Map(merge_keys(entries)),
        };
        self.push_value(Node { kind, span }, anchor, span)
    }

    fn push_value(&mut self, node: Node, anchor: usize, _span: Span) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some((Open::Seq(items), _, _)) => items.push(node),
            Some((Open::Map(entries, pending), _, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

/// Applies YAML merge keys (`<<: *base`): merged entries come first, explicit ones win.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return entries;
    }
    let mut merged: Vec<(Node, Node)> = Vec::new();
    let mut own: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if is_merge_key(&k) {
            let sources: Vec<Node> = match v.kind {
                NodeKind::Seq(items) => items,
                _ => vec![v],
            };
            for source in sources {
                if let NodeKind::Map(inner) = source.kind {
                    for (ik, iv) in inner {
                        if !merged.iter().any(|(mk, _)| mk.key_text() == ik.key_text()) {
                            merged.push((ik, iv));
                        }
                    }
                }
            }
        } else {
            own.push((k, v));
        }
    }
    merged.retain(|(mk, _)| !own.iter().any(|(ok, _)| ok.key_text() == mk.key_text()));
    merged.extend(own);
    merged
}

fn is_merge_key(node: &Node) -> bool {
    node.as_str() == Some("<<")
}

/// Resolves a scalar as YAML 1.1 (Go's yaml.v2) does.
fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&str>) -> Result<NodeKind, String> {
    let tag = tag.map(|t| t.trim_start_matches("tag:yaml.org,2002:").trim_start_matches("!!"));
    match tag {
        Some("str") => return Ok(NodeKind::Str(value.to_string())),
        Some("null") => return Ok(NodeKind::Null),
        Some("bool") => {
            return resolve_bool(value).map(NodeKind::Bool).ok_or_else(|| format!("cannot read {value:?} as a boolean"))
        }
        Some("int") => {
            return resolve_int(value).map(NodeKind::Int).ok_or_else(|| format!("cannot read {value:?} as an integer"))
        }
        Some("float") => {
            return resolve_float(value)
                .or_else(|| resolve_int(value).map(|i| i as f64))
                .map(NodeKind::Float)
                .ok_or_else(|| format!("cannot read {value:?} as a float"))
        }
        _ => {}
    }
    if style != ScalarStyle::Plain || tag.is_some() {
        return Ok(NodeKind::Str(value.to_string()));
    }
    Ok(resolve_plain(value))
}

/// Resolves a plain (unquoted) scalar by yaml.v2's rules ([`yaml_v2`]).
pub fn resolve_plain(value: &str) -> NodeKind {
    if resolve_null(value) {
        return NodeKind::Null;
    }
    if let Some(b) = resolve_bool(value) {
        return NodeKind::Bool(b);
    }
    if let Some(i) = resolve_int(value) {
        return NodeKind::Int(i);
    }
    if let Some(x) = resolve_float(value) {
        return NodeKind::Float(x);
    }
    NodeKind::Str(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_booleans_and_numbers() {
        let node = parse("a: yes\nb: off\nc: 0x10\nd: 1.0\ne: 1\nf: '1'\ng: 010\nh: ~\ni: 1e3\nj: .5\n").unwrap();
        assert_eq!(node.get("a").unwrap().kind, NodeKind::Bool(true));
        assert_eq!(node.get("b").unwrap().kind, NodeKind::Bool(false));
        assert_eq!(node.get("c").unwrap().kind, NodeKind::Int(16));
        assert_eq!(node.get("d").unwrap().kind, NodeKind::Float(1.0));
        assert_eq!(node.get("e").unwrap().kind, NodeKind::Int(1));
        assert_eq!(node.get("f").unwrap().kind, NodeKind::Str("1".into()));
        assert_eq!(node.get("g").unwrap().kind, NodeKind::Int(8));
        assert_eq!(node.get("h").unwrap().kind, NodeKind::Null);
        assert_eq!(node.get("i").unwrap().kind, NodeKind::Float(1000.0));
        assert_eq!(node.get("j").unwrap().kind, NodeKind::Float(0.5));
    }

    #[test]
    fn spans_cover_the_value_and_not_the_comment_after_it() {
        let text = "a: \"yes\"  # c\nb: [1, 2]   # d\nc: plain  # e\nd: 'it''s'\ne:\n  - x\n  - y\nf: 1\n";
        let node = parse(text).unwrap();
        let shown = |k: &str| {
            let n = node.get(k).unwrap();
            text[n.span.start.offset..n.span.end.offset].to_string()
        };
        assert_eq!(shown("a"), "\"yes\"");
        assert_eq!(shown("b"), "[1, 2]");
        assert_eq!(shown("c"), "plain");
        assert_eq!(shown("d"), "'it''s'");
        assert_eq!(shown("e"), "- x\n  - y");
    }

    #[test]
    fn spans_are_one_based_lines_and_character_columns() {
        let node = parse("name: wiki\nsummary: \"é\u{e9}\"\nprovides:\n  db: mysql\n").unwrap();
        let (key, value) = node.entry("provides").unwrap();
        assert_eq!((key.span.start.line, key.span.start.column), (3, 1));
        let db = value.get("db").unwrap();
        assert_eq!((db.span.start.line, db.span.start.column), (4, 7));
        let summary = node.get("summary").unwrap();
        assert_eq!(summary.span.start.column, 10);
    }

    #[test]
    fn last_duplicate_key_wins_and_both_are_kept() {
        let node = parse("a: 1\na: 2\n").unwrap();
        assert_eq!(node.get("a").unwrap().kind, NodeKind::Int(2));
        let NodeKind::Map(entries) = &node.kind else { panic!() };
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn aliases_and_merge_keys() {
        // (`y` itself would be a boolean key in Go's yaml.v2, so the keys here are longer.)
        let node = parse("base: &b {xx: 1, yy: 2}\nuse:\n  <<: *b\n  yy: 3\n").unwrap();
        let used = node.get("use").unwrap();
        assert_eq!(used.get("xx").unwrap().kind, NodeKind::Int(1));
        assert_eq!(used.get("yy").unwrap().kind, NodeKind::Int(3));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            doc.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let err = parse(&doc).unwrap_err();
        assert!(err.message.contains("more than"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let doc = "[".repeat(10_000);
        assert!(parse(&doc).is_err());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.span.start.line >= 1);
        let err = parse("a: b: c\n").unwrap_err();
        assert_eq!(err.span.start.line, 1);
    }
}
