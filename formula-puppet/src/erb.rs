//! ERB templates as Puppet modules write them: text, `<%= expr %>`, `<% code %>`, `<%- -%>`
//! trimming, `<%# comments %>`, `@var`, `scope['x']`, `scope.lookupvar('x')`,
//! `if`/`unless`/`elsif`/`else`/`end` and `.each do |x|`. Ruby the parser does not model stays
//! an [`ErbNode::Opaque`] (or [`RbExpr::Opaque`]) with its position.

use super::{pos_at, ParseError, Pos};

/// A Ruby expression as templates use them.
#[derive(Clone, Debug, PartialEq)]
pub enum RbExpr {
    /// A string literal (interpolation is kept as `Concat`).
    Str(String),
    /// `"a#{b}c"`.
    Concat(Vec<RbExpr>),
    /// An integer.
    Int(i64),
    /// `true`/`false`.
    Bool(bool),
    /// `nil`.
    Nil,
    /// `@name`, `scope['name']`, `scope.lookupvar('name')` (`::name` for top scope and facts).
    Var(String),
    /// A local (a loop variable).
    Local(String),
    /// `[a, b]`.
    Array(Vec<RbExpr>),
    /// `x[i]`.
    Index(Box<RbExpr>, Box<RbExpr>),
    /// `x.m(args)`.
    Method(Box<RbExpr>, String, Vec<RbExpr>),
    /// `a == b`, `a && b`, …
    Binary(&'static str, Box<RbExpr>, Box<RbExpr>),
    /// `!x`.
    Not(Box<RbExpr>),
    /// `c ? a : b`.
    Ternary(Box<RbExpr>, Box<RbExpr>, Box<RbExpr>),
    /// Ruby this parser does not model; its source.
    Opaque(String),
}

/// A node of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum ErbNode {
    /// Literal text.
    Text(String),
    /// `<%= expr %>`.
    Output(RbExpr, Pos),
    /// `<% if c %>…<% elsif %>…<% else %>…<% end %>` (`unless` negated).
    If {
        /// Condition.
        cond: RbExpr,
        /// `unless`.
        negated: bool,
        /// Then-part.
        then: Vec<ErbNode>,
        /// Else-part (an `elsif` is an `If` alone in it).
        otherwise: Vec<ErbNode>,
        /// Where the `if` is.
        pos: Pos,
    },
    /// `<% coll.each do |a, b| %>…<% end %>`.
    Each {
        /// The collection.
        collection: RbExpr,
        /// Block variables.
        vars: Vec<String>,
        /// Body.
        body: Vec<ErbNode>,
        /// Where the loop is.
        pos: Pos,
    },
    /// `<% name = expr %>`.
    Assign(String, RbExpr, Pos),
    /// Code the parser does not model.
    Opaque(String, Pos),
}

/// A piece of a template: ERB and EPP cut their text the same way.
pub(crate) enum Tag {
    /// Literal text.
    Text(String),
    /// `<%= … %>`: the code and where the tag opens.
    Output(String, Pos),
    /// `<% … %>`.
    Code(String, Pos),
}

/// Cuts a template into text and tags, applying `<%-`, `-%>` and `<%%`.
pub(crate) fn tags(text: &str) -> Result<Vec<Tag>, ParseError> {
    let mut out = Vec::new();
    let mut rest_at = 0;
    let mut buf = String::new();
    while let Some(found) = text[rest_at..].find("<%") {
        let open = rest_at + found;
        buf.push_str(&text[rest_at..open]);
        let after = &text[open + 2..];
        if after.starts_with('%') {
            buf.push_str("<%");
            rest_at = open + 3;
            continue;
        }
        let pos = pos_at(text, open);
        let (kind, skip) = match after.as_bytes().first() {
            Some(b'=') => ('=', 1),
            Some(b'#') => ('#', 1),
            Some(b'-') => {
                // `<%-` drops the indentation before the tag.
                let line_start = buf.rfind('\n').map(|i| i + 1).unwrap_or(0);
                if buf[line_start..].chars().all(|c| c == ' ' || c == '\t') {
                    buf.truncate(line_start);
                }
                if after.as_bytes().get(1) == Some(&b'=') {
                    ('=', 2)
                } else {
                    ('c', 1)
                }
            }
            _ => ('c', 0),
        };
        let body_at = open + 2 + skip;
        let Some(close) = text[body_at..].find("%>") else {
            return Err(ParseError { pos, message: "`<%` without `%>`".into() });
        };
        let mut code = &text[body_at..body_at + close];
        let mut next = body_at + close + 2;
        if let Some(c) = code.strip_suffix('-') {
            code = c;
            if text[next..].starts_with("\r\n") {
                next += 2;
            } else if text[next..].starts_with('\n') {
                next += 1;
            }
        }
        if !buf.is_empty() {
            out.push(Tag::Text(std::mem::take(&mut buf)));
        }
        match kind {
            '=' => out.push(Tag::Output(code.trim().to_string(), pos)),
            '#' => {}
            _ => out.push(Tag::Code(code.trim().to_string(), pos)),
        }
        rest_at = next;
    }
    buf.push_str(&text[rest_at..]);
    if !buf.is_empty() {
        out.push(Tag::Text(buf));
    }
    Ok(out)
}

