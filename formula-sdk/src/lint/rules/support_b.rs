//! Helpers shared by the config, actions and root-file rules (F3xx, F4xx, F6xx).
//!
//! Two readers look at a formula's YAML: Juju (Go's `yaml.v2`) and `charm proof` (PyYAML).
//! Both are YAML 1.1, but they resolve a few plain scalars differently (`y` is a boolean only
//! for Go, `1e3` is a float only for Go, `2020-01-01` is a date only for Python). The node
//! tree follows Go; [`proof_type`] says what Python would have made of the same text.

use super::support::spans::written;
use crate::format::Formula;
use crate::lint::LintContext;
use crate::yaml::{Node, NodeKind};
use regex::Regex;
use std::sync::LazyLock;

/// A mapping key as Go's `yaml.v2` decodes it into a string-keyed map: a string as it is,
/// another scalar as written (`yes`, not `true`); `None` for a collection.
pub fn go_key_name(key: &Node, text: &str) -> Option<String> {
    match &key.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Seq(_) | NodeKind::Map(_) => None,
        _ => {
            let raw = written(key, text);
            if raw.is_empty() || raw.starts_with(['!', '&', '*']) {
                key.key_text()
            } else {
                Some(raw.to_string())
            }
        }
    }
}

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

/// config.yaml's `options` mapping, when the file parsed into a mapping whose `options` is a
/// mapping (the shape every per-option rule needs), with the file's text.
pub struct Options<'a> {
    /// The text of config.yaml.
    pub text: &'a str,
    /// The options, repeated keys resolved to the last.
    pub entries: Vec<(&'a Node, &'a Node)>,
}

impl<'a> Options<'a> {
    /// Reads the options of `ctx`'s config.yaml.
    pub fn of(ctx: &LintContext<'a>) -> Option<Options<'a>> {
        let file = ctx.formula.config_file.as_ref()?;
        let entries = file.node.as_ref()?.get("options")?.map_entries()?;
        Some(Options { text: &file.source.text, entries })
    }

    /// The option's name as Juju reads it.
    pub fn name(&self, key: &Node) -> String {
        go_key_name(key, self.text).unwrap_or_else(|| written(key, self.text).to_string())
    }
}

/// actions.yaml's actions, when the file parsed into a mapping, with the file's text.
pub struct ActionDefs<'a> {
    /// The text of actions.yaml.
    pub text: &'a str,
    /// `(name as Juju reads it, key, definition)`, repeated keys resolved to the last.
    pub entries: Vec<(String, &'a Node, &'a Node)>,
}

impl<'a> ActionDefs<'a> {
    /// Reads the actions of `ctx`'s actions.yaml.
    pub fn of(ctx: &LintContext<'a>) -> Option<ActionDefs<'a>> {
        let file = ctx.formula.actions_file.as_ref()?;
        let text = file.source.text.as_str();
        let entries = file
            .node
            .as_ref()?
            .map_entries()?
            .into_iter()
            .filter_map(|(k, v)| go_key_name(k, text).map(|name| (name, k, v)))
            .collect();
        Some(ActionDefs { text, entries })
    }
}

/// Whether `charm proof` treats an action name as reserved: it starts with `juju`.
pub fn proof_reserves_action(name: &str) -> bool {
    name.starts_with("juju")
}

/// The entries of the formula's root whose upper-cased name contains `README`, as `charm
/// proof` finds READMEs.
pub fn readme_names(formula: &Formula) -> Vec<&str> {
    formula.root_entries.iter().map(String::as_str).filter(|name| name.to_uppercase().contains("README")).collect()
}

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
    fn go_key_names_keep_the_written_text() {
        let doc = "yes: 1\n2: 2\nname: 3\n";
        let root = yaml::parse(doc).unwrap();
        let names: Vec<String> = root.map_entries().unwrap().iter().filter_map(|(k, _)| go_key_name(k, doc)).collect();
        assert_eq!(names, vec!["yes", "2", "name"]);
    }
}
