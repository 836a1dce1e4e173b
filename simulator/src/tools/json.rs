//! `--format json`: the bytes Go's `encoding/json.Marshal` produces.
//!
//! Compact, map keys sorted byte-wise, struct fields in order, `<`, `>`,
//! `&`, U+2028 and U+2029 escaped, floats in Go's shortest form. NaN and
//! infinities are an error, as in Go (`json: unsupported value: NaN`).

use crate::model::Value;
use formula_sdk::go::strconv::format_json_float;

/// Encodes `value` as Go's `json.Marshal` would.
pub fn encode(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(format!(
                    "json: unsupported value: {}",
                    if f.is_nan() {
                        "NaN"
                    } else if *f > 0.0 {
                        "+Inf"
                    } else {
                        "-Inf"
                    }
                ));
            }
            out.push_str(&format_json_float(*f));
        }
        Value::Str(s) => write_string(out, s),
        Value::Lines(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, item);
            }
            out.push(']');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Map(map) => write_object(out, map.iter().map(|(k, v)| (k.as_str(), v)))?,
        Value::Struct(fields) => write_object(out, fields.iter().map(|(k, v)| (k.as_str(), v)))?,
    }
    Ok(())
}

fn write_object<'a>(out: &mut String, entries: impl Iterator<Item = (&'a str, &'a Value)>) -> Result<(), String> {
    out.push('{');
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value)?;
    }
    out.push('}');
    Ok(())
}

/// A JSON string with Go's HTML-safe escaping.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn scalars() {
        assert_eq!(encode(&Value::Null).unwrap(), "null");
        assert_eq!(encode(&Value::Bool(false)).unwrap(), "false");
        assert_eq!(encode(&Value::Int(-1)).unwrap(), "-1");
        assert_eq!(encode(&Value::Float(1.1)).unwrap(), "1.1");
        assert_eq!(encode(&Value::Float(1e6)).unwrap(), "1000000");
        assert_eq!(encode(&Value::from("\n\n\n")).unwrap(), r#""\n\n\n""#);
        assert_eq!(encode(&Value::from("")).unwrap(), r#""""#);
    }

    #[test]
    fn html_and_control_escapes() {
        assert_eq!(
            encode(&Value::from("<a href=\"x\">&</a>\u{1}")).unwrap(),
            r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e\u0001""#
        );
        assert_eq!(encode(&Value::from("é\u{2028}")).unwrap(), "\"é\\u2028\"");
    }

    #[test]
    fn collections() {
        let mut map = BTreeMap::new();
        map.insert("b".to_string(), Value::Int(2));
        map.insert("a".to_string(), Value::Lines(vec!["x".into(), "y".into()]));
        assert_eq!(encode(&Value::Map(map)).unwrap(), r#"{"a":["x","y"],"b":2}"#);
        assert_eq!(encode(&Value::Lines(vec![])).unwrap(), "[]");
        assert_eq!(encode(&Value::Map(BTreeMap::new())).unwrap(), "{}");
        let st = Value::Struct(vec![("z".into(), Value::Null), ("a".into(), Value::Bool(true))]);
        assert_eq!(encode(&st).unwrap(), r#"{"z":null,"a":true}"#);
    }

    #[test]
    fn nan_is_an_error() {
        assert_eq!(encode(&Value::Float(f64::NAN)).unwrap_err(), "json: unsupported value: NaN");
    }
}
