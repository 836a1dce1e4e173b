//! Puppet modules: a parser for the Puppet language and for ERB templates, and the port of a
//! module into a formula ([`port`]).
//!
//! The parser reads the language as modules are written from Puppet 3 to 7. It keeps every
//! node's position; what it reads but does not model (function definitions, type aliases)
//! stays an opaque node. Bad input is a [`ParseError`] naming line and column, never a panic.
//!
//! ```
//! use formula_sdk::puppet::{parse, ast::ExprKind};
//! let manifest = parse("class memcached(Integer $port = 11211) { package { 'memcached': ensure => present } }").unwrap();
//! assert!(matches!(manifest.body[0].kind, ExprKind::Class(_)));
//! let err = parse("class x {\n  file { '/a' ensure => file }\n}").unwrap_err();
//! assert_eq!((err.pos.line, err.pos.column), (2, 15));
//! ```

pub mod ast;
pub mod erb;
pub mod lexer;
pub mod parser;
pub mod port;

pub use crate::source::{Pos, Span};
pub use parser::parse;

/// A syntax error and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it expected.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The position of byte `offset` in `text` (1-based line, column in characters).
pub fn pos_at(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Pos { offset, line, column }
}
