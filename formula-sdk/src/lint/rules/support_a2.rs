//! Helpers shared by the metadata and relation rules (F119–F133, F201–F214): reading the
//! endpoint declarations from the node tree, Juju's readings of booleans and integers, the
//! reserved `juju` names, and the words used in messages.

use crate::format::Role;
use crate::source::Span;
use crate::yaml::{Node, NodeKind};

/// One entry under `provides`, `requires` or `peers`, as written.
pub(crate) struct RelationDecl<'a> {
    /// The section that declares it.
    pub role: Role,
    /// The endpoint's name (the key's text).
    pub name: String,
    /// The key node.
    pub key: &'a Node,
    /// The declaration: a map, the shorthand interface string, or anything else.
    pub value: &'a Node,
}

impl RelationDecl<'_> {
    /// The value under `field` when the declaration is a map.
    pub fn field(&self, field: &str) -> Option<&Node> {
        self.value.get(field)
    }

    /// Whether the declaration is a map with `scope: container`.
    pub fn is_container_scoped(&self) -> bool {
        self.field("scope").and_then(Node::as_str) == Some("container")
    }

    /// The node that names the interface: the shorthand value, or the value of `interface:`.
    pub fn interface_node(&self) -> Option<&Node> {
        match &self.value.kind {
            NodeKind::Str(_) => Some(self.value),
            NodeKind::Map(_) => self.field("interface"),
            _ => None,
        }
    }
}

/// Every endpoint declaration, in provides, requires, peers order (a repeated key counts
/// once, with its last value, as Juju reads it). Sections that are not maps give nothing.
pub(crate) fn relation_decls(root: &Node) -> Vec<RelationDecl<'_>> {
    let mut out = Vec::new();
    for role in [Role::Provider, Role::Requirer, Role::Peer] {
        let Some(entries) = root.get(role.section()).and_then(Node::map_entries) else {
            continue;
        };
        for (key, value) in entries {
            if let Some(name) = key.key_text() {
                out.push(RelationDecl { role, name, key, value });
            }
        }
    }
    out
}

/// Whether Juju reads the formula as a subordinate: `subordinate` is true, or a string that
/// Go's `strconv.ParseBool` reads as true (Juju's schema accepts `"true"`).
pub(crate) fn is_subordinate(root: &Node) -> bool {
    match root.get("subordinate").map(|n| &n.kind) {
        Some(NodeKind::Bool(b)) => *b,
        Some(NodeKind::Str(s)) => super::support::go::parse_bool(s) == Some(true),
        _ => false,
    }
}

/// The name from metadata, when it is a string.
pub(crate) fn formula_name(root: &Node) -> Option<&str> {
    root.get("name").and_then(Node::as_str)
}

/// Juju's `reservedName`: `juju` and `juju-*` belong to Juju, unless the formula's own name
/// starts with `juju-`.
pub(crate) fn is_reserved_name(formula_name: Option<&str>, name: &str) -> bool {
    if formula_name.is_some_and(|f| f.starts_with("juju-")) {
        return false;
    }
    name == "juju" || name.starts_with("juju-")
}

/// The text of metadata.yaml at `span`, as written (`on`, where the node says `true`).
pub(crate) fn metadata_text<'a>(ctx: &crate::lint::LintContext<'a>, span: Span) -> Option<&'a str> {
    let file = ctx.formula.metadata_file.as_ref()?;
    file.source.text.get(span.start.offset..span.end.offset)
}

/// The span from `first`'s start to `last`'s end (a key and its value, say).
pub(crate) fn join(first: Span, last: Span) -> Span {
    if last.end.offset >= first.start.offset {
        Span { start: first.start, end: last.end }
    } else {
        first
    }
}

/// Where a finding about a value belongs: the value itself; its key when the value is empty
/// (an empty value has no text to point at); for a block list or map that spans several
/// lines, its first item only.
pub(crate) fn value_or_key(key: &Node, value: &Node) -> Span {
    if value.is_null() || value.span.start.offset == value.span.end.offset {
        return key.span;
    }
    let first_end = match &value.kind {
        NodeKind::Seq(items) => items.first().map(|i| i.span.end),
        NodeKind::Map(entries) => entries.first().map(|(_, v)| v.span.end),
        _ => None,
    };
    match first_end {
        Some(end) if value.span.end.line > value.span.start.line && end.offset >= value.span.start.offset => {
            Span { start: value.span.start, end }
        }
        _ => value.span,
    }
}

/// Runs `rule` on a formula made of `files` (`hooks/*` and `dispatch` made executable) and returns the
/// messages, for tests of the cases a fixture cannot hold.
#[cfg(test)]
pub(crate) fn messages(rule: &'static crate::lint::Rule, files: &[(&str, &str)]) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(&path, text).expect("write");
        if name.starts_with("hooks/") || *name == "dispatch" {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let formula = crate::format::Formula::load(dir.path());
    let ctx = crate::lint::LintContext::new(&formula);
    let mut reporter = crate::lint::Reporter::new(rule);
    if let crate::lint::Check::Formula(check) = rule.check {
        check(&ctx, &mut reporter);
    }
    reporter.into_diagnostics().into_iter().map(|d| d.message).collect()
}

/// The top of a valid metadata.yaml, for tests to extend.
#[cfg(test)]
pub(crate) const TEST_HEAD: &str =
    "name: wiki\nsummary: s\ndescription: d\nprovides:\n  website:\n    interface: http\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_follow_juju() {
        assert!(is_reserved_name(Some("wiki"), "juju"));
        assert!(is_reserved_name(Some("wiki"), "juju-info"));
        assert!(!is_reserved_name(Some("wiki"), "jujuish"));
        assert!(!is_reserved_name(Some("juju-gui"), "juju-info"));
        assert!(is_reserved_name(None, "juju-info"));
    }
}
