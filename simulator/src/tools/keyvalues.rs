//! `key=value` arguments (`juju/utils` `keyvalues.Parse`) and the `--file`
//! settings file of `relation-set` and `state-set`.
//!
//! The file is a YAML map decoded into Go's `map[string]string` by yaml.v2:
//! scalar values keep their source text (`port: 05` stays `05`), nulls and
//! empty values become `""` (which `relation-set` treats as a deletion),
//! nested maps or lists are an unmarshal error. JSON objects are YAML too.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use formula_sdk::go::{strconv::quote, yaml_v2};

/// Splits each argument on its first `=`; an empty key, a missing `=` or
/// (unless `allow_empty`) an empty value is an error, as is a repeated key.
pub fn parse(args: &[String], allow_empty: bool) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("expected \"key=value\", got {}", quote(arg)));
        };
        if key.is_empty() || (!allow_empty && value.is_empty()) {
            return Err(format!("expected \"key=value\", got {}", quote(arg)));
        }
        if out.contains_key(key) {
            return Err(format!("key {} specified more than once", quote(key)));
        }
        out.insert(key.to_string(), value.to_string());
    }
    Ok(out)
}

/// Decodes a settings file as yaml.v2 decodes it into `map[string]string`.
pub fn parse_settings_file(bytes: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let text = String::from_utf8_lossy(bytes);
    let mut reader = Reader { events: Vec::new() };
    for event in Parser::new_from_str(&text) {
        match event {
            Ok((event, span)) => reader.events.push((event, span)),
            Err(e) => {
                return Err(format!("yaml: line {}: {}", e.marker().line(), e.info()));
            }
        }
    }
    reader.decode()
}

struct Reader<'a> {
    events: Vec<(Event<'a>, Span)>,
}

/// A decoded node: enough to turn scalars into strings and report the rest.
enum Node {
    Scalar { text: String, null: bool, tag: &'static str },
    Seq,
    Map,
}

impl Reader<'_> {
    fn decode(&self) -> Result<BTreeMap<String, String>, String> {
        let mut out = BTreeMap::new();
        let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
        let mut errors = Vec::new();
        // Skip to the first document's root node.
        let mut i = 0;
        while i < self.events.len() && matches!(self.events[i].0, Event::StreamStart | Event::DocumentStart(_)) {
            i += 1;
        }
        let Some((root, span)) = self.events.get(i) else {
            return Ok(out);
        };
        match root {
            Event::MappingStart(..) => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(out),
            _ => {
                let (node, _) = self.node(i, &mut anchors);
                return match node {
                    Node::Scalar { null: true, .. } => Ok(out),
                    node => Err(unmarshal_errors(&[type_error(span, &node, "map[string]string")])),
                };
            }
        }
        i += 1;
        while let Some((event, _)) = self.events.get(i) {
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let (key, next) = self.node(i, &mut anchors);
            let key_span = self.events[i].1;
            let value_span = self.events.get(next).map_or(key_span, |(_, s)| *s);
            let (value, after) = self.node(next, &mut anchors);
            i = after;
            let key = match key {
                Node::Scalar { text, .. } => text,
                other => {
                    errors.push(type_error(&key_span, &other, "string"));
                    continue;
                }
            };
            match value {
                Node::Scalar { null: true, .. } => {
                    out.insert(key, String::new());
                }
                Node::Scalar { text, .. } => {
                    out.insert(key, text);
                }
                other => errors.push(type_error(&value_span, &other, "string")),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(unmarshal_errors(&errors))
        }
    }

    /// Decodes the node starting at event `i`; returns it and the index of
    /// the event after it.
    fn node(&self, i: usize, anchors: &mut BTreeMap<usize, Node>) -> (Node, usize) {
        let Some((event, _)) = self.events.get(i) else {
            return (Node::Scalar { text: String::new(), null: true, tag: "!!null" }, i);
        };
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let explicit_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let null = *style == ScalarStyle::Plain && !explicit_str && yaml_v2::resolve_null(text);
                let node = Node::Scalar {
                    text: text.to_string(),
                    null,
                    tag: if null { "!!null" } else { plain_tag(text, *style) },
                };
                if *anchor > 0 {
                    anchors.insert(*anchor, clone_node(&node));
                }
                (node, i + 1)
            }
            Event::Alias(id) => {
                let node =
                    anchors.get(id).map_or(Node::Scalar { text: String::new(), null: true, tag: "!!null" }, clone_node);
                (node, i + 1)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let node = if matches!(event, Event::SequenceStart(..)) { Node::Seq } else { Node::Map };
                let mut depth = 0usize;
                let mut j = i;
                while let Some((e, _)) = self.events.get(j) {
                    match e {
                        Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
                        Event::SequenceEnd | Event::MappingEnd => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if *anchor > 0 {
                    anchors.insert(*anchor, clone_node(&node));
                }
                (node, j + 1)
            }
            _ => (Node::Scalar { text: String::new(), null: true, tag: "!!null" }, i + 1),
        }
    }
}

fn clone_node(node: &Node) -> Node {
    match node {
        Node::Scalar { text, null, tag } => Node::Scalar { text: text.clone(), null: *null, tag },
        Node::Seq => Node::Seq,
        Node::Map => Node::Map,
    }
}

/// The tag yaml.v2 reports for a scalar in an unmarshal error.
fn plain_tag(text: &str, style: ScalarStyle) -> &'static str {
    if style != ScalarStyle::Plain {
        return "!!str";
    }
    match text {
        t if yaml_v2::resolve_bool(t).is_some() => "!!bool",
        t if t.parse::<i64>().is_ok() => "!!int",
        t if t.parse::<f64>().is_ok() => "!!float",
        _ => "!!str",
    }
}

