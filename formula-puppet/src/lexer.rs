//! Tokens of the Puppet language, each with its span.
//!
//! Puppet's lexer depends on context in two places: `/` starts a regex only where a value is
//! expected, and a heredoc's body starts on the line after its `@(TAG)`. Double-quoted strings
//! are cut into literal text and the source of each interpolation, which the parser parses.

use super::{ParseError, Pos, Span};

/// One piece of a double-quoted string or an interpolating heredoc.
#[derive(Clone, Debug, PartialEq)]
pub enum StrPiece {
    /// Text with escapes resolved.
    Text(String),
    /// `${expr}`: the expression's source and where it starts.
    Expr(String, Pos),
    /// `$name`: a variable.
    Var(String, Span),
}

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A lowercase word, maybe qualified (`foo::bar`, `::foo`); keywords too.
    Name(String),
    /// A capitalised word (`File`, `Stdlib::Port`).
    TypeRef(String),
    /// `$x`, `$::x`, `$a::b`, without the dollar.
    Var(String),
    /// A number as written.
    Number(String),
    /// `'…'` with escapes resolved.
    Str(String),
    /// `"…"` or an interpolating heredoc.
    Interp(Vec<StrPiece>),
    /// `/…/`.
    Regex(String),
    /// Punctuation and operators.
    Punct(&'static str),
    /// End of input.
    Eof,
}

/// A token and where it was written.
#[derive(Clone, Debug)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Where it was written.
    pub span: Span,
}

const PUNCTS: &[&str] = &[
    "<<|", "|>>", "=>", "+>", "->", "~>", "<-", "<~", "==", "!=", "=~", "!~", ">=", "<=", "<|", "|>", "<<", ">>", "+=",
    "-=", "@@", "{", "}", "[", "]", "(", ")", ",", ";", ":", "=", "?", "!", "+", "-", "*", "/", "%", "<", ">", ".",
    "|", "@",
];

struct Lexer<'a> {
    /// Offset of `text` in the whole file (for interpolations lexed on their own).
    base: usize,
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
    col: usize,
    /// Heredoc bodies to skip when the current line ends: (offset of the body's end, line, col).
    skip_at_newline: Option<(usize, usize)>,
}

/// Cuts `text` into tokens; `start` is the position of its first byte (for interpolations).
pub fn tokenize(text: &str, start: Pos) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer {
        base: start.offset,
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: start.line,
        col: start.column,
        skip_at_newline: None,
    };
    let base = start.offset;
    let mut out: Vec<Token> = Vec::new();
    loop {
        lx.skip_space_and_comments()?;
        let from = lx.pos(base);
        if lx.at >= lx.bytes.len() {
            out.push(Token { tok: Tok::Eof, span: Span::point(from) });
            return Ok(out);
        }
        let value_before = matches!(
            out.last().map(|t| &t.tok),
            Some(Tok::Var(_) | Tok::Number(_) | Tok::Str(_) | Tok::Interp(_) | Tok::TypeRef(_) | Tok::Punct(")" | "]"))
        ) || matches!(out.last().map(|t| &t.tok), Some(Tok::Name(n)) if !is_keyword(n));
        let tok = lx.token(base, value_before)?;
        out.push(Token { tok, span: Span { start: from, end: lx.pos(base) } });
    }
}

/// Words that are keywords rather than values.
pub fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "in"
            | "if"
            | "elsif"
            | "else"
            | "unless"
            | "case"
            | "class"
            | "define"
            | "node"
            | "inherits"
            | "function"
            | "type"
            | "default"
            | "undef"
            | "true"
            | "false"
    )
}