/// Parses a template. Unbalanced `if`/`end` is an error naming the line; Ruby it cannot read
/// is kept opaque. Runs on a thread with a large stack, as the manifest parser does.
pub fn parse(text: &str) -> Result<Vec<ErbNode>, ParseError> {
    super::with_stack(|| parse_on_this_thread(text)).unwrap_or_else(|| Err(super::no_thread()))
}

fn parse_on_this_thread(text: &str) -> Result<Vec<ErbNode>, ParseError> {
    let mut root = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    for tag in tags(text)? {
        match tag {
            Tag::Text(t) => current(&mut root, &mut stack).push(ErbNode::Text(t)),
            Tag::Output(code, pos) => current(&mut root, &mut stack).push(ErbNode::Output(expr(&code), pos)),
            Tag::Code(code, pos) => {
                let word = code.split_whitespace().next().unwrap_or("");
                let rest = code[word.len()..].trim();
                match word {
                    "if" | "unless" => stack.push(Open::If {
                        cond: expr(rest.strip_suffix("then").unwrap_or(rest).trim()),
                        negated: word == "unless",
                        then: Vec::new(),
                        otherwise: Vec::new(),
                        in_else: false,
                        pos,
                        elsif: false,
                    }),
                    "elsif" | "else" => {
                        let Some(Open::If { in_else, .. }) = stack.last_mut() else {
                            return Err(ParseError { pos, message: format!("`{word}` without `if`") });
                        };
                        *in_else = true;
                        if word == "elsif" {
                            // An elsif opens an `if` in the else-part, closed by the same `end`.
                            stack.push(Open::If {
                                cond: expr(rest),
                                negated: false,
                                then: Vec::new(),
                                otherwise: Vec::new(),
                                in_else: false,
                                pos,
                                elsif: true,
                            });
                        }
                    }
                    "end" | "}" => close(pos, "end", &mut root, &mut stack)?,
                    _ => {
                        if let Some((collection, vars)) = each_header(&code) {
                            stack.push(Open::Each { collection, vars, body: Vec::new(), pos });
                        } else if opens_block(&code) {
                            stack.push(Open::Skip { code, body: Vec::new(), pos });
                        } else if let Some((name, value)) = assignment(&code) {
                            current(&mut root, &mut stack).push(ErbNode::Assign(name, value, pos));
                        } else {
                            current(&mut root, &mut stack).push(ErbNode::Opaque(code, pos));
                        }
                    }
                }
            }
        }
    }
    if let Some(pos) = stack.last().map(Open::pos) {
        return Err(ParseError { pos, message: "block is never closed with `end`".into() });
    }
    Ok(root)
}

/// A block of a template still open, with the nodes read inside it so far: ERB's and EPP's
/// alike (EPP closes with `}` where ERB says `end`).
pub(crate) enum Open {
    If {
        cond: RbExpr,
        negated: bool,
        then: Vec<ErbNode>,
        otherwise: Vec<ErbNode>,
        in_else: bool,
        pos: Pos,
        /// Opened by an `elsif`: closed by the same `end` as the `if` it continues.
        elsif: bool,
    },
    Each {
        collection: RbExpr,
        vars: Vec<String>,
        body: Vec<ErbNode>,
        pos: Pos,
    },
    /// A block the parser does not model (`each_with_index do |x, i|`, `case`): kept whole
    /// as opaque, up to its end.
    Skip {
        code: String,
        body: Vec<ErbNode>,
        pos: Pos,
    },
}

impl Open {
    /// Where the block opened.
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Open::If { pos, .. } | Open::Each { pos, .. } | Open::Skip { pos, .. } => *pos,
        }
    }
}

/// Where the next node goes: the innermost open block (the else-part of an `if` past its
/// `else`), or the template itself.
pub(crate) fn current<'a>(root: &'a mut Vec<ErbNode>, stack: &'a mut [Open]) -> &'a mut Vec<ErbNode> {
    match stack.last_mut() {
        None => root,
        Some(Open::If { then, otherwise, in_else, .. }) => {
            if *in_else {
                otherwise
            } else {
                then
            }
        }
        Some(Open::Each { body, .. }) | Some(Open::Skip { body, .. }) => body,
    }
}

