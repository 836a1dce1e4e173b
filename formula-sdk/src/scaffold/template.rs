//! The template language of `templates/` (documented in `templates/README.md`): a small
//! logic-less subset of Mustache.
//!
//! - `{{name}}`: a variable's text; an unknown name is an error.
//! - `{{#list}}…{{/list}}`: the part once per item of a list (the item's variables join the
//!   outer ones), or once when a flag is true; `{{^x}}…{{/x}}`: once when `x` is an empty
//!   list or a false flag.
//! - A section tag alone on its line takes the whole line with it, so that templates stay
//!   readable.
//! - `{{open}}` and `{{close}}` write `{{` and `}}`.

use std::collections::BTreeMap;
use std::fmt;

/// A value a template can name.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text, for `{{name}}`.
    Text(String),
    /// A flag, for `{{#name}}` and `{{^name}}`.
    Flag(bool),
    /// A list of items, for `{{#name}}`.
    List(Vec<Context>),
}

/// Variables by name.
pub type Context = BTreeMap<String, Value>;

/// A template that could not be rendered, with the line of the tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// The line, 1-based.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(&'a str),
    Var(&'a str, usize),
    Open { name: &'a str, inverted: bool, line: usize },
    Close(&'a str, usize),
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

fn tokenize(text: &str) -> Result<Vec<Token<'_>>, TemplateError> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find("{{") {
        let start = pos + found;
        let Some(len) = text[start + 2..].find("}}") else {
            return Err(TemplateError { line: line_of(text, start), message: "`{{` without `}}`".into() });
        };
        let end = start + 2 + len + 2;
        let inner = text[start + 2..end - 2].trim();
        let line = line_of(text, start);
        let (kind, name) = match inner.chars().next() {
            Some(c @ ('#' | '^' | '/')) => (Some(c), inner[1..].trim()),
            _ => (None, inner),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(TemplateError { line, message: format!("`{{{{{inner}}}}}` is not a variable or section tag") });
        }
        let token = match kind {
            Some('#') => Token::Open { name, inverted: false, line },
            Some('^') => Token::Open { name, inverted: true, line },
            Some(_) => Token::Close(name, line),
            None => Token::Var(name, line),
        };
        // A section tag alone on its line takes the line with it.
        let (mut text_end, mut next) = (start, end);
        if kind.is_some() {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let before_blank = text[line_start..start].trim().is_empty();
            let after_blank = text[end..line_end].trim().is_empty();
            if before_blank && after_blank {
                text_end = line_start;
                next = if line_end < text.len() { line_end + 1 } else { line_end };
            }
        }
        if text_end > pos {
            tokens.push(Token::Text(&text[pos..text_end]));
        }
        tokens.push(token);
        pos = next;
    }
    if pos < text.len() {
        tokens.push(Token::Text(&text[pos..]));
    }
    Ok(tokens)
}

/// Renders `text` with the variables of `context`.
pub fn render(text: &str, context: &Context) -> Result<String, TemplateError> {
    let tokens = tokenize(text)?;
    let mut out = String::new();
    let mut stack = vec![context];
    let end = render_tokens(&tokens, 0, &mut stack, &mut out, None)?;
    debug_assert_eq!(end, tokens.len());
    Ok(out)
}

fn lookup<'c>(stack: &[&'c Context], name: &str) -> Option<&'c Value> {
    stack.iter().rev().find_map(|c| c.get(name))
}

