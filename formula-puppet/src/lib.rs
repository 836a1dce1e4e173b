//! Puppet modules: a parser for the Puppet language and for ERB and EPP templates, and the
//! port of a module, or of a role of a control repository, into a formula ([`port`]).
//!
//! The parser reads the language as modules are written from Puppet 3 to 7. It keeps every
//! node's position; what it reads but does not model (function definitions, type aliases)
//! stays an opaque node. Bad input is a [`ParseError`] naming line and column, never a panic.
//!
//! ```
//! use formula_puppet::{parse, ast::ExprKind};
//! let manifest = parse("class memcached(Integer $port = 11211) { package { 'memcached': ensure => present } }").unwrap();
//! assert!(matches!(manifest.body[0].kind, ExprKind::Class(_)));
//! let err = parse("class x {\n  file { '/a' ensure => file }\n}").unwrap_err();
//! assert_eq!((err.pos.line, err.pos.column), (2, 15));
//! ```
//!
//! `formula port-puppet` is its one user, so the port is a crate of its own rather than a part
//! of formula-sdk, which every other command and the simulator link. Of formula-sdk it takes
//! the source positions ([`Pos`], [`Span`]), so that a Puppet position is the same type as a
//! formula's, and the YAML reader (hiera data).
#![deny(missing_docs)]

pub mod ast;
pub mod epp;
pub mod erb;
pub mod lexer;
pub mod parser;
pub mod port;

pub use formula_sdk::source::{Pos, Span};

/// Parses a manifest (see [`parser::parse`]) on a thread with a large stack, so that the
/// nesting the parser allows fits whatever the caller's stack.
pub fn parse(text: &str) -> Result<ast::Manifest, ParseError> {
    with_stack(|| parser::parse(text)).unwrap_or_else(|| Err(no_thread()))
}

fn no_thread() -> ParseError {
    ParseError { pos: Pos { offset: 0, line: 1, column: 1 }, message: "cannot start the parser's thread".into() }
}

/// Runs `f` on a thread with a stack sized for the deepest nesting the parsers and the port
/// accept (unoptimised builds use tens of kilobytes per level). `None` when no thread can be
/// started; a panic in `f` continues in the caller.
pub(crate) fn with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    const STACK: usize = 64 << 20;
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().name("puppet".into()).stack_size(STACK).spawn_scoped(scope, f).ok()?;
        match handle.join() {
            Ok(v) => Some(v),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

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
