//! Go's `gopkg.in/yaml.v2`: how Juju reads YAML 1.1 and how its hook tools write YAML.
//!
//! Juju decodes a formula's files, and encodes what `--format yaml` prints, with yaml.v2.
//! Both sides depend on one table, the YAML 1.1 resolution of plain scalars: `yes`, `On`
//! and `n` are booleans, `~` is null, `0x10` an integer, `.inf` a float. Here it is once:
//!
//! - reading: [`resolve_null`], [`resolve_bool`], [`resolve_int`], [`resolve_float`], which
//!   the loader ([`crate::yaml`]) turns plain scalars into nodes with, and [`key_name`], the
//!   name yaml.v2 gives a key when it decodes into a string-keyed map;
//! - writing: [`marshal`], a port of yaml.v2's emitter (itself libyaml's), which quotes a
//!   string exactly when it would read back as another type ([`resolves_to_string`]).
//!
//! ```
//! use formula_sdk::go::yaml_v2::{marshal, GoValue, Marshal};
//!
//! /// A value of the caller's own type, seen as the Go kinds yaml.v2 writes.
//! enum Setting {
//!     Text(String),
//!     Port(i64),
//! }
//!
//! impl Marshal for Setting {
//!     fn go_value(&self) -> GoValue<'_, Setting> {
//!         match self {
//!             Setting::Text(s) => GoValue::Str(s),
//!             Setting::Port(p) => GoValue::Int(*p),
//!         }
//!     }
//! }
//!
//! assert_eq!(marshal(&Setting::Text("yes".into())), "\"yes\"\n");
//! assert_eq!(marshal(&Setting::Port(80)), "80\n");
//! ```

mod emit;

pub use emit::{format_float, key_order, marshal, GoValue, Marshal};

use super::strconv;
use crate::yaml::{Node, NodeKind};

/// Whether a plain scalar is YAML 1.1's null: nothing, `~` or `null` (three spellings).
pub fn resolve_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// The YAML 1.1 booleans that yaml.v2 knows.
pub fn resolve_bool(value: &str) -> Option<bool> {
    match value {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// The YAML 1.1 float keywords: `.inf`, `+.inf` and `-.inf`, `.nan` (each in three
/// spellings, `.nan` without a sign).
pub fn special_float(value: &str) -> Option<f64> {
    let body = value.strip_prefix(['-', '+']).unwrap_or(value);
    let negative = value.starts_with('-');
    match body {
        ".inf" | ".Inf" | ".INF" => Some(if negative { f64::NEG_INFINITY } else { f64::INFINITY }),
        ".nan" | ".NaN" | ".NAN" if body.len() == value.len() => Some(f64::NAN),
        _ => None,
    }
}

/// How yaml.v2 writes a float keyword: `.inf`, `-.inf`, `.nan`; `None` for a finite float.
pub fn special_float_text(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some(".nan")
    } else if x.is_infinite() {
        Some(if x > 0.0 { ".inf" } else { "-.inf" })
    } else {
        None
    }
}

/// The loader's reading of a plain integer: an optional sign, then decimal, `0x` hex, `0o`
/// or leading-zero octal, or `0b` binary, with `_` separators.
///
/// yaml.v2 itself reads with [`strconv::parse_int`] and [`strconv::parse_uint`] after
/// removing every `_` (as [`resolves_to_string`] does). This reading differs from it on
/// inputs written by mistake rather than on purpose: it refuses an upper-case base prefix
/// (`0X10`) and `-9223372036854775808`, leaves values past `i64` to the float and string
/// readings, and takes a sign after the base prefix (`0x+5`). The loader keeps it until a
/// change that may change what the linter reports; the test
/// `where_the_loader_differs_from_yaml_v2` lists each difference.
pub fn resolve_int(value: &str) -> Option<i64> {
    let cleaned: String = value.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, &cleaned[..]),
    };
    if digits.is_empty() || value.starts_with('_') {
        return None;
    }
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The loader's reading of a plain float: `1.5`, `.5`, `1e3`, `1.0e+3`, `_` separators, and
/// the keywords ([`special_float`]). A float needs a point or an exponent (`1` is an int).
///
/// It differs from yaml.v2 (see [`resolve_int`] for why it is kept): a number too large for
/// a float reads as an infinity where yaml.v2 reads a string (`1e999`), `_` is taken after a
/// leading point (`._5`), and a number without point or exponent that is no integer
/// (`08`, `99999999999999999999`) is a string where yaml.v2 reads a float.
pub fn resolve_float(value: &str) -> Option<f64> {
    if let Some(x) = special_float(value) {
        return Some(x);
    }
    let body = value.strip_prefix(['-', '+']).unwrap_or(value);
    let negative = value.starts_with('-');
    let cleaned: String = body.chars().filter(|c| *c != '_').collect();
    // yaml.v2 reads `1` as an int; a float needs a point or an exponent.
    if !float_syntax(&cleaned) || !cleaned.contains(['.', 'e', 'E']) {
        return None;
    }
    let x: f64 = cleaned.parse().ok()?;
    Some(if negative { -x } else { x })
}

