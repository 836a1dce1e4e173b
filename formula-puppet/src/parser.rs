//! A recursive-descent parser for the Puppet language (3 to 7), with Puppet's precedences.

use super::ast::*;
use super::lexer::{tokenize, StrPiece, Tok, Token};
use super::{ParseError, Pos, Span};

/// Functions Puppet lets you call without parentheses as a statement.
const STATEMENT_CALLS: &[&str] = &[
    "include",
    "require",
    "contain",
    "realize",
    "tag",
    "fail",
    "notice",
    "info",
    "warning",
    "debug",
    "err",
    "alert",
    "crit",
    "emerg",
    "hiera_include",
    "create_resources",
    "validate_re",
    "validate_string",
    "validate_bool",
    "validate_array",
    "validate_hash",
    "validate_absolute_path",
    "validate_integer",
];

/// How deep expressions may nest before the parser refuses (keeps the stack bounded).
const MAX_DEPTH: usize = 100;

/// Parses a whole manifest.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    let tokens = tokenize(text, Pos { offset: 0, line: 1, column: 1 })?;
    let mut p = Parser { tokens, at: 0, text, depth: 0, in_condition: false };
    let body = p.statements(None)?;
    Ok(Manifest { body })
}

/// Parses one expression that starts at `start` (an interpolation `${…}`).
pub fn parse_expression(source: &str, start: Pos, whole: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(source, start)?;
    let mut p = Parser { tokens, at: 0, text: whole, depth: 0, in_condition: false };
    let e = p.expr()?;
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.unexpected("the end of the interpolation"));
    }
    Ok(e)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    text: &'a str,
    depth: usize,
    /// Parsing the condition of an `if`, `unless`, `elsif` or the subject of a `case`: there
    /// `word {` and `Type {` open the body, not a resource (`if $ensure == present {`).
    in_condition: bool,
}

/// Whether an interpolation's source starts with a bare name that is a variable: `${name}`,
/// `${name['k']}`, `${name.join(',')}` (not `${name(…)}`, a call).
fn variable_first(src: &str) -> bool {
    let body = src.strip_prefix("::").unwrap_or(src);
    if !body.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        return false;
    }
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(body.len());
    matches!(body[end..].chars().next(), None | Some('[' | '.'))
}

