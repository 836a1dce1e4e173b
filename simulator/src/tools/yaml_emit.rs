//! A YAML emitter that writes what Go's `gopkg.in/yaml.v2` `Marshal` writes
//! for the values hook tools print (Juju's `--format yaml` and `smart`).
//!
//! The output depends on details that charms can observe, so they follow
//! yaml.v2 (itself a port of libyaml's emitter) rather than any YAML that
//! parses back the same: a string is quoted exactly when it would otherwise
//! read as another type (`"12345"`, `"true"`, `"yes"`, `""`, `"1:20"`,
//! dates) or when it holds characters a plain scalar cannot (`'a: b'`,
//! `'#x'`, leading or trailing spaces); multi-line strings become literal
//! blocks (`|-`); keys are sorted with yaml.v2's digit-aware order; block
//! sequences inside mappings are not indented; long plain and quoted scalars
//! are folded at spaces past column 80.

use std::cmp::Ordering;

use super::gostr::format_yaml_float;
use super::value::Value;

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

/// Marshals `value` as yaml.v2 does (one document, trailing newline).
pub fn marshal(value: &Value) -> String {
    let mut emitter = Emitter::new();
    emitter.emit_node(value, Context::default());
    // Document end: yaml.v2 ends the document with a line break.
    emitter.write_indent();
    emitter.out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Where a node sits, as libyaml's `emit_node` flags.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

impl Context {
    /// A mapping key written as a simple key (`key: value`).
    const KEY: Context = Context { mapping: true, simple_key: true };
    /// A mapping value, or a key written in the `? key` form.
    const VALUE: Context = Context { mapping: true, simple_key: false };
}

/// What `yaml_emitter_analyze_scalar` finds out about a scalar.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` over UTF-8 (tabs and astral characters are not).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let chars: Vec<char> = value.chars().collect();
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|n| is_blank(*n));
        let last = i + 1 == chars.len();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c);
    }

    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style yaml.v2's `stringv` asks for: literal for multi-line text,
/// plain when the text reads back as a string, double-quoted otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// yaml.v2's `resolve("", s)` yields `!!str`: the plain scalar would not
/// read back as null, bool, int, float, timestamp or merge key.
fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ];
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
    if SPECIAL.contains(&s) {
        return false;
    }
    match hint {
        'M' => true,
        '.' => !is_dot_float(s),
        _ => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|c| *c != '_').collect();
            !(parses_as_go_int(&plain) || is_yaml_style_float(&plain))
        }
    }
}

