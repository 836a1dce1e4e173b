//! F006 `duplicate-yaml-key`: a mapping repeats a key, and only the last one counts.
#![doc = include_str!("f006_duplicate_yaml_key.md")]

use super::support::layer::layer;
use super::support::wording::key_name;
use crate::diagnostic::{Label, Severity};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::path::Path;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F006",
    name: "duplicate-yaml-key",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a mapping repeats a key, and only the last one counts",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f006_duplicate_yaml_key.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for file in ctx.yaml_files() {
        if let Some(root) = &file.node {
            Walk { path: file.path(), out: &mut *out, seen: Vec::new() }.node(root, "");
        }
    }
    if let Some(layer) = layer(ctx.formula) {
        if let Some(root) = &layer.node {
            Walk { path: &layer.path, out, seen: Vec::new() }.node(root, "");
        }
    }
}

struct Walk<'a, 'r> {
    path: &'a Path,
    out: &'r mut Reporter,
    /// Key spans already reported: an alias repeats its anchor's nodes, spans and all.
    seen: Vec<Span>,
}

impl Walk<'_, '_> {
    fn node(&mut self, node: &Node, at: &str) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (index, (key, _)) in entries.iter().enumerate() {
                    let Some(last) = entries.iter().rposition(|(other, _)| same_key(key, other)) else {
                        continue;
                    };
                    if last != index && !self.seen.contains(&key.span) {
                        self.seen.push(key.span);
                        self.report(key, &entries[last].0, at);
                    }
                }
                for (key, value) in entries {
                    let name = key_name(key);
                    let child = if at.is_empty() { name } else { format!("{at}.{name}") };
                    self.node(value, &child);
                }
            }
            NodeKind::Seq(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.node(item, &format!("{at}[{index}]"));
                }
            }
            _ => {}
        }
    }

    fn report(&mut self, ignored: &Node, winner: &Node, at: &str) {
        let place = if at.is_empty() { String::new() } else { format!(" in `{at}`") };
        let message = format!(
            "duplicate key `{}`{place}: this entry is ignored, the one on line {} counts",
            key_name(ignored),
            winner.span.start.line
        );
        let diagnostic = self.out.report(self.path, Some(ignored.span), message);
        diagnostic.labels.push(Label {
            path: self.path.to_path_buf(),
            span: winner.span,
            message: "this one counts".into(),
        });
        diagnostic.help = Some("keep only one: Juju and `charm proof` both read the last and drop the others".into());
    }
}

/// Whether two mapping keys are the same key to a YAML 1.1 reader: the same type and value
/// (`1` and `"1"` differ; `yes` and `true` are both the boolean true).
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Seq(_) | NodeKind::Map(_), _) | (_, NodeKind::Seq(_) | NodeKind::Map(_)) => false,
        (NodeKind::Float(x), NodeKind::Float(y)) => x == y,
        (x, y) => std::mem::discriminant(x) == std::mem::discriminant(y) && a.key_text() == b.key_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::same_key;
    use crate::yaml::{parse, NodeKind};

    #[test]
    fn keys_compare_by_type_and_value() {
        let root = parse("1: a\n'1': b\nyes: c\ntrue: d\n~: e\nnull: f\n").unwrap();
        let NodeKind::Map(entries) = &root.kind else { panic!() };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k).collect();
        assert!(!same_key(keys[0], keys[1]));
        assert!(same_key(keys[2], keys[3]));
        assert!(same_key(keys[4], keys[5]));
    }
}