fn join(a: Span, b: Span) -> Span {
    Span { start: a.start, end: b.end }
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.tokens.get(self.at + n).or(self.tokens.last()).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn span(&self) -> Span {
        self.tokens.get(self.at).or(self.tokens.last()).map(|t| t.span).unwrap_or_default()
    }

    fn prev_span(&self) -> Span {
        self.tokens.get(self.at.saturating_sub(1)).map(|t| t.span).unwrap_or_default()
    }

    fn next(&mut self) -> Token {
        let t = self.tokens.get(self.at).or(self.tokens.last()).cloned();
        if self.at < self.tokens.len() {
            self.at += 1;
        }
        t.unwrap_or(Token { tok: Tok::Eof, span: Span::default() })
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == w)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is(p) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Name(n) | Tok::TypeRef(n) => format!("`{n}`"),
            Tok::Var(v) => format!("`${v}`"),
            Tok::Number(n) => format!("`{n}`"),
            Tok::Str(_) | Tok::Interp(_) => "a string".into(),
            Tok::Regex(_) => "a regex".into(),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Eof => "the end of the file".into(),
        }
    }

    fn unexpected(&self, wanted: &str) -> ParseError {
        ParseError {
            pos: self.span().start,
            message: format!("expected {wanted}, found {}", Self::describe(self.peek())),
        }
    }

    fn expect(&mut self, p: &str) -> Result<Span, ParseError> {
        if self.is(p) {
            Ok(self.next().span)
        } else {
            Err(self.unexpected(&format!("`{p}`")))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError { pos: self.span().start, message: "expressions nest too deeply".into() });
        }
        Ok(())
    }

    /// Statements until `close` (or the end of input).
    fn statements(&mut self, close: Option<&str>) -> Result<Vec<Expr>, ParseError> {
        let mut out = Vec::new();
        loop {
            while self.eat(";") {}
            match (self.peek(), close) {
                (Tok::Eof, None) => return Ok(out),
                (Tok::Eof, Some(c)) => return Err(self.unexpected(&format!("`{c}`"))),
                (Tok::Punct(p), Some(c)) if *p == c => {
                    self.at += 1;
                    return Ok(out);
                }
                _ => out.push(self.statement()?),
            }
        }
    }

    fn block(&mut self) -> Result<Vec<Expr>, ParseError> {
        self.expect("{")?;
        let saved = std::mem::replace(&mut self.in_condition, false);
        let body = self.statements(Some("}"));
        self.in_condition = saved;
        body
    }

    /// A condition or a case's subject (see [`Parser::in_condition`]).
    fn condition(&mut self) -> Result<Expr, ParseError> {
        let saved = std::mem::replace(&mut self.in_condition, true);
        let cond = self.expr();
        self.in_condition = saved;
        cond
    }

    /// An expression in brackets or parentheses, where resources may be written again.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, ParseError>) -> Result<T, ParseError> {
        let saved = std::mem::replace(&mut self.in_condition, false);
        let r = f(self);
        self.in_condition = saved;
        r
    }

    fn statement(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let result = self.relationship();
        self.depth -= 1;
        result
    }

    /// `a -> b ~> c`: the lowest precedence.
    fn relationship(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.statement_expr()?;
        while let Tok::Punct(op @ ("->" | "~>" | "<-" | "<~")) = self.peek() {
            let op = *op;
            self.at += 1;
            let right = self.statement_expr()?;
            let span = join(left.span, right.span);
            left = Expr { kind: ExprKind::Chain(op, Box::new(left), Box::new(right)), span };
        }
        Ok(left)
    }

    /// A statement call (`include x`) or an expression.
    fn statement_expr(&mut self) -> Result<Expr, ParseError> {
        if let Tok::Name(name) = self.peek().clone() {
            let starts_arg = !matches!(
                self.peek_at(1),
                Tok::Punct("(" | "{" | "=" | "->" | "~>" | "<-" | "<~" | "," | ";" | "}" | "." | "[")
            ) && !matches!(self.peek_at(1), Tok::Eof);
            if STATEMENT_CALLS.contains(&name.as_str()) && starts_arg {
                let start = self.next().span;
                let mut args = vec![self.expr()?];
                while self.eat(",") {
                    args.push(self.expr()?);
                }
                let span = join(start, self.prev_span());
                return Ok(Expr { kind: ExprKind::Call { name, args, lambda: None }, span });
            }
        }
        self.assignment()
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.assignment();
        self.depth -= 1;
        r
    }

    fn assignment(&mut self) -> Result<Expr, ParseError> {
        let left = self.binary(0)?;
        if let Tok::Punct(op @ ("=" | "+=" | "-=")) = self.peek() {
            let op = *op;
            self.at += 1;
            let right = self.expr()?;
            let span = join(left.span, right.span);
            return Ok(Expr { kind: ExprKind::Assign(op, Box::new(left), Box::new(right)), span });
        }
        Ok(left)
    }

    /// The operator at the current token and its level (higher binds tighter).
    fn binary_op(&self) -> Option<(&'static str, usize)> {
        const LEVELS: &[&[&str]] = &[
            &["or"],
            &["and"],
            &[">=", "<=", ">", "<"],
            &["==", "!="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
            &["=~", "!~"],
            &["in"],
        ];
        let word = match self.peek() {
            Tok::Punct(p) => *p,
            Tok::Name(n) => n.as_str(),
            _ => return None,
        };
        LEVELS.iter().enumerate().find_map(|(level, ops)| ops.iter().find(|o| **o == word).map(|o| (*o, level)))
    }

    /// Binary operators by precedence climbing: one frame per operator, not per level.
    fn binary(&mut self, min_level: usize) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while let Some((op, level)) = self.binary_op() {
            if level < min_level {
                break;
            }
            self.at += 1;
            self.enter()?;
            let right = self.binary(level + 1);
            self.depth -= 1;
            let right = right?;
            let span = join(left.span, right.span);
            left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if let Tok::Punct(op @ ("!" | "-" | "*")) = self.peek() {
            let op = *op;
            let start = self.next().span;
            self.enter()?;
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            let span = join(start, inner.span);
            return Ok(Expr { kind: ExprKind::Unary(op, Box::new(inner)), span });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            if self.is("[") && !self.space_before() {
                self.at += 1;
                let args = self.list("]")?;
                let span = join(e.span, self.prev_span());
                e = Expr { kind: ExprKind::Access(Box::new(e), args), span };
            } else if self.is(".") {
                self.at += 1;
                let name = match self.next().tok {
                    Tok::Name(n) => n,
                    _ => {
                        return Err(ParseError {
                            pos: self.prev_span().start,
                            message: "expected a method name after `.`".into(),
                        })
                    }
                };
                let args = if self.is("(") && !self.space_before() {
                    self.at += 1;
                    self.list(")")?
                } else {
                    Vec::new()
                };
                let lambda = self.lambda()?;
                let span = join(e.span, self.prev_span());
                e = Expr { kind: ExprKind::MethodCall { receiver: Box::new(e), name, args, lambda }, span };
            } else if self.is("?") {
                self.at += 1;
                self.expect("{")?;
                let mut options = Vec::new();
                while !self.eat("}") {
                    let k = self.expr()?;
                    self.expect("=>")?;
                    let v = self.expr()?;
                    options.push((k, v));
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                let span = join(e.span, self.prev_span());
                e = Expr { kind: ExprKind::Selector(Box::new(e), options), span };
            } else if self.is("{") && matches!(e.kind, ExprKind::Access(..)) && self.is_attr_block() {
                let attrs = self.attr_block()?;
                let span = join(e.span, self.prev_span());
                e = Expr { kind: ExprKind::ResourceOverride(Box::new(e), attrs), span };
            } else {
                return Ok(e);
            }
        }
    }

    /// Whether whitespace separates the current token from the previous one (`$a [1]` is not an access
    /// in Puppet 4, but `[1]` after a statement starts an array).
    fn space_before(&self) -> bool {
        self.span().start.offset > self.prev_span().end.offset
    }

    /// `{ name => …` (an attribute block) rather than a hash or a body.
    fn is_attr_block(&self) -> bool {
        matches!(self.peek_at(1), Tok::Name(_) | Tok::Punct("}" | "*"))
            && matches!(self.peek_at(2), Tok::Punct("=>" | "+>" | "}" | ","))
            || matches!(self.peek_at(1), Tok::Punct("}"))
    }

    fn list(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut out = Vec::new();
        while !self.eat(close) {
            out.push(self.expr()?);
            if !self.eat(",") {
                self.expect(close)?;
                break;
            }
        }
        Ok(out)
    }

    fn lambda(&mut self) -> Result<Option<Box<Lambda>>, ParseError> {
        if !self.is("|") {
            return Ok(None);
        }
        self.at += 1;
        let params = self.params("|")?;
        let body = self.block()?;
        Ok(Some(Box::new(Lambda { params, body })))
    }

    /// Parameters up to `close`: `Type $name = default, …`.
    fn params(&mut self, close: &str) -> Result<Vec<Param>, ParseError> {
        let mut out = Vec::new();
        while !self.eat(close) {
            let start = self.span();
            let type_expr = if matches!(self.peek(), Tok::TypeRef(_)) { Some(self.postfix_type()?) } else { None };
            self.eat("*");
            let name = match self.next().tok {
                Tok::Var(v) => v,
                _ => {
                    return Err(ParseError {
                        pos: self.prev_span().start,
                        message: "expected a parameter (`$name`)".into(),
                    })
                }
            };
            let default = if self.eat("=") { Some(self.expr()?) } else { None };
            out.push(Param { type_expr, name, default, span: join(start, self.prev_span()) });
            if !self.eat(",") {
                self.expect(close)?;
                break;
            }
        }
        Ok(out)
    }

    /// A type such as `Optional[Enum['a', 'b']]`.
    fn postfix_type(&mut self) -> Result<Expr, ParseError> {
        let t = self.next();
        let mut e = match t.tok {
            Tok::TypeRef(n) => Expr { kind: ExprKind::TypeRef(n), span: t.span },
            _ => return Err(ParseError { pos: t.span.start, message: "expected a type".into() }),
        };
        while self.is("[") {
            self.at += 1;
            let args = self.list("]")?;
            e = Expr { span: join(e.span, self.prev_span()), kind: ExprKind::Access(Box::new(e), args) };
        }
        Ok(e)
    }

    fn attr_block(&mut self) -> Result<Vec<Attr>, ParseError> {
        self.expect("{")?;
        let attrs = self.attrs(&["}"])?;
        self.expect("}")?;
        Ok(attrs)
    }

    /// `name => value, …` until one of `stops` (not consumed) or `;`.
    fn attrs(&mut self, stops: &[&str]) -> Result<Vec<Attr>, ParseError> {
        let mut out = Vec::new();
        loop {
            if matches!(self.peek(), Tok::Punct(p) if stops.contains(p) || *p == ";") {
                return Ok(out);
            }
            let start = self.span();
            let name = match self.next().tok {
                Tok::Name(n) => n,
                Tok::Punct("*") => "*".into(),
                other => {
                    return Err(ParseError {
                        pos: start.start,
                        message: format!("expected an attribute name, found {}", Self::describe(&other)),
                    })
                }
            };
            let op = match self.next().tok {
                Tok::Punct("=>") => "=>",
                Tok::Punct("+>") => "+>",
                _ => {
                    return Err(ParseError {
                        pos: self.prev_span().start,
                        message: format!("expected `=>` after `{name}`"),
                    })
                }
            };
            let value = self.expr()?;
            out.push(Attr { name, op, span: join(start, value.span), value });
            if !self.eat(",") {
                return Ok(out);
            }
        }
    }

    /// The comment lines just above byte `offset`, without their `#`.
    fn doc_above(&self, offset: usize) -> String {
        // Offsets inside a heredoc body are approximate: no doc comment there.
        let Some(before) = self.text.get(..offset) else { return String::new() };
        let mut lines: Vec<&str> = before.lines().collect();
        if !before.ends_with('\n') {
            lines.pop();
        }
        let mut doc = Vec::new();
        for line in lines.iter().rev() {
            match line.trim().strip_prefix('#') {
                Some(c) => doc.push(c.strip_prefix(' ').unwrap_or(c)),
                None => break,
            }
        }
        doc.reverse();
        doc.join("\n")
    }

    fn definition(&mut self, start: Span) -> Result<Definition, ParseError> {
        let name = match self.next().tok {
            Tok::Name(n) => n,
            _ => return Err(ParseError { pos: self.prev_span().start, message: "expected a name".into() }),
        };
        let params = if self.eat("(") { self.params(")")? } else { Vec::new() };
        let parent = if self.is_word("inherits") {
            self.at += 1;
            match self.next().tok {
                Tok::Name(n) => Some(n),
                _ => {
                    return Err(ParseError {
                        pos: self.prev_span().start,
                        message: "expected a class name after `inherits`".into(),
                    })
                }
            }
        } else {
            None
        };
        let body = self.block()?;
        Ok(Definition { name, params, parent, body, doc: self.doc_above(start.start.offset) })
    }

    /// Skips a balanced `{…}` (or to the end of the statement) and keeps its text.
    fn opaque(&mut self, start: Span) -> Result<Expr, ParseError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::Eof => return Err(self.unexpected("`}`")),
                Tok::Punct("{" | "[" | "(") => depth += 1,
                Tok::Punct("}" | "]" | ")") => {
                    if depth == 0 {
                        return Err(self.unexpected("a definition"));
                    }
                    depth -= 1;
                    if depth == 0 && self.is("}") {
                        self.at += 1;
                        break;
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
        let span = join(start, self.prev_span());
        let text = self.text.get(span.start.offset..span.end.offset).unwrap_or("").to_string();
        Ok(Expr { kind: ExprKind::Opaque(text), span })
    }

    fn resource(&mut self, type_name: String, virtuality: Virtuality, start: Span) -> Result<Expr, ParseError> {
        self.expect("{")?;
        let mut bodies = Vec::new();
        loop {
            if self.eat("}") {
                break;
            }
            let title = self.expr()?;
            self.expect(":")?;
            let attrs = self.attrs(&["}"])?;
            bodies.push(ResourceBody { title, attrs });
            if self.eat(";") {
                continue;
            }
            self.expect("}")?;
            break;
        }
        Ok(Expr { kind: ExprKind::Resource { virtuality, type_name, bodies }, span: join(start, self.prev_span()) })
    }

    fn string(&self, pieces: Vec<StrPiece>, span: Span) -> Result<Expr, ParseError> {
        let mut parts = Vec::new();
        for piece in pieces {
            match piece {
                StrPiece::Text(t) => parts.push(StrPart::Text(t)),
                StrPiece::Var(v, s) => parts.push(StrPart::Expr(Expr { kind: ExprKind::Var(v), span: s })),
                StrPiece::Expr(src, at) => {
                    // `${unless}`: a name that starts an interpolation is a variable, keywords too.
                    let mut e = match variable_first(&src) {
                        true => {
                            let at = Pos {
                                offset: at.offset.saturating_sub(1),
                                line: at.line,
                                column: at.column.saturating_sub(1).max(1),
                            };
                            parse_expression(&format!("${src}"), at, self.text)?
                        }
                        false => parse_expression(&src, at, self.text)?,
                    };
                    // `${name}` and `${name[…]}` mean the variable `$name`.
                    fn to_var(e: &mut Expr) {
                        match &mut e.kind {
                            ExprKind::Name(n) => e.kind = ExprKind::Var(std::mem::take(n)),
                            ExprKind::Access(inner, _) | ExprKind::MethodCall { receiver: inner, .. } => to_var(inner),
                            _ => {}
                        }
                    }
                    to_var(&mut e);
                    parts.push(StrPart::Expr(e));
                }
            }
        }
        if let [StrPart::Text(t)] = parts.as_slice() {
            return Ok(Expr { kind: ExprKind::Str(t.clone()), span });
        }
        Ok(Expr { kind: ExprKind::Interp(parts), span })
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let t = self.next();
        let span = t.span;
        let kind = match t.tok {
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Interp(pieces) => return self.string(pieces, span),
            Tok::Number(n) => ExprKind::Number(n),
            Tok::Regex(r) => ExprKind::Regex(r),
            Tok::Var(v) => ExprKind::Var(v),
            Tok::Punct("(") => {
                let e = self.nested(|p| p.expr())?;
                self.expect(")")?;
                return Ok(e);
            }
            Tok::Punct("[") => ExprKind::Array(self.nested(|p| p.list("]"))?),
            Tok::Punct("{") => {
                let mut pairs = Vec::new();
                while !self.eat("}") {
                    let k = self.expr()?;
                    self.expect("=>")?;
                    let v = self.expr()?;
                    pairs.push((k, v));
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                ExprKind::Hash(pairs)
            }
            Tok::Punct(v @ ("@" | "@@")) => {
                let virtuality = if v == "@" { Virtuality::Virtual } else { Virtuality::Exported };
                let name = match self.next().tok {
                    Tok::Name(n) => n,
                    _ => {
                        return Err(ParseError {
                            pos: self.prev_span().start,
                            message: format!("expected a resource type after `{v}`"),
                        })
                    }
                };
                return self.resource(name, virtuality, span);
            }
            Tok::TypeRef(name) => {
                // Puppet 3's hyphenated type names (`Mw-extension <| |>`), which Puppet 7 no
                // longer reads, are still read in collectors: old manifests use them.
                if let (Tok::Punct("-"), Tok::Name(rest), Tok::Punct("<|" | "<<|")) =
                    (self.peek(), self.peek_at(1), self.peek_at(2))
                {
                    if !self.space_before()
                        && self.tokens.get(self.at + 1).is_some_and(|t| t.span.start.offset == span.end.offset + 1)
                    {
                        let name = format!("{name}-{rest}");
                        self.at += 2;
                        return self.collector(name, span);
                    }
                }
                if let Tok::Punct("<|" | "<<|") = self.peek() {
                    return self.collector(name, span);
                }
                // `String($port)`, `Sensitive($x)`, `Integer('3')`: a new value of the type.
                if self.is("(") {
                    self.at += 1;
                    let args = self.nested(|p| p.list(")"))?;
                    let lambda = self.lambda()?;
                    return Ok(Expr {
                        kind: ExprKind::Call { name, args, lambda },
                        span: join(span, self.prev_span()),
                    });
                }
                if self.is("{") && !self.in_condition && self.is_attr_block() {
                    let attrs = self.attr_block()?;
                    return Ok(Expr {
                        kind: ExprKind::ResourceDefaults(name, attrs),
                        span: join(span, self.prev_span()),
                    });
                }
                ExprKind::TypeRef(name)
            }
            Tok::Name(word) => match word.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "undef" => ExprKind::Undef,
                "default" => ExprKind::Default,
                "class" if self.is("{") => return self.resource(word, Virtuality::Real, span),
                "class" => {
                    return Ok(Expr {
                        kind: ExprKind::Class(self.definition(span)?),
                        span: join(span, self.prev_span()),
                    })
                }
                "define" => {
                    return Ok(Expr {
                        kind: ExprKind::Define(self.definition(span)?),
                        span: join(span, self.prev_span()),
                    })
                }
                "function" | "plan" if matches!(self.peek(), Tok::Name(_)) => return self.opaque(span),
                "type" if matches!(self.peek(), Tok::TypeRef(_)) => {
                    // `type Name = TypeExpression`: kept as text.
                    self.at += 1;
                    self.expect("=")?;
                    self.expr()?;
                    let span = join(span, self.prev_span());
                    let text = self.text.get(span.start.offset..span.end.offset).unwrap_or("").to_string();
                    return Ok(Expr { kind: ExprKind::Opaque(text), span });
                }
                "node" => {
                    let mut matches = vec![self.expr()?];
                    while self.eat(",") {
                        matches.push(self.expr()?);
                    }
                    if self.is_word("inherits") {
                        self.at += 2;
                    }
                    let body = self.block()?;
                    ExprKind::Node(matches, body)
                }
                "if" | "unless" => {
                    let cond = self.condition()?;
                    let then = self.block()?;
                    let otherwise = self.else_part()?;
                    ExprKind::If { cond: Box::new(cond), negated: word == "unless", then, otherwise }
                }
                "case" => {
                    let subject = self.condition()?;
                    self.expect("{")?;
                    let mut options = Vec::new();
                    while !self.eat("}") {
                        let mut values = vec![self.expr()?];
                        while self.eat(",") {
                            if self.is(":") {
                                break;
                            }
                            values.push(self.expr()?);
                        }
                        self.expect(":")?;
                        let body = self.block()?;
                        options.push(CaseOption { values, body });
                    }
                    ExprKind::Case(Box::new(subject), options)
                }
                // `f(x)`, and `f (x)` as Puppet reads it too.
                _ if self.is("(") && !crate::lexer::is_keyword(&word) => {
                    self.at += 1;
                    let args = self.nested(|p| p.list(")"))?;
                    let lambda = self.lambda()?;
                    ExprKind::Call { name: word, args, lambda }
                }
                _ if self.is("{") && !self.in_condition && !crate::lexer::is_keyword(&word) => {
                    return self.resource(word, Virtuality::Real, span);
                }
                _ => ExprKind::Name(word),
            },
            other => {
                return Err(ParseError {
                    pos: span.start,
                    message: format!("expected an expression, found {}", Self::describe(&other)),
                })
            }
        };
        Ok(Expr { kind, span: join(span, self.prev_span()) })
    }

    /// `Type <| query |>` or `<<| |>>`, with an optional attribute block; `start` is the
    /// type's span and the current token the opening bracket.
    fn collector(&mut self, type_name: String, start: Span) -> Result<Expr, ParseError> {
        let exported = self.is("<<|");
        let close = if exported { "|>>" } else { "|>" };
        self.at += 1;
        let query = if self.is(close) { None } else { Some(Box::new(self.nested(|p| p.expr())?)) };
        self.expect(close)?;
        let attrs = if self.is("{") && !self.in_condition { self.attr_block()? } else { Vec::new() };
        Ok(Expr {
            kind: ExprKind::Collector { type_name, exported, query, attrs },
            span: join(start, self.prev_span()),
        })
    }

    fn else_part(&mut self) -> Result<Vec<Expr>, ParseError> {
        if self.is_word("elsif") {
            let start = self.next().span;
            let cond = self.condition()?;
            let then = self.block()?;
            let otherwise = self.else_part()?;
            let span = join(start, self.prev_span());
            return Ok(vec![Expr {
                kind: ExprKind::If { cond: Box::new(cond), negated: false, then, otherwise },
                span,
            }]);
        }
        if self.is_word("else") {
            self.at += 1;
            return self.block();
        }
        Ok(Vec::new())
    }
}
