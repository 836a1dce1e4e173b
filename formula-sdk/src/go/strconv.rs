//! Go's `strconv`: how Juju reads numbers and booleans written as strings, and how it quotes
//! strings and formats floats in what it prints.
//!
//! Juju's `schema.Int()` and `schema.Bool()` accept a string as well, and convert it with
//! `ParseInt(s, 0, 64)` and `ParseBool`: a formula that writes `limit: "0x10"` or
//! `optional: "T"` is valid for Juju. The hook tools parse their arguments with `Atoi` and
//! `ParseBool`, and their error texts (`strconv.Atoi: parsing "x": invalid syntax`) reach
//! the hook, so the functions that report errors return Go's text. Messages quote with `%q`
//! ([`quote`]), and floats print in the shortest form that reads back ([`format_g`],
//! [`format_json_float`]).

/// Go's `strconv.ParseInt(s, 0, 64)`: a sign, then a decimal, `0x`, `0o`, `0b` or leading-`0`
/// octal number, with `_` only between digits (or after a base prefix); `None` where Go
/// returns an error.
pub fn parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = i128::from(parse_uint(body)?);
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Go's `strconv.ParseUint(s, 0, 64)`: [`parse_int`] without a sign, up to `u64::MAX`.
pub fn parse_uint(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
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
    if s.contains('_') && !underscores_ok(s) {
        return None;
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || cleaned.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(&cleaned, radix).ok()
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

/// Go's `strconv.Atoi`, with its error text (`strconv.Atoi: parsing "x": invalid syntax`).
pub fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// Go's `strconv.ParseBool`, with its error text
/// (`strconv.ParseBool: parsing "yes": invalid syntax`).
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!("strconv.ParseBool: parsing {}: invalid syntax", quote(s))),
    }
}

/// Go's `strconv.Quote` (the `%q` verb) of a string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
pub fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space. Controls, format characters,
/// private-use code points and non-ASCII spaces are not printable.
fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || matches!(
            u,
            0xa0 | 0xad
                | 0x1680
                | 0x2000..=0x200f
                | 0x2028..=0x202f
                | 0x205f..=0x2064
                | 0x3000
                | 0xd800..=0xdfff
                | 0xe000..=0xf8ff
                | 0xfeff
                | 0xfff9..=0xfffb
                | 0xfffe
                | 0xffff
        ))
}

/// The shortest decimal digits of a finite, non-negative float and the
/// position of the decimal point (Go's `decimalSlice` `d` and `dp`):
/// `value = 0.d × 10^dp`.
fn shortest_digits(f: f64) -> (String, i32) {
    if f == 0.0 {
        return ("0".to_string(), 1);
    }
    // Rust's `{:e}` prints the shortest round-tripping digits, as Go does.
    let text = format!("{f:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

/// `%e` with the shortest precision: `1e+06`, `1.5e-07`.
fn format_e(digits: &str, dp: i32) -> String {
    let mut out = String::new();
    let (first, rest) = digits.split_at(1);
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let exp = if digits == "0" { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
    out
}

/// `%f` with the shortest precision: `1000000`, `0.5`.
fn format_f(digits: &str, dp: i32) -> String {
    let n = digits.len() as i32;
    if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp >= n {
        format!("{}{}", digits, "0".repeat((dp - n) as usize))
    } else {
        let (int, frac) = digits.split_at(dp as usize);
        format!("{int}.{frac}")
    }
}

fn sign(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for a finite float.
pub fn format_g(f: f64) -> String {
    let (digits, dp) = shortest_digits(f.abs());
    let exp = dp - 1;
    let body = if f != 0.0 && !(-4..6).contains(&exp) { format_e(&digits, dp) } else { format_f(&digits, dp) };
    format!("{}{}", sign(f), body)
}

/// How Go's `encoding/json` writes a finite float64: `FormatFloat`'s shortest `'f'` format,
/// or its `'e'` format with the exponent's leading zero dropped outside `1e-6..1e21`.
pub fn format_json_float(f: f64) -> String {
    let abs = f.abs();
    let (digits, dp) = shortest_digits(abs);
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut e = format_e(&digits, dp);
        // encoding/json shortens e-07 to e-7.
        let n = e.len();
        if n >= 4 && e.as_bytes()[n - 4] == b'e' && &e[n - 3..n - 1] == "-0" {
            e.remove(n - 2);
        }
        format!("{}{}", sign(f), e)
    } else {
        format!("{}{}", sign(f), format_f(&digits, dp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unsigned_integers() {
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint("0xFFFFFFFFFFFFFFFF"), Some(u64::MAX));
        assert_eq!(parse_uint("18446744073709551616"), None);
        assert_eq!(parse_uint("+1"), None);
        assert_eq!(parse_uint("-1"), None);
        assert_eq!(parse_uint("0"), Some(0));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("T").ok(), Some(true));
        assert_eq!(parse_bool("True").ok(), Some(true));
        assert_eq!(parse_bool("0").ok(), Some(false));
        assert_eq!(parse_bool("yes").ok(), None);
        assert_eq!(parse_bool("tRUE").ok(), None);
    }

    #[test]
    fn quote_escapes_like_go() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\t\u{1}"), r#""x\ny\t\x01""#);
        assert_eq!(quote("café"), "\"café\"");
        assert_eq!(quote("\u{a0}\u{2028}"), r#""\u00a0\u2028""#);
        assert_eq!(quote_list(&["a".into(), "b c".into()]), r#"["a" "b c"]"#);
    }

    #[test]
    fn atoi_matches_strconv() {
        assert_eq!(atoi("42"), Ok(42));
        assert_eq!(atoi("+7"), Ok(7));
        assert_eq!(atoi("-3"), Ok(-3));
        assert_eq!(atoi("x").unwrap_err(), r#"strconv.Atoi: parsing "x": invalid syntax"#);
        assert_eq!(atoi("").unwrap_err(), r#"strconv.Atoi: parsing "": invalid syntax"#);
        assert_eq!(
            atoi("99999999999999999999").unwrap_err(),
            r#"strconv.Atoi: parsing "99999999999999999999": value out of range"#
        );
    }

    #[test]
    fn parse_bool_matches_strconv() {
        assert_eq!(parse_bool("T"), Ok(true));
        assert_eq!(parse_bool("0"), Ok(false));
        assert_eq!(parse_bool("yes").unwrap_err(), r#"strconv.ParseBool: parsing "yes": invalid syntax"#);
    }

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_g(0.5), "0.5");
        assert_eq!(format_g(1.0), "1");
        assert_eq!(format_g(1e6), "1e+06");
        assert_eq!(format_g(123456.0), "123456");
        assert_eq!(format_g(1234567.0), "1.234567e+06");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(-2.5), "-2.5");
        assert_eq!(format_g(0.0), "0");
        assert_eq!(format_g(1e21), "1e+21");
        assert_eq!(format_g(1.1), "1.1");
    }

    #[test]
    fn json_float_matches_encoding_json() {
        assert_eq!(format_json_float(1e6), "1000000");
        assert_eq!(format_json_float(0.5), "0.5");
        assert_eq!(format_json_float(1e21), "1e+21");
        assert_eq!(format_json_float(1e-7), "1e-7");
        assert_eq!(format_json_float(1.5e-10), "1.5e-10");
        assert_eq!(format_json_float(45.0), "45");
        assert_eq!(format_json_float(0.000001), "0.000001");
    }
}