/// yaml.v2's float pattern without its sign: `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn float_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// yaml.v2's `yamlStyleFloat` (`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`), when
/// Go's `ParseFloat` then reads it without overflowing.
fn is_yaml_style_float(s: &str) -> bool {
    float_syntax(s.strip_prefix(['+', '-']).unwrap_or(s)) && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// yaml.v2's `resolve("", s)` yields `!!str`: the plain scalar would not read back as null,
/// bool, int, float or timestamp.
pub fn resolves_to_string(s: &str) -> bool {
    let Some(first) = s.bytes().next() else {
        return false;
    };
    let hint = match first {
        b'+' | b'-' => 'S',
        b'0'..=b'9' => 'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => 'M',
        b'.' => '.',
        _ => return true,
    };
    // yaml.v2's `resolve_map`: the keywords.
    if resolve_null(s) || resolve_bool(s).is_some() || special_float(s).is_some() {
        return false;
    }
    match hint {
        'M' => true,
        '.' => !is_yaml_style_float(s),
        _ => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|c| *c != '_').collect();
            !(parses_as_go_int(&plain) || is_yaml_style_float(&plain))
        }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeding (the latter after
/// a `+`, which Go's `ParseUint` refuses: kept as the emitter always read it).
fn parses_as_go_int(s: &str) -> bool {
    strconv::parse_int(s).is_some() || strconv::parse_uint(s.strip_prefix('+').unwrap_or(s)).is_some()
}

/// A mapping key as yaml.v2 decodes it into a string-keyed map: a string as it is, another
/// scalar as `written` in the document (`yes`, not `true`); `None` for a collection.
pub fn key_name(key: &Node, written: &str) -> Option<String> {
    match &key.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Seq(_) | NodeKind::Map(_) => None,
        _ => {
            if written.is_empty() || written.starts_with(['!', '&', '*']) {
                key.key_text()
            } else {
                Some(written.to_string())
            }
        }
    }
}

/// `YYYY-M-D`, optionally followed by a time, as yaml.v2's timestamp
/// formats (`2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`).
fn is_timestamp(s: &str) -> bool {
    fn number(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
        let len = s.bytes().take_while(u8::is_ascii_digit).count();
        if len < min || len > max {
            return None;
        }
        Some((s[..len].parse().ok()?, &s[len..]))
    }
    let parse = || -> Option<()> {
        let (_, rest) = number(s, 4, 4)?;
        let rest = rest.strip_prefix('-')?;
        let (month, rest) = number(rest, 1, 2)?;
        let rest = rest.strip_prefix('-')?;
        let (day, rest) = number(rest, 1, 2)?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        if rest.is_empty() {
            return Some(());
        }
        let (zoned, rest) = match rest.as_bytes()[0] {
            b'T' | b't' => (true, &rest[1..]),
            b' ' => (false, &rest[1..]),
            _ => return None,
        };
        let (hour, rest) = number(rest, 1, 2)?;
        let (minute, rest) = number(rest.strip_prefix(':')?, 1, 2)?;
        let (second, mut rest) = number(rest.strip_prefix(':')?, 1, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let len = frac.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return None;
            }
            rest = &frac[len..];
        }
        if !zoned {
            return rest.is_empty().then_some(());
        }
        if rest == "Z" {
            return Some(());
        }
        let offset = rest.strip_prefix(['+', '-'])?;
        let (_, offset) = number(offset, 2, 2)?;
        let (_, offset) = number(offset.strip_prefix(':')?, 2, 2)?;
        offset.is_empty().then_some(())
    };
    parse().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn key_names_keep_the_written_text() {
        let doc = "yes: 1\n2: 2\nname: 3\n";
        let root = yaml::parse(doc).unwrap();
        let written = |k: &Node| doc[k.span.start.offset..k.span.end.offset].trim().to_string();
        let names: Vec<String> =
            root.map_entries().unwrap().iter().filter_map(|(k, _)| key_name(k, &written(k))).collect();
        assert_eq!(names, vec!["yes", "2", "name"]);
    }

    #[test]
    fn where_the_loader_differs_from_yaml_v2() {
        // An upper-case base prefix, and i64::MIN: yaml.v2 reads an int, the loader text.
        for text in ["0X10", "-9223372036854775808"] {
            assert_eq!((resolve_int(text), resolve_float(text)), (None, None), "{text}");
            assert!(!resolves_to_string(text), "{text}");
        }
        // A sign after the prefix: the loader reads an int, yaml.v2 a string.
        assert_eq!(resolve_int("0x+5"), Some(5));
        assert!(resolves_to_string("0x+5"));
        // Past i64, and `08`: yaml.v2 reads an unsigned int or a float, the loader text.
        for text in ["9223372036854775808", "08", "99999999999999999999"] {
            assert_eq!((resolve_int(text), resolve_float(text)), (None, None), "{text}");
            assert!(!resolves_to_string(text), "{text}");
        }
        // Too large for a float: the loader reads an infinity, yaml.v2 a string.
        assert_eq!(resolve_float("1e999"), Some(f64::INFINITY));
        assert!(resolves_to_string("1e999"));
    }
}
