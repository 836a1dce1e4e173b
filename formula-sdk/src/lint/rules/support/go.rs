//! How Juju, written in Go, reads strings where its schema wants a number or a boolean.
//!
//! Juju's `schema.Int()` and `schema.Bool()` accept a string as well, and convert it with
//! Go's `strconv.ParseInt(s, 0, 64)` and `strconv.ParseBool`. A formula that writes
//! `limit: "0x10"` or `optional: "T"` is therefore valid for Juju. Go's `yaml.v2` also has its
//! own idea of a key's name when it decodes into a string-keyed map ([`key_name`]).

use super::spans::written;
use crate::yaml::{Node, NodeKind};

/// Go's `strconv.ParseInt(s, 0, 64)`: a sign, then a decimal, `0x`, `0o`, `0b` or leading-`0`
/// octal number, with `_` only between digits (or after a base prefix).
pub fn parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.contains('_') && !underscores_ok(body) {
        return None;
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || cleaned.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i128::from_str_radix(&cleaned, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// Go's rule for `_` in integer literals (`underscoreOK`): each one sits between digits, or
/// after the base prefix.
fn underscores_ok(body: &str) -> bool {
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut saw = b'^';
    let mut hex = false;
    if bytes.len() >= 2 && bytes[0] == b'0' && matches!(bytes[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = bytes[1].eq_ignore_ascii_case(&b'x');
    }
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// A mapping key as Go's `yaml.v2` decodes it into a string-keyed map: a string as it is,
/// another scalar as written (`yes`, not `true`); `None` for a collection.
pub fn key_name(key: &Node, text: &str) -> Option<String> {
    match &key.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Seq(_) | NodeKind::Map(_) => None,
        _ => {
            let raw = written(key, text);
            if raw.is_empty() || raw.starts_with(['!', '&', '*']) {
                key.key_text()
            } else {
                Some(raw.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn integers() {
        for (text, value) in [
            ("0", 0),
            ("42", 42),
            ("+7", 7),
            ("-3", -3),
            ("0x10", 16),
            ("0X10", 16),
            ("0x1F", 31),
            ("-0b11", -3),
            ("0b101", 5),
            ("017", 15),
            ("0o17", 15),
            ("0o7", 7),
            ("1_000", 1000),
            ("0x_1F", 31),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ] {
            assert_eq!(parse_int(text), Some(value), "{text}");
        }
        for bad in [
            "",
            "-",
            "x",
            "abc",
            "eighty",
            " 1",
            " 3",
            "1.0",
            "1.5",
            "0x",
            "08",
            "_1",
            "1_",
            "1__0",
            "+-1",
            "--1",
            "0x+5",
            "-_1",
            "9223372036854775808",
        ] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("T"), Some(true));
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool("tRUE"), None);
    }

    #[test]
    fn key_names_keep_the_written_text() {
        let doc = "yes: 1\n2: 2\nname: 3\n";
        let root = yaml::parse(doc).unwrap();
        let names: Vec<String> = root.map_entries().unwrap().iter().filter_map(|(k, _)| key_name(k, doc)).collect();
        assert_eq!(names, vec!["yes", "2", "name"]);
    }
}