/// Go's `strconv.ParseFloat` succeeding on a string starting with `.`.
fn is_dot_float(s: &str) -> bool {
    is_yaml_style_float(s)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` and finite.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
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
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeding.
fn parses_as_go_int(s: &str) -> bool {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(n) if negative => n <= 1u128 << 63,
        Ok(n) => n <= u128::from(u64::MAX),
        Err(_) => false,
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

/// yaml.v2 quotes sexagesimal-looking strings (`1:20`) for YAML 1.1 parsers.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if *c == b'+' || *c == b'-' || c.is_ascii_digit() => {}
        _ => return false,
    }
    if !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = usize::from(b[0] == b'+' || b[0] == b'-');
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let group = &s[start..i];
        let ok = match group.len() {
            1 => true,
            2 => group.as_bytes()[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// yaml.v2's map key order: runs of digits compare by value and other
/// characters sort before letters (`sorter.go` `keyList.Less`).
pub fn key_order(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        a.cmp(b)
    }
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// The emitter state libyaml keeps between writes.
struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            mapping_context: false,
            simple_key_context: false,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.write_str(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn decrease_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn emit_node(&mut self, value: &Value, ctx: Context) {
        self.mapping_context = ctx.mapping;
        self.simple_key_context = ctx.simple_key;
        match value {
            Value::Lines(items) => {
                let items: Vec<Value> = items.iter().map(|s| Value::Str(s.clone())).collect();
                self.emit_sequence(&items);
            }
            Value::List(items) => self.emit_sequence(items),
            Value::Map(map) => {
                let mut entries: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
                entries.sort_by(|a, b| key_order(a.0, b.0));
                self.emit_mapping(&entries);
            }
            Value::Struct(fields) => {
                let entries: Vec<(&str, &Value)> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
                self.emit_mapping(&entries);
            }
            scalar => {
                let (text, style) = scalar_text(scalar);
                self.emit_scalar(&text, style);
            }
        }
    }

    fn emit_sequence(&mut self, items: &[Value]) {
        if items.is_empty() || self.flow_level > 0 {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.write_indicator(",", false, false, false);
                }
                if self.column > BEST_WIDTH {
                    self.write_indent();
                }
                self.emit_node(item, Context::default());
            }
            self.flow_level -= 1;
            self.decrease_indent();
            self.write_indicator("]", false, false, false);
            return;
        }
        let indentless = self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, Context::default());
        }
        self.decrease_indent();
    }

    fn emit_mapping(&mut self, entries: &[(&str, &Value)]) {
        if entries.is_empty() || self.flow_level > 0 {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    self.write_indicator(",", false, false, false);
                }
                if self.column > BEST_WIDTH {
                    self.write_indent();
                }
                self.emit_node(&Value::Str((*key).to_string()), Context::KEY);
                self.write_indicator(":", false, false, false);
                self.emit_node(value, Context::VALUE);
            }
            self.flow_level -= 1;
            self.decrease_indent();
            self.write_indicator("}", false, false, false);
            return;
        }
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let key_value = Value::Str((*key).to_string());
            if is_simple_key(key) {
                self.emit_node(&key_value, Context::KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(&key_value, Context::VALUE);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, Context::VALUE);
        }
        self.decrease_indent();
    }

    fn emit_scalar(&mut self, text: &str, requested: Style) {
        let analysis = analyze(text);
        let style = self.select_style(text, requested, &analysis);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
        self.decrease_indent();
    }

    fn select_style(&self, text: &str, requested: Style, a: &Analysis) -> Style {
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed) || (self.flow_level == 0 && !a.block_plain_allowed) {
                style = Style::SingleQuoted;
            }
            if text.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context) {
            style = Style::DoubleQuoted;
        }
        style
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i + 1 != chars.len()
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let u = c as u32;
                        let escaped = if u <= 0xff {
                            format!("x{u:02X}")
                        } else if u <= 0xffff {
                            format!("u{u:04X}")
                        } else {
                            format!("U{u:08X}")
                        };
                        self.write_str(&escaped);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation digit when the text starts with
        // a space or break, `-` to strip a missing final break, `+` to keep
        // several.
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.len() {
            0 => Some("-"),
            n if !is_break(chars[n - 1]) => Some("-"),
            1 => Some("+"),
            n if is_break(chars[n - 2]) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// libyaml's `check_simple_key` for a string key: single-line, ≤ 128 bytes.
fn is_simple_key(key: &str) -> bool {
    !analyze(key).multiline && key.len() <= 128
}

/// The text and requested style of a scalar value.
fn scalar_text(value: &Value) -> (String, Style) {
    match value {
        Value::Null => ("null".to_string(), Style::Plain),
        Value::Bool(b) => (b.to_string(), Style::Plain),
        Value::Int(i) => (i.to_string(), Style::Plain),
        Value::Float(f) => (format_yaml_float(*f), Style::Plain),
        Value::Str(s) => (s.clone(), string_style(s)),
        // Collections are handled by the caller.
        _ => (String::new(), Style::Plain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn m(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<BTreeMap<_, _>>())
    }

    #[test]
    fn scalars_as_yaml_v2_writes_them() {
        assert_eq!(marshal(&Value::from("hello")), "hello\n");
        assert_eq!(marshal(&Value::from("")), "\"\"\n");
        assert_eq!(marshal(&Value::from("foo: bar")), "'foo: bar'\n");
        assert_eq!(marshal(&Value::from("\n\n\n")), "|2+\n\n\n\n");
        assert_eq!(marshal(&Value::Int(1)), "1\n");
        assert_eq!(marshal(&Value::Float(1.1)), "1.1\n");
        assert_eq!(marshal(&Value::Float(1e6)), "1e+06\n");
        assert_eq!(marshal(&Value::Bool(true)), "true\n");
        assert_eq!(marshal(&Value::Lines(vec![])), "[]\n");
        assert_eq!(marshal(&Value::Lines(vec!["blam".into(), "dink".into()])), "- blam\n- dink\n");
        assert_eq!(marshal(&m(&[])), "{}\n");
    }

    #[test]
    fn strings_that_read_as_other_types_are_double_quoted() {
        for s in [
            "12345",
            "true",
            "yes",
            "No",
            "on",
            "~",
            "null",
            "1.5",
            "1e3",
            ".5",
            "0x1F",
            "-7",
            "+1",
            "1_000",
            "1:20",
            "2021-01-02",
            "2021-1-2 10:00:00",
            ".inf",
            "-.Inf",
            "08",
        ] {
            assert_eq!(marshal(&m(&[("k", Value::from(s))])), format!("k: \"{s}\"\n"), "{s}");
        }
        for s in ["hello", "1.2.3", "12abc", "yesterday", "-foo", "+", "2021-13-40", "a-b", "<<"] {
            assert_eq!(marshal(&m(&[("k", Value::from(s))])), format!("k: {s}\n"), "{s}");
        }
    }

    #[test]
    fn indicator_characters_are_single_quoted() {
        assert_eq!(marshal(&m(&[("k", Value::from("a: b"))])), "k: 'a: b'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("#x"))])), "k: '#x'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("a #b"))])), "k: 'a #b'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("a#b"))])), "k: a#b\n");
        assert_eq!(marshal(&m(&[("k", Value::from(" x"))])), "k: ' x'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("x "))])), "k: 'x '\n");
        assert_eq!(marshal(&m(&[("k", Value::from("-"))])), "k: '-'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("it's"))])), "k: it's\n");
        assert_eq!(marshal(&m(&[("k", Value::from("'q'"))])), "k: '''q'''\n");
        assert_eq!(marshal(&m(&[("k", Value::from("*x"))])), "k: '*x'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("---"))])), "k: '---'\n");
        assert_eq!(marshal(&m(&[("k", Value::from("a:b"))])), "k: a:b\n");
    }

    #[test]
    fn special_characters_are_escaped_in_double_quotes() {
        assert_eq!(marshal(&m(&[("k", Value::from("a\tb"))])), "k: \"a\\tb\"\n");
        assert_eq!(marshal(&m(&[("k", Value::from("x\u{1}"))])), "k: \"x\\x01\"\n");
        assert_eq!(marshal(&m(&[("k", Value::from("😀"))])), "k: \"\\U0001F600\"\n");
        assert_eq!(marshal(&m(&[("k", Value::from("café"))])), "k: café\n");
    }

    #[test]
    fn multiline_strings_are_literal_blocks() {
        assert_eq!(marshal(&m(&[("pew", Value::from("pew\npew\n"))])), "pew: |\n  pew\n  pew\n");
        assert_eq!(marshal(&m(&[("k", Value::from("a\nb"))])), "k: |-\n  a\n  b\n");
        assert_eq!(marshal(&m(&[("k", Value::from("a\n\n"))])), "k: |+\n  a\n\n");
        assert_eq!(marshal(&m(&[("k", Value::from(" a\nb"))])), "k: |2-\n   a\n  b\n");
        // Trailing space on a line forbids the block style.
        assert_eq!(marshal(&m(&[("k", Value::from("a \nb"))])), "k: \"a \\nb\"\n");
        assert_eq!(marshal(&m(&[("private-address", Value::from("foo: bar\n"))])), "private-address: |\n  foo: bar\n");
    }

    #[test]
    fn nesting() {
        let inner = m(&[("b", Value::Int(1)), ("c", Value::Lines(vec!["x".into(), "y".into()]))]);
        // "y" is a YAML 1.1 boolean, so yaml.v2 quotes it.
        let v = m(&[("a", inner), ("d", Value::List(vec![m(&[("e", Value::Null), ("f", Value::Bool(false))])]))]);
        assert_eq!(marshal(&v), "a:\n  b: 1\n  c:\n  - x\n  - \"y\"\nd:\n- e: null\n  f: false\n");
        let nested_lists = Value::List(vec![Value::List(vec![Value::Int(1), Value::Int(2)])]);
        assert_eq!(marshal(&nested_lists), "- - 1\n  - 2\n");
        assert_eq!(marshal(&m(&[("a", m(&[])), ("b", Value::List(vec![]))])), "a: {}\nb: []\n");
    }

    #[test]
    fn keys_sort_like_yaml_v2() {
        let v = m(&[("a10", Value::Int(1)), ("a2", Value::Int(2)), ("B", Value::Int(3)), ("_x", Value::Int(4))]);
        assert_eq!(marshal(&v), "_x: 4\nB: 3\na2: 2\na10: 1\n");
        let quoted_keys = m(&[("12", Value::Int(1)), ("", Value::Int(2))]);
        assert_eq!(marshal(&quoted_keys), "\"\": 2\n\"12\": 1\n");
    }

    #[test]
    fn long_scalars_fold_past_column_80() {
        let words = vec!["word"; 30].join(" ");
        let out = marshal(&m(&[("k", Value::from(words.as_str()))]));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1, "{out}");
        assert!(lines[1].starts_with("  word"));
        assert_eq!(out.replace("\n  ", " "), format!("k: {words}\n"));
    }

    #[test]
    fn struct_fields_keep_their_order() {
        let v = Value::Struct(vec![("z".into(), Value::Int(1)), ("a".into(), Value::Int(2))]);
        assert_eq!(marshal(&v), "z: 1\na: 2\n");
    }
}