/// Closes the innermost block at `closer` (`end`, `}`), and the blocks its elsifs opened.
pub(crate) fn close(pos: Pos, closer: &str, root: &mut Vec<ErbNode>, stack: &mut Vec<Open>) -> Result<(), ParseError> {
    loop {
        let Some(frame) = stack.pop() else {
            return Err(ParseError { pos, message: format!("`{closer}` without an open block") });
        };
        let (node, chained) = match frame {
            Open::If { cond, negated, then, otherwise, pos, elsif, .. } => {
                (ErbNode::If { cond, negated, then, otherwise, pos }, elsif)
            }
            Open::Each { collection, vars, body, pos } => (ErbNode::Each { collection, vars, body, pos }, false),
            Open::Skip { code, pos, .. } => (ErbNode::Opaque(format!("{code} … {closer}"), pos), false),
        };
        current(root, stack).push(node);
        if !chained {
            return Ok(());
        }
    }
}

/// Ruby that opens a block closed by `end`: `… do`, `… do |x|`, `case x`, `while c`, `begin`.
fn opens_block(code: &str) -> bool {
    let code = code.trim();
    let first = code.split_whitespace().next().unwrap_or("");
    if matches!(first, "case" | "while" | "until" | "begin" | "for") {
        return true;
    }
    let head = match code.strip_suffix('|').and_then(|c| c.rsplit_once('|')) {
        Some((head, _)) => head.trim_end(),
        None => code,
    };
    head.ends_with(" do") || head == "do" || head.ends_with('{') && !head.contains('}')
}

/// `coll.each do |a, b|` (or `{ |a| `, `each_pair`).
fn each_header(code: &str) -> Option<(RbExpr, Vec<String>)> {
    let code = code.trim();
    let (head, vars) = code.strip_suffix('|')?.rsplit_once('|')?;
    let head = head.trim_end();
    let head = head.strip_suffix("do").or_else(|| head.strip_suffix('{'))?.trim_end();
    let coll = head.strip_suffix(".each").or_else(|| head.strip_suffix(".each_pair"))?;
    let vars: Vec<String> =
        vars.split(',').map(|v| v.trim().trim_matches(|c| c == '(' || c == ')').to_string()).collect();
    if vars.iter().any(|v| v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
        return None;
    }
    Some((expr(coll), vars))
}

fn assignment(code: &str) -> Option<(String, RbExpr)> {
    let (name, value) = code.split_once('=')?;
    let name = name.trim();
    if value.starts_with('=')
        || name.is_empty()
        || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
    {
        return None;
    }
    Some((name.to_string(), expr(value.trim())))
}

/// Parses a Ruby expression; what it cannot read is [`RbExpr::Opaque`].
pub fn expr(code: &str) -> RbExpr {
    let mut p = Rb { s: code.as_bytes(), text: code, at: 0, depth: 0 };
    match p.ternary() {
        Some(e)
            if {
                p.ws();
                p.at == p.s.len()
            } =>
        {
            e
        }
        _ => RbExpr::Opaque(code.to_string()),
    }
}