fn type_error(span: &Span, node: &Node, target: &str) -> String {
    let what = match node {
        Node::Scalar { text, tag, .. } => {
            let shown: String = if text.chars().count() > 10 {
                format!("{}...", text.chars().take(7).collect::<String>())
            } else {
                text.clone()
            };
            format!("{tag} `{shown}`")
        }
        Node::Seq => "!!seq".to_string(),
        Node::Map => "!!map".to_string(),
    };
    format!("line {}: cannot unmarshal {what} into {target}", span.start.line())
}

fn unmarshal_errors(errors: &[String]) -> String {
    format!("yaml: unmarshal errors:\n  {}", errors.join("\n  "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn key_values() {
        let parsed = parse(&args(&["a=1", "b=", "c=x=y", "d= spaced "]), true).unwrap();
        assert_eq!(parsed["a"], "1");
        assert_eq!(parsed["b"], "");
        assert_eq!(parsed["c"], "x=y");
        assert_eq!(parsed["d"], " spaced ");
        assert_eq!(parse(&args(&["novalue"]), true).unwrap_err(), r#"expected "key=value", got "novalue""#);
        assert_eq!(parse(&args(&["=v"]), true).unwrap_err(), r#"expected "key=value", got "=v""#);
        assert_eq!(parse(&args(&["a="]), false).unwrap_err(), r#"expected "key=value", got "a=""#);
        assert_eq!(parse(&args(&["a=1", "a=2"]), true).unwrap_err(), r#"key "a" specified more than once"#);
    }

    #[test]
    fn settings_file_scalars_keep_their_text() {
        let file = b"# comment\nhost: db.example\nport: 05432\nflag: yes\nempty:\ntilde: ~\nquoted: 'a: b'\ncert: |\n  line1\n  line2\n";
        let parsed = parse_settings_file(file).unwrap();
        assert_eq!(parsed["host"], "db.example");
        assert_eq!(parsed["port"], "05432");
        assert_eq!(parsed["flag"], "yes");
        assert_eq!(parsed["empty"], "");
        assert_eq!(parsed["tilde"], "");
        assert_eq!(parsed["quoted"], "a: b");
        assert_eq!(parsed["cert"], "line1\nline2\n");
    }

    #[test]
    fn settings_file_json_and_empty() {
        let parsed = parse_settings_file(br#"{"a": "1", "b": 2}"#).unwrap();
        assert_eq!(parsed["a"], "1");
        assert_eq!(parsed["b"], "2");
        assert!(parse_settings_file(b"").unwrap().is_empty());
        assert!(parse_settings_file(b"~\n").unwrap().is_empty());
    }

    #[test]
    fn settings_file_errors() {
        assert_eq!(
            parse_settings_file(b"a:\n  b: c\n").unwrap_err(),
            "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string"
        );
        assert_eq!(
            parse_settings_file(b"a: [1, 2]\n").unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string"
        );
        assert_eq!(
            parse_settings_file(b"just text\n").unwrap_err(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just text` into map[string]string"
        );
        assert!(parse_settings_file(b"a: [\n").unwrap_err().starts_with("yaml: line "));
    }
}