impl Lexer<'_> {
    fn pos(&self, base: usize) -> Pos {
        Pos { offset: base + self.at, line: self.line, column: self.col }
    }

    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            pos: Pos { offset: self.base + self.at, line: self.line, column: self.col },
            message: message.into(),
        }
    }

    fn peek(&self, n: usize) -> u8 {
        self.bytes.get(self.at + n).copied().unwrap_or(0)
    }

    /// Moves one character forward, keeping line and column.
    fn bump(&mut self) -> Option<char> {
        let c = self.text.get(self.at..)?.chars().next()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
            if let Some((end, lines)) = self.skip_at_newline.take() {
                self.line += lines;
                self.at = end;
            }
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_space_and_comments(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek(0) {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    self.bump();
                }
                b'#' => {
                    while self.at < self.bytes.len() && self.peek(0) != b'\n' {
                        self.bump();
                    }
                }
                b'/' if self.peek(1) == b'*' => {
                    let err = self.err("unterminated `/*` comment");
                    self.bump();
                    self.bump();
                    loop {
                        if self.at >= self.bytes.len() {
                            return Err(err);
                        }
                        if self.peek(0) == b'*' && self.peek(1) == b'/' {
                            self.bump();
                            self.bump();
                            break;
                        }
                        self.bump();
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn word(&mut self) -> String {
        let from = self.at;
        loop {
            let c = self.peek(0);
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.bump();
            } else if c == b':'
                && self.peek(1) == b':'
                && (self.peek(2).is_ascii_alphanumeric() || self.peek(2) == b'_')
            {
                self.bump();
                self.bump();
            } else {
                break;
            }
        }
        self.text[from..self.at].to_string()
    }

    /// A lowercase word, where Puppet's bare words may hold hyphens between word characters
    /// (`display-name`, Puppet 3's `mw-extension`); variables may not.
    fn bare_word(&mut self) -> String {
        let mut word = self.word();
        while self.peek(0) == b'-' && (self.peek(1).is_ascii_alphanumeric() || self.peek(1) == b'_') {
            self.bump();
            word.push('-');
            word.push_str(&self.word());
        }
        word
    }

    fn token(&mut self, base: usize, value_before: bool) -> Result<Tok, ParseError> {
        let c = self.peek(0);
        if c == b'$' {
            self.bump();
            if self.peek(0) == b':' && self.peek(1) == b':' {
                self.bump();
                self.bump();
                return Ok(Tok::Var(format!("::{}", self.word())));
            }
            let name = self.word();
            if name.is_empty() {
                return Err(self.err("`$` without a variable name"));
            }
            return Ok(Tok::Var(name));
        }
        if c.is_ascii_digit() {
            let from = self.at;
            while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
                self.bump();
            }
            return Ok(Tok::Number(self.text[from..self.at].to_string()));
        }
        if c.is_ascii_alphabetic()
            || c == b'_'
            || (c == b':' && self.peek(1) == b':' && self.peek(2).is_ascii_alphabetic())
        {
            if c == b':' {
                self.bump();
                self.bump();
                return Ok(Tok::Name(format!("::{}", self.word())));
            }
            if c.is_ascii_uppercase() {
                return Ok(Tok::TypeRef(self.word()));
            }
            return Ok(Tok::Name(self.bare_word()));
        }
        if c == b'\'' {
            return self.single_quoted().map(Tok::Str);
        }
        if c == b'"' {
            self.bump();
            return self.interpolated(Some('"'), base).map(Tok::Interp);
        }
        if c == b'@' && self.peek(1) == b'(' {
            return self.heredoc(base);
        }
        if c == b'/' && !value_before {
            let err = self.err("unterminated regex");
            self.bump();
            let mut re = String::new();
            loop {
                match self.bump() {
                    None | Some('\n') => return Err(err),
                    Some('\\') => {
                        re.push('\\');
                        if let Some(n) = self.bump() {
                            re.push(n);
                        }
                    }
                    Some('/') => return Ok(Tok::Regex(re)),
                    Some(ch) => re.push(ch),
                }
            }
        }
        for p in PUNCTS {
            if self.bytes[self.at..].starts_with(p.as_bytes()) {
                for _ in 0..p.len() {
                    self.bump();
                }
                return Ok(Tok::Punct(p));
            }
        }
        let ch = self.text[self.at..].chars().next().unwrap_or('?');
        Err(self.err(format!("unexpected character `{}`", ch.escape_debug())))
    }

    fn single_quoted(&mut self) -> Result<String, ParseError> {
        let err = self.err("unterminated string");
        self.bump();
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(err),
                Some('\\') if matches!(self.peek(0), b'\'' | b'\\') => {
                    if let Some(n) = self.bump() {
                        s.push(n);
                    }
                }
                Some('\'') => return Ok(s),
                Some(ch) => s.push(ch),
            }
        }
    }

    /// A double-quoted string (closing at `close`) or a heredoc body (whole text, `close` none).
    fn interpolated(&mut self, close: Option<char>, base: usize) -> Result<Vec<StrPiece>, ParseError> {
        let err = self.err("unterminated string");
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            let Some(ch) = self.bump() else {
                if close.is_none() {
                    break;
                }
                return Err(err);
            };
            if Some(ch) == close {
                break;
            }
            match ch {
                '\\' => {
                    let Some(n) = self.bump() else { return Err(err) };
                    match n {
                        'n' => text.push('\n'),
                        't' => text.push('\t'),
                        'r' => text.push('\r'),
                        's' => text.push(' '),
                        '$' | '"' | '\\' | '\'' => text.push(n),
                        '\n' => {}
                        other => {
                            text.push('\\');
                            text.push(other);
                        }
                    }
                }
                '$' if self.peek(0) == b'{' => {
                    let open = self.err("unterminated `${` in string");
                    self.bump();
                    let start = self.pos(base);
                    let from = self.at;
                    let mut depth = 1;
                    loop {
                        match self.bump() {
                            None => return Err(open),
                            Some('{') => depth += 1,
                            Some('}') => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Some('\'') => while !matches!(self.bump(), Some('\'') | None) {},
                            _ => {}
                        }
                    }
                    if !text.is_empty() {
                        pieces.push(StrPiece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(StrPiece::Expr(self.text[from..self.at - 1].to_string(), start));
                }
                '$' if self.peek(0).is_ascii_alphabetic() || self.peek(0) == b'_' || self.peek(0) == b':' => {
                    let start = self.pos(base);
                    let name = if self.peek(0) == b':' && self.peek(1) == b':' {
                        self.bump();
                        self.bump();
                        format!("::{}", self.word())
                    } else {
                        self.word()
                    };
                    if !text.is_empty() {
                        pieces.push(StrPiece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(StrPiece::Var(name, Span { start, end: self.pos(base) }));
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() || pieces.is_empty() {
            pieces.push(StrPiece::Text(text));
        }
        Ok(pieces)
    }

    /// `@(TAG)`, `@("TAG")`, `@(TAG:syntax/flags)`; the body runs from the next line to the
    /// line holding `TAG` (with `|` for the margin and `-` to drop the last newline).
    fn heredoc(&mut self, base: usize) -> Result<Tok, ParseError> {
        let err = self.err("unterminated heredoc tag");
        let start = err.pos;
        self.bump();
        self.bump();
        let from = self.at;
        while self.peek(0) != b')' {
            if self.at >= self.bytes.len() || self.peek(0) == b'\n' {
                return Err(err);
            }
            self.bump();
        }
        let spec = self.text[from..self.at].trim().to_string();
        self.bump();
        let (tag_part, _flags) = spec.split_once('/').unwrap_or((&spec, ""));
        let tag_part = tag_part.split(':').next().unwrap_or("").trim();
        let (tag, interpolate) = match tag_part.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(t) => (t.to_string(), true),
            None => (tag_part.to_string(), false),
        };
        if tag.is_empty() {
            return Err(err);
        }
        // The body starts after the end of this line (or after an earlier heredoc's body).
        let line_end = match self.skip_at_newline {
            Some((end, _)) => end,
            None => self.text[self.at..].find('\n').map(|i| self.at + i + 1).unwrap_or(self.bytes.len()),
        };
        let mut lines = Vec::new();
        let mut at = line_end;
        let mut found = None;
        while at < self.bytes.len() {
            let end = self.text[at..].find('\n').map(|i| at + i).unwrap_or(self.bytes.len());
            let line = &self.text[at..end];
            let trimmed = line.trim_start();
            let (margin, rest) = match trimmed.strip_prefix('|') {
                Some(r) => (Some(line.len() - trimmed.len()), r.trim_start()),
                None => (None, trimmed),
            };
            let (trim, rest) = match rest.strip_prefix('-') {
                Some(r) => (true, r.trim_start()),
                None => (false, rest),
            };
            if rest.trim_end() == tag {
                found = Some((margin, trim, (end + 1).min(self.bytes.len())));
                break;
            }
            lines.push((at, line));
            at = end + 1;
        }
        let Some((margin, trim, body_end)) = found else {
            return Err(ParseError { pos: start, message: format!("heredoc `{tag}` has no end line") });
        };
        let mut body = String::new();
        for (_, line) in &lines {
            let cut =
                margin.map(|m| line.len() - line.trim_start().len().max(line.len().saturating_sub(m))).unwrap_or(0);
            body.push_str(line.get(cut..).unwrap_or(line));
            body.push('\n');
        }
        if trim && body.ends_with('\n') {
            body.pop();
        }
        let body_line = self.text[..line_end].matches('\n').count();
        let skipped = lines.len() + 1;
        let already = self.skip_at_newline.map(|(_, n)| n).unwrap_or(0);
        self.skip_at_newline = Some((body_end, already + skipped));
        if !interpolate {
            return Ok(Tok::Str(body));
        }
        let start = Pos { offset: base + line_end, line: body_line + 1, column: 1 };
        // The body lost its margin: offsets inside it are approximate, lines and columns hold.
        let mut inner = Lexer {
            base: base + line_end,
            text: &body,
            bytes: body.as_bytes(),
            at: 0,
            line: start.line,
            col: 1,
            skip_at_newline: None,
        };
        inner.interpolated(None, base + line_end).map(Tok::Interp)
    }
}