/// Renders from `start` until the close tag of `section` (or the end); returns the index
/// after the close tag.
fn render_tokens<'c>(
    tokens: &[Token<'_>],
    start: usize,
    stack: &mut Vec<&'c Context>,
    out: &mut String,
    section: Option<(&str, usize)>,
) -> Result<usize, TemplateError> {
    let mut i = start;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Text(t) => out.push_str(t),
            Token::Var(name, line) => match (*name, lookup(stack, name)) {
                (_, Some(Value::Text(t))) => out.push_str(t),
                ("open", None) => out.push_str("{{"),
                ("close", None) => out.push_str("}}"),
                (_, Some(_)) => {
                    return Err(TemplateError { line: *line, message: format!("`{name}` is a section, not text") })
                }
                (_, None) => return Err(TemplateError { line: *line, message: format!("unknown variable `{name}`") }),
            },
            Token::Open { name, inverted, line } => {
                let value = lookup(stack, name)
                    .ok_or_else(|| TemplateError { line: *line, message: format!("unknown section `{name}`") })?;
                let items: Vec<&'c Context> = match value {
                    Value::List(items) if !inverted => items.iter().collect(),
                    Value::List(items) => {
                        if items.is_empty() {
                            vec![stack[stack.len() - 1]]
                        } else {
                            vec![]
                        }
                    }
                    Value::Flag(on) if *on != *inverted => vec![stack[stack.len() - 1]],
                    Value::Flag(_) => vec![],
                    Value::Text(_) => {
                        return Err(TemplateError { line: *line, message: format!("`{name}` is text, not a section") })
                    }
                };
                let mut after = None;
                // Render once per item; with no item, render into a scratch buffer only to
                // find where the section ends and to check it.
                if items.is_empty() {
                    let mut scratch = String::new();
                    let r = render_tokens(tokens, i + 1, stack, &mut scratch, Some((name, *line)));
                    after = Some(r.or_else(|e| skip_section(tokens, i + 1, name, *line).map_err(|_| e))?);
                }
                for item in items {
                    stack.push(item);
                    let r = render_tokens(tokens, i + 1, stack, out, Some((name, *line)));
                    stack.pop();
                    after = Some(r?);
                }
                i = after.unwrap_or(i + 1);
                continue;
            }
            Token::Close(name, line) => match section {
                Some((open, _)) if open == *name => return Ok(i + 1),
                Some((open, _)) => {
                    return Err(TemplateError { line: *line, message: format!("`{{{{/{name}}}}}` closes `{open}`") })
                }
                None => {
                    return Err(TemplateError { line: *line, message: format!("`{{{{/{name}}}}}` closes nothing") })
                }
            },
        }
        i += 1;
    }
    match section {
        Some((name, line)) => Err(TemplateError { line, message: format!("section `{name}` is never closed") }),
        None => Ok(i),
    }
}

/// The index after the close tag of the section opened before `start`, without rendering.
fn skip_section(tokens: &[Token<'_>], start: usize, name: &str, line: usize) -> Result<usize, TemplateError> {
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        match token {
            Token::Open { .. } => depth += 1,
            Token::Close(n, _) if depth == 0 && *n == name => return Ok(i + 1),
            Token::Close(..) => depth -= 1,
            _ => {}
        }
    }
    Err(TemplateError { line, message: format!("section `{name}` is never closed") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let item = |e: &str| Context::from([("endpoint".to_string(), Value::Text(e.into()))]);
        Context::from([
            ("name".to_string(), Value::Text("wiki".into())),
            ("subordinate".to_string(), Value::Flag(false)),
            ("relations".to_string(), Value::List(vec![item("db"), item("cache")])),
            ("peers".to_string(), Value::List(vec![])),
        ])
    }

    #[test]
    fn variables_and_sections() {
        let text = "name: {{name}}\nrequires:\n{{#relations}}\n  {{endpoint}}: {{name}}\n{{/relations}}\n{{^peers}}\nno peers\n{{/peers}}\n{{#subordinate}}\nsub\n{{/subordinate}}\nend\n";
        assert_eq!(render(text, &ctx()).unwrap(), "name: wiki\nrequires:\n  db: wiki\n  cache: wiki\nno peers\nend\n");
    }

    #[test]
    fn inline_sections_and_braces() {
        assert_eq!(render("[{{#relations}}{{endpoint}},{{/relations}}]", &ctx()).unwrap(), "[db,cache,]");
        assert_eq!(render("{{open}}x{{close}}", &ctx()).unwrap(), "{{x}}");
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(render("a\n{{nope}}", &ctx()).unwrap_err().line, 2);
        assert!(render("{{#relations}}x", &ctx()).unwrap_err().message.contains("never closed"));
        assert!(render("{{/relations}}", &ctx()).unwrap_err().message.contains("closes nothing"));
        assert!(render("{{#peers}}{{nope}}{{/peers}}", &ctx()).is_ok(), "an empty section is not rendered");
        assert!(render("{{x", &ctx()).is_err());
    }
}
