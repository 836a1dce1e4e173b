//! Go's text conventions that leak into Juju's messages and output:
//! `%q` quoting, `strconv` number parsing and its error texts, and the
//! float formats of `strconv.FormatFloat` (`'g'`, `'e'`, `'f'` with the
//! shortest precision).

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

/// Go's `strconv.Atoi`, with its error text
/// (`strconv.Atoi: parsing "x": invalid syntax`).
pub fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// Go's `strconv.ParseBool`, with its error text.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!("strconv.ParseBool: parsing {}: invalid syntax", quote(s))),
    }
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

/// How Go's `encoding/json` writes a finite float64.
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

/// How yaml.v2 writes a float: `'g'` format, `.inf`, `-.inf`, `.nan`.
pub fn format_yaml_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        format_g(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn yaml_float_specials() {
        assert_eq!(format_yaml_float(f64::INFINITY), ".inf");
        assert_eq!(format_yaml_float(f64::NEG_INFINITY), "-.inf");
        assert_eq!(format_yaml_float(f64::NAN), ".nan");
    }
}