struct Rb<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Rb<'_> {
    fn ws(&mut self) {
        while self.s.get(self.at).is_some_and(|c| c.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.text[self.at..].starts_with(t) {
            self.at += t.len();
            true
        } else {
            false
        }
    }

    fn word_eat(&mut self, w: &str) -> bool {
        self.ws();
        let rest = &self.text[self.at..];
        if rest.starts_with(w) && !rest[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            self.at += w.len();
            true
        } else {
            false
        }
    }

    fn ternary(&mut self) -> Option<RbExpr> {
        self.depth += 1;
        if self.depth > 100 {
            return None;
        }
        let c = self.binary(0)?;
        let r = if self.eat("?") {
            let a = self.ternary()?;
            if !self.eat(":") {
                return None;
            }
            let b = self.ternary()?;
            Some(RbExpr::Ternary(Box::new(c), Box::new(a), Box::new(b)))
        } else {
            Some(c)
        };
        self.depth -= 1;
        r
    }

    fn binary(&mut self, level: usize) -> Option<RbExpr> {
        const LEVELS: &[&[(&str, &str)]] = &[
            &[("||", "||"), ("or", "||")],
            &[("&&", "&&"), ("and", "&&")],
            &[("==", "=="), ("!=", "!="), ("=~", "=~")],
            &[("<=", "<="), (">=", ">="), ("<", "<"), (">", ">")],
            &[("+", "+"), ("-", "-")],
            &[("*", "*"), ("/", "/"), ("%", "%")],
        ];
        let Some(ops) = LEVELS.get(level) else { return self.unary() };
        let mut left = self.binary(level + 1)?;
        'outer: loop {
            for (tok, op) in ops.iter() {
                let word = tok.chars().all(|c| c.is_ascii_alphabetic());
                let save = self.at;
                if if word { self.word_eat(tok) } else { self.eat(tok) } {
                    if !word && self.s.get(self.at) == Some(&b'=') && *tok != "==" {
                        self.at = save;
                        continue;
                    }
                    let right = self.binary(level + 1)?;
                    left = RbExpr::Binary(op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Some(left);
        }
    }

    fn unary(&mut self) -> Option<RbExpr> {
        if self.eat("!") || self.word_eat("not") {
            self.depth += 1;
            if self.depth > 100 {
                return None;
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Some(RbExpr::Not(Box::new(e)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<RbExpr> {
        let mut e = self.primary()?;
        loop {
            if self.s.get(self.at) == Some(&b'[') {
                self.at += 1;
                let i = self.ternary()?;
                if !self.eat("]") {
                    return None;
                }
                e = match (&e, &i) {
                    (RbExpr::Local(s), RbExpr::Str(k)) if s == "scope" => RbExpr::Var(k.clone()),
                    _ => RbExpr::Index(Box::new(e), Box::new(i)),
                };
            } else if self.s.get(self.at) == Some(&b'.') {
                self.at += 1;
                let from = self.at;
                while self
                    .s
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'?' || *c == b'!')
                {
                    self.at += 1;
                }
                let name = self.text[from..self.at].to_string();
                if name.is_empty() {
                    return None;
                }
                let mut args = Vec::new();
                if self.s.get(self.at) == Some(&b'(') {
                    self.at += 1;
                    while !self.eat(")") {
                        args.push(self.ternary()?);
                        if !self.eat(",") {
                            if !self.eat(")") {
                                return None;
                            }
                            break;
                        }
                    }
                }
                e = match (&e, name.as_str(), args.as_slice()) {
                    (RbExpr::Local(s), "lookupvar" | "function_lookupvar", [RbExpr::Str(k)]) if s == "scope" => {
                        RbExpr::Var(k.clone())
                    }
                    _ => RbExpr::Method(Box::new(e), name, args),
                };
            } else {
                return Some(e);
            }
        }
    }

    fn primary(&mut self) -> Option<RbExpr> {
        self.ws();
        let c = *self.s.get(self.at)?;
        if c == b'(' {
            self.at += 1;
            let e = self.ternary()?;
            return if self.eat(")") { Some(e) } else { None };
        }
        if c == b'[' {
            self.at += 1;
            let mut items = Vec::new();
            while !self.eat("]") {
                items.push(self.ternary()?);
                if !self.eat(",") {
                    if !self.eat("]") {
                        return None;
                    }
                    break;
                }
            }
            return Some(RbExpr::Array(items));
        }
        if c == b'\'' {
            self.at += 1;
            let mut s = String::new();
            loop {
                let ch = self.text[self.at..].chars().next()?;
                self.at += ch.len_utf8();
                match ch {
                    '\\' if matches!(self.s.get(self.at), Some(b'\'' | b'\\')) => {
                        s.push(self.s[self.at] as char);
                        self.at += 1;
                    }
                    '\'' => return Some(RbExpr::Str(s)),
                    _ => s.push(ch),
                }
            }
        }
        if c == b'"' {
            self.at += 1;
            let mut parts = Vec::new();
            let mut s = String::new();
            loop {
                let ch = self.text[self.at..].chars().next()?;
                self.at += ch.len_utf8();
                match ch {
                    '\\' => {
                        let n = self.text[self.at..].chars().next()?;
                        self.at += n.len_utf8();
                        s.push(match n {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                    '#' if self.s.get(self.at) == Some(&b'{') => {
                        self.at += 1;
                        let e = self.ternary()?;
                        if !self.eat("}") {
                            return None;
                        }
                        parts.push(RbExpr::Str(std::mem::take(&mut s)));
                        parts.push(e);
                    }
                    '"' => break,
                    _ => s.push(ch),
                }
            }
            if parts.is_empty() {
                return Some(RbExpr::Str(s));
            }
            parts.push(RbExpr::Str(s));
            return Some(RbExpr::Concat(parts));
        }
        if c.is_ascii_digit() || c == b'-' && self.s.get(self.at + 1).is_some_and(|d| d.is_ascii_digit()) {
            let from = self.at;
            self.at += 1;
            while self.s.get(self.at).is_some_and(|d| d.is_ascii_digit()) {
                self.at += 1;
            }
            return self.text[from..self.at].parse().ok().map(RbExpr::Int);
        }
        let at_var = c == b'@';
        if at_var {
            self.at += 1;
        }
        let from = self.at;
        while self.s.get(self.at).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            self.at += 1;
        }
        let word = &self.text[from..self.at];
        if word.is_empty() || word.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        Some(match (at_var, word) {
            (true, w) => RbExpr::Var(w.to_string()),
            (false, "true") => RbExpr::Bool(true),
            (false, "false") => RbExpr::Bool(false),
            (false, "nil") => RbExpr::Nil,
            (false, w) => RbExpr::Local(w.to_string()),
        })
    }
}
