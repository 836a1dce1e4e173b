//! The Puppet syntax tree. Every node keeps its span; what the parser reads but no translation
//! understands (function definitions, type aliases, …) is kept as [`ExprKind::Opaque`].

use super::Span;

/// A parsed manifest: its top-level statements.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// Statements in order.
    pub body: Vec<Expr>,
}

/// An expression (in Puppet 4+, statements are expressions too).
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug)]
pub enum StrPart {
    /// Literal text.
    Text(String),
    /// An interpolated expression.
    Expr(Expr),
}

/// `virtual` (`@type`) or `exported` (`@@type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Virtuality {
    /// A plain resource.
    Real,
    /// `@type { … }`.
    Virtual,
    /// `@@type { … }`.
    Exported,
}

/// `name => value` (or `+>`; `*` for a splat).
#[derive(Clone, Debug)]
pub struct Attr {
    /// Attribute name (`*` for a splat).
    pub name: String,
    /// `=>` or `+>`.
    pub op: &'static str,
    /// The value.
    pub value: Expr,
    /// Where the attribute was written.
    pub span: Span,
}

/// One `title: attrs` body of a resource expression.
#[derive(Clone, Debug)]
pub struct ResourceBody {
    /// The title (a string, an array of titles, `default`, …).
    pub title: Expr,
    /// Attributes in order.
    pub attrs: Vec<Attr>,
}

/// A parameter of a class, define, lambda or node.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its type, when written (`Integer`, `Optional[String]`, …).
    pub type_expr: Option<Expr>,
    /// Name without `$`.
    pub name: String,
    /// Default value.
    pub default: Option<Expr>,
    /// Where it was written.
    pub span: Span,
}

/// One option of a `case`.
#[derive(Clone, Debug)]
pub struct CaseOption {
    /// Values matched (`default` is [`ExprKind::Default`]).
    pub values: Vec<Expr>,
    /// Its body.
    pub body: Vec<Expr>,
}

/// A class or define.
#[derive(Clone, Debug)]
pub struct Definition {
    /// Full name (`memcached`, `memcached::instance`).
    pub name: String,
    /// Parameters.
    pub params: Vec<Param>,
    /// `inherits` parent.
    pub parent: Option<String>,
    /// Body.
    pub body: Vec<Expr>,
    /// The comment block just above the definition, without `#`.
    pub doc: String,
}

/// What an expression is.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// `'…'`, or `"…"` without interpolation, or a heredoc.
    Str(String),
    /// `"…"` with interpolation.
    Interp(Vec<StrPart>),
    /// A number as written.
    Number(String),
    /// `true`/`false`.
    Bool(bool),
    /// `undef`.
    Undef,
    /// `default`.
    Default,
    /// `/…/`.
    Regex(String),
    /// A bare word (`present`, `memcached::params`).
    Name(String),
    /// A capitalised reference (`File`, `Integer`, `Stdlib::Port`).
    TypeRef(String),
    /// `$x` (name without `$`).
    Var(String),
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// `{k => v}`.
    Hash(Vec<(Expr, Expr)>),
    /// `x[i, …]`: resource references, type parameters, lookups.
    Access(Box<Expr>, Vec<Expr>),
    /// `f(args)`, statement calls (`include x`), with an optional lambda.
    Call {
        /// Function name.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// `|$x| { … }`.
        lambda: Option<Box<Lambda>>,
    },
    /// `recv.f(args) |$x| { … }`.
    MethodCall {
        /// Receiver.
        receiver: Box<Expr>,
        /// Method name.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// Lambda.
        lambda: Option<Box<Lambda>>,
    },
    /// `!x`, `-x`, `*x`.
    Unary(&'static str, Box<Expr>),
    /// Binary operators (`==`, `and`, `=~`, `+`, `in`, …).
    Binary(&'static str, Box<Expr>, Box<Expr>),
    /// `$x = value` (or `+=`, `-=`).
    Assign(&'static str, Box<Expr>, Box<Expr>),
    /// `->`, `~>`, `<-`, `<~` between resources or references.
    Chain(&'static str, Box<Expr>, Box<Expr>),
    /// `if`/`elsif`/`else` (and `unless`, with `negated`).
    If {
        /// Condition.
        cond: Box<Expr>,
        /// `unless` rather than `if`.
        negated: bool,
        /// Then-branch.
        then: Vec<Expr>,
        /// Else-branch (an `elsif` is an `If` alone in it).
        otherwise: Vec<Expr>,
    },
    /// `case x { … }`.
    Case(Box<Expr>, Vec<CaseOption>),
    /// `x ? { k => v }`.
    Selector(Box<Expr>, Vec<(Expr, Expr)>),
    /// A resource expression.
    Resource {
        /// Plain, `@` or `@@`.
        virtuality: Virtuality,
        /// Type name as written (`file`, `class`, `memcached::instance`).
        type_name: String,
        /// Bodies.
        bodies: Vec<ResourceBody>,
    },
    /// `File { owner => root }`.
    ResourceDefaults(String, Vec<Attr>),
    /// `File['/x'] { mode => '0600' }`.
    ResourceOverride(Box<Expr>, Vec<Attr>),
    /// `File <| q |>` or `<<| q |>>`, with optional attributes.
    Collector {
        /// Collected type.
        type_name: String,
        /// Exported (`<<| |>>`).
        exported: bool,
        /// The query (`None`: all).
        query: Option<Box<Expr>>,
        /// `{ attrs }` after the collector.
        attrs: Vec<Attr>,
    },
    /// `class name(…) inherits p { … }`.
    Class(Definition),
    /// `define name(…) { … }`.
    Define(Definition),
    /// `node 'a', /re/ { … }`.
    Node(Vec<Expr>, Vec<Expr>),
    /// `{ … }` used as a block (case bodies are stored directly).
    Block(Vec<Expr>),
    /// Parsed but not modelled (function and type definitions); its source text.
    Opaque(String),
}

/// `|$x, $y| { body }`.
#[derive(Clone, Debug)]
pub struct Lambda {
    /// Parameters.
    pub params: Vec<Param>,
    /// Body.
    pub body: Vec<Expr>,
}
