//! EPP templates (Puppet's own templates, `.epp`), read into the nodes of an ERB template so
//! that the port turns both into the same python3 scripts.
//!
//! The tags are ERB's (`<%= %>`, `<% %>`, `<%- -%>`, `<%# %>`, `<%%`); the code in them is
//! Puppet: a parameter header `<%- | String $a, $b = 1 | -%>`, `if`/`unless`/`elsif`/`else`
//! with braces, `$xs.each |$x| {` and `each($h) |$k, $v| {`, `$x = …`, and expressions
//! (variables, strings with interpolation, arrays, indexing, `join`, `empty`, comparisons,
//! `and`/`or`/`!`). Other code (`case`, other lambdas) stays opaque up to its closing brace.

use super::ast::{Expr, ExprKind, StrPart};
use super::erb::{close, current, tags, ErbNode, Open, RbExpr, Tag};
use super::parser::parse_expression;
use super::{ParseError, Pos};

/// Parses an EPP template (on a thread with a large stack, as the other parsers).
pub fn parse(text: &str) -> Result<Vec<ErbNode>, ParseError> {
    super::with_stack(|| parse_on_this_thread(text)).unwrap_or_else(|| Err(super::no_thread()))
}

/// Names bound in the template (parameters with defaults, loop variables, assignments).
struct Conv {
    locals: Vec<String>,
}

fn parse_on_this_thread(text: &str) -> Result<Vec<ErbNode>, ParseError> {
    let mut root = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut conv = Conv { locals: Vec::new() };
    for tag in tags(text)? {
        match tag {
            Tag::Text(t) => current(&mut root, &mut stack).push(ErbNode::Text(t)),
            Tag::Output(code, pos) => {
                let e = conv.expr_src(&code, pos)?;
                current(&mut root, &mut stack).push(ErbNode::Output(e, pos));
            }
            Tag::Code(code, pos) => conv.code(&code, pos, &mut root, &mut stack)?,
        }
    }
    if let Some(pos) = stack.last().map(Open::pos) {
        return Err(ParseError { pos, message: "`{` is never closed with `}`".into() });
    }
    Ok(root)
}

impl Conv {
    fn expr_src(&mut self, code: &str, pos: Pos) -> Result<RbExpr, ParseError> {
        let e = parse_expression(code, Pos { offset: 0, line: pos.line, column: pos.column }, code)?;
        Ok(self.expr(&e, code))
    }

    fn code(&mut self, code: &str, pos: Pos, root: &mut Vec<ErbNode>, stack: &mut Vec<Open>) -> Result<(), ParseError> {
        let code = code.trim();
        if let Some(header) = code.strip_prefix('|').and_then(|c| c.strip_suffix('|')) {
            return self.header(header, pos, current(root, stack));
        }
        if let Some(rest) = code.strip_prefix('}') {
            let rest = rest.trim();
            if rest.is_empty() {
                return close(pos, "}", root, stack);
            }
            let word = rest.split_whitespace().next().unwrap_or("");
            if matches!(word, "else" | "elsif") {
                let Some(Open::If { in_else, .. }) = stack.last_mut() else {
                    return Err(ParseError { pos, message: format!("`{word}` without `if`") });
                };
                *in_else = true;
                if word == "elsif" {
                    let cond = rest[5..].trim().strip_suffix('{').unwrap_or("").trim();
                    let cond = self.expr_src(cond, pos)?;
                    stack.push(Open::If {
                        cond,
                        negated: false,
                        then: Vec::new(),
                        otherwise: Vec::new(),
                        in_else: false,
                        pos,
                        elsif: true,
                    });
                }
                return Ok(());
            }
            close(pos, "}", root, stack)?;
            return self.code(rest, pos, root, stack);
        }
        let word = code.split_whitespace().next().unwrap_or("");
        if matches!(word, "if" | "unless") && code.ends_with('{') {
            let cond = code[word.len()..code.len() - 1].trim();
            let cond = self.expr_src(cond, pos)?;
            stack.push(Open::If {
                cond,
                negated: word == "unless",
                then: Vec::new(),
                otherwise: Vec::new(),
                in_else: false,
                pos,
                elsif: false,
            });
            return Ok(());
        }
        if let Some((collection, vars)) = self.each_header(code, pos)? {
            self.locals.extend(vars.iter().cloned());
            stack.push(Open::Each { collection, vars, body: Vec::new(), pos });
            return Ok(());
        }
        if code.ends_with('{') {
            stack.push(Open::Skip { code: code.to_string(), body: Vec::new(), pos });
            return Ok(());
        }
        let e = parse_expression(code, Pos { offset: 0, line: pos.line, column: pos.column }, code)?;
        if let ExprKind::Assign("=", target, value) = &e.kind {
            if let ExprKind::Var(name) = &target.kind {
                let v = self.expr(value, code);
                self.locals.push(name.clone());
                current(root, stack).push(ErbNode::Assign(name.clone(), v, pos));
                return Ok(());
            }
        }
        current(root, stack).push(ErbNode::Opaque(code.to_string(), pos));
        Ok(())
    }

