//! How `charm proof` sees a formula's values: PyYAML's reading of plain scalars, and Python's
//! `int()`.
//!
//! Two readers look at a formula's YAML: Juju (Go's `yaml.v2`) and `charm proof` (PyYAML).
//! Both are YAML 1.1, but they resolve a few plain scalars differently (`y` is a boolean only
//! for Go, `1e3` is a float only for Go, `2020-01-01` is a date only for Python). The node
//! tree follows Go; [`proof_type`] says what Python would have made of the same text.

use super::spans::written;
use crate::yaml::{Node, NodeKind};
use regex::Regex;
use std::sync::LazyLock;

/// The Python type PyYAML's `safe_load` gives a value, as `charm proof` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyType {
    /// `None`.
    None,
    /// `bool` (a subclass of `int` in Python).
    Bool,
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `str`.
    Str,
    /// `datetime.date`.
    Date,
    /// `datetime.datetime`.
    DateTime,
    /// `list`.
    List,
    /// `dict`.
    Dict,
}

impl PyType {
    /// The type with its article, for messages, in the words of [`super::wording::a_type`]:
    /// `a string`, `a date`, `a map`.
    pub fn a_type(self) -> &'static str {
        match self {
            PyType::None => "null",
            PyType::Bool => "a boolean",
            PyType::Int => "an int",
            PyType::Float => "a float",
            PyType::Str => "a string",
            PyType::Date => "a date",
            PyType::DateTime => "a timestamp",
            PyType::List => "a list",
            PyType::Dict => "a map",
        }
    }
}

static PY_BOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
        .expect("valid regex")
});
static PY_FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?",
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
        r"|[-+]?\.(?:inf|Inf|INF)",
        r"|\.(?:nan|NaN|NAN))$"
    ))
    .expect("valid regex")
});
static PY_INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-+]?0b[0-1_]+",
        r"|[-+]?0[0-7_]+",
        r"|[-+]?(?:0|[1-9][0-9_]*)",
        r"|[-+]?0x[0-9a-fA-F_]+",
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
    ))
    .expect("valid regex")
});
static PY_DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").expect("valid regex"));
static PY_DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?",
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$"
    ))
    .expect("valid regex")
});

/// The Python type of `node` for `charm proof`, given the file's `text`. Plain scalars are
/// re-resolved with PyYAML's rules from the text they were written as; quoted and tagged ones
/// keep the type the node has.
pub fn proof_type(node: &Node, text: &str) -> PyType {
    let kept = match &node.kind {
        NodeKind::Null => PyType::None,
        NodeKind::Bool(_) => PyType::Bool,
        NodeKind::Int(_) => PyType::Int,
        NodeKind::Float(_) => PyType::Float,
        NodeKind::Str(_) => PyType::Str,
        NodeKind::Seq(_) => return PyType::List,
        NodeKind::Map(_) => return PyType::Dict,
    };
    let raw = written(node, text);
    let plain = match &node.kind {
        // A string is plain when it was written as itself (no quotes, no block indicator).
        NodeKind::Str(s) => raw == s.trim() && !raw.is_empty(),
        NodeKind::Null => false,
        _ => !raw.is_empty() && !raw.starts_with(['!', '&', '*', '"', '\'']),
    };
    if !plain {
        return kept;
    }
    pyyaml_plain(raw)
}

/// How PyYAML resolves a plain scalar.
fn pyyaml_plain(raw: &str) -> PyType {
    if matches!(raw, "~" | "null" | "Null" | "NULL") {
        PyType::None
    } else if PY_BOOL.is_match(raw) {
        PyType::Bool
    } else if PY_INT.is_match(raw) {
        PyType::Int
    } else if PY_FLOAT.is_match(raw) {
        PyType::Float
    } else if PY_DATE.is_match(raw) {
        PyType::Date
    } else if PY_DATETIME.is_match(raw) {
        PyType::DateTime
    } else {
        PyType::Str
    }
}

/// Python's `int(text)` for a string: surrounding white space, an optional sign, then decimal
/// digits (of any script) with single `_` between them.
pub fn is_int(text: &str) -> bool {
    PYTHON_INT.is_match(text)
}

/// The value of Python's `int(text)`, when [`is_int`] and the digits are ASCII and fit an
/// `i64`.
pub fn int(text: &str) -> Option<i64> {
    if !is_int(text) {
        return None;
    }
    let cleaned = text.trim().replace('_', "");
    cleaned.parse().ok()
}

static PYTHON_INT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$").expect("valid regex"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn types(doc: &str) -> Vec<PyType> {
        let root = yaml::parse(doc).unwrap();
        root.map_entries().unwrap().iter().map(|(_, v)| proof_type(v, doc)).collect()
    }

    #[test]
    fn pyyaml_differs_from_go_where_expected() {
        let doc = "a: y\nb: 1e3\nc: 1.5e+3\nd: 2020-01-01\ne: '1'\nf: 0x10\ng: yes\nh: 1.0\ni: \"yes\"\nj: ~\nk: [1]\nl: 0o17\n";
        use PyType::*;
        assert_eq!(types(doc), vec![Str, Str, Float, Date, Str, Int, Bool, Float, Str, None, List, Str]);
    }

    #[test]
    fn python_ints() {
        for (ok, value) in
            [("12", Some(12)), (" 12\n", Some(12)), ("+3", Some(3)), ("-1", Some(-1)), ("1_000", Some(1000))]
        {
            assert!(is_int(ok), "{ok:?}");
            assert_eq!(int(ok), value, "{ok:?}");
        }
        assert!(is_int("\u{0661}\u{0662}"));
        assert_eq!(int("\u{0661}\u{0662}"), None);
        for bad in ["", "0x10", "12 abc", "1.5", "1__0", "_1", "1_", "v1", "+-1"] {
            assert!(!is_int(bad), "{bad:?}");
            assert_eq!(int(bad), None, "{bad:?}");
        }
    }
}