    /// `| String $a, $b = 1 |`: parameters with a default take it when not given.
    fn header(&mut self, header: &str, pos: Pos, out: &mut Vec<ErbNode>) -> Result<(), ParseError> {
        let class = format!("class epp_header({header}) {{}}");
        let manifest = super::parser::parse(&class)
            .map_err(|e| ParseError { pos, message: format!("in the template's parameters: {}", e.message) })?;
        let Some(ExprKind::Class(def)) = manifest.body.first().map(|e| &e.kind) else { return Ok(()) };
        for p in &def.params {
            let Some(default) = &p.default else { continue };
            let d = self.expr(default, &class);
            let given = RbExpr::Var(p.name.clone());
            let unset = RbExpr::Binary("==", Box::new(given.clone()), Box::new(RbExpr::Nil));
            out.push(ErbNode::Assign(
                p.name.clone(),
                RbExpr::Ternary(Box::new(unset), Box::new(d), Box::new(given)),
                pos,
            ));
            self.locals.push(p.name.clone());
        }
        Ok(())
    }

    /// `$xs.each |$x| {` or `each($xs) |$k, $v| {`.
    fn each_header(&mut self, code: &str, pos: Pos) -> Result<Option<(RbExpr, Vec<String>)>, ParseError> {
        let Some(head) = code.strip_suffix('{') else { return Ok(None) };
        let head = head.trim_end();
        let Some((before, vars)) = head.strip_suffix('|').and_then(|h| h.split_once('|')) else { return Ok(None) };
        let before = before.trim_end();
        let collection = if let Some(c) = before.strip_suffix(".each") {
            c.to_string()
        } else if let Some(c) = before.strip_prefix("each(").and_then(|c| c.trim_end().strip_suffix(')')) {
            c.to_string()
        } else {
            return Ok(None);
        };
        let vars: Vec<String> = vars.split(',').map(|v| v.trim().trim_start_matches('$').to_string()).collect();
        if vars.iter().any(|v| v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
            return Ok(None);
        }
        Ok(Some((self.expr_src(&collection, pos)?, vars)))
    }

    /// A Puppet expression as the Ruby subset the template scripts know.
    fn expr(&self, e: &Expr, src: &str) -> RbExpr {
        let opaque = || RbExpr::Opaque(src.get(e.span.start.offset..e.span.end.offset).unwrap_or(src).to_string());
        match &e.kind {
            ExprKind::Str(s) => RbExpr::Str(s.clone()),
            ExprKind::Interp(parts) => RbExpr::Concat(
                parts
                    .iter()
                    .map(|p| match p {
                        StrPart::Text(t) => RbExpr::Str(t.clone()),
                        StrPart::Expr(x) => self.expr(x, src),
                    })
                    .collect(),
            ),
            ExprKind::Number(n) => n.parse().map(RbExpr::Int).unwrap_or_else(|_| RbExpr::Str(n.clone())),
            ExprKind::Bool(b) => RbExpr::Bool(*b),
            ExprKind::Undef => RbExpr::Nil,
            ExprKind::Name(n) => RbExpr::Str(n.clone()),
            ExprKind::Var(v) if self.locals.contains(v) => RbExpr::Local(v.clone()),
            ExprKind::Var(v) => RbExpr::Var(v.clone()),
            ExprKind::Array(items) => RbExpr::Array(items.iter().map(|i| self.expr(i, src)).collect()),
            ExprKind::Access(target, index) if index.len() == 1 => {
                RbExpr::Index(Box::new(self.expr(target, src)), Box::new(self.expr(&index[0], src)))
            }
            ExprKind::MethodCall { receiver, name, args, lambda: None } => match method(name) {
                Some(m) => RbExpr::Method(
                    Box::new(self.expr(receiver, src)),
                    m.into(),
                    args.iter().map(|a| self.expr(a, src)).collect(),
                ),
                None => opaque(),
            },
            ExprKind::Call { name, args, lambda: None } if !args.is_empty() => match method(name) {
                Some(m) => RbExpr::Method(
                    Box::new(self.expr(&args[0], src)),
                    m.into(),
                    args[1..].iter().map(|a| self.expr(a, src)).collect(),
                ),
                None => opaque(),
            },
            ExprKind::Unary("!", x) => RbExpr::Not(Box::new(self.expr(x, src))),
            ExprKind::Binary(op, a, b) => {
                let (x, y) = (self.expr(a, src), self.expr(b, src));
                match *op {
                    "and" => RbExpr::Binary("&&", Box::new(x), Box::new(y)),
                    "or" => RbExpr::Binary("||", Box::new(x), Box::new(y)),
                    "in" => RbExpr::Method(Box::new(y), "include?".into(), vec![x]),
                    "==" | "!=" | "<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "=~" => {
                        RbExpr::Binary(op, Box::new(x), Box::new(y))
                    }
                    _ => opaque(),
                }
            }
            _ => opaque(),
        }
    }
}

/// Puppet's functions and methods that the scripts know, by their Ruby name.
fn method(name: &str) -> Option<&'static str> {
    Some(match name {
        "join" => "join",
        "empty" => "empty?",
        "size" | "length" | "count" => "size",
        "keys" => "keys",
        "values" => "values",
        "sort" => "sort",
        "upcase" => "upcase",
        "downcase" => "downcase",
        "strip" => "strip",
        "split" => "split",
        "unique" => "uniq",
        "String" => "to_s",
        "Integer" => "to_i",
        _ => return None,
    })
}
