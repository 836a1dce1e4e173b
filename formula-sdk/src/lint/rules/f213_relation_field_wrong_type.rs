//! F213 `relation-field-wrong-type`: limit, optional, scope or interface has the wrong type.
#![doc = include_str!("f213_relation_field_wrong_type.md")]

use super::support::relations::relation_decls;
use super::support::spans::value_span;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F213",
    name: "relation-field-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "limit, optional, scope or interface has the wrong type",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f213_relation_field_wrong_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    for decl in relation_decls(root) {
        for (key, value) in decl.fields() {
            let Some(field) = key.as_str() else { continue };
            let Some(expected) = wrong_type(field, value) else {
                continue;
            };
            let message = format!("`{field}` of endpoint `{}` is {}, not {expected}", decl.name, describe_read(value));
            out.report(&ctx.metadata_path(), Some(value_span(key, value, ctx.metadata_text())), message).help =
                Some(help(field).into());
        }
    }
}

/// What `field` should have been when Juju's schema refuses `value` for it (`interface` a
/// string, `limit` an integer or empty, `optional` a boolean, `scope` a string); `None` when
/// it is accepted, or is reported by another rule (an empty `interface`: F206).
fn wrong_type(field: &str, value: &Node) -> Option<&'static str> {
    let accepted = match (field, &value.kind) {
        ("interface", NodeKind::Str(_) | NodeKind::Null) => true,
        ("interface", _) => false,
        ("limit", NodeKind::Null | NodeKind::Int(_)) => true,
        ("limit", NodeKind::Str(s)) => strconv::parse_int(s).is_some(),
        ("limit", _) => false,
        ("optional", NodeKind::Bool(_)) => true,
        ("optional", NodeKind::Str(s)) => strconv::parse_bool(s).is_ok(),
        ("optional", _) => false,
        ("scope", NodeKind::Str(_)) => true,
        ("scope", _) => false,
        _ => true,
    };
    if accepted {
        return None;
    }
    Some(match field {
        "interface" | "scope" => "a string",
        "limit" => "an integer",
        _ => "a boolean",
    })
}

fn help(field: &str) -> &'static str {
    match field {
        "interface" => "write the interface's name, e.g. `interface: mysql`",
        "limit" => "write the most relations this endpoint may join, e.g. `limit: 1`, or remove `limit` for no limit",
        "optional" => "write `optional: true` or `optional: false`",
        _ => "write `scope: global` or `scope: container`",
    }
}

#[cfg(test)]
mod tests {
    use super::wrong_type;
    use crate::yaml::parse;

    fn verdict(field: &str, yaml: &str) -> Option<&'static str> {
        let root = parse(&format!("{field}: {yaml}")).expect("test yaml");
        wrong_type(field, root.get(field).expect("field"))
    }

    #[test]
    fn types() {
        assert_eq!(verdict("limit", "1"), None);
        assert_eq!(verdict("limit", ""), None);
        assert_eq!(verdict("limit", "'2'"), None);
        assert_eq!(verdict("limit", "one"), Some("an integer"));
        assert_eq!(verdict("limit", "1.5"), Some("an integer"));
        assert_eq!(verdict("optional", "yes"), None);
        assert_eq!(verdict("optional", "'true'"), None);
        assert_eq!(verdict("optional", "maybe"), Some("a boolean"));
        assert_eq!(verdict("scope", "[container]"), Some("a string"));
        assert_eq!(verdict("scope", ""), Some("a string"));
        assert_eq!(verdict("interface", "5"), Some("a string"));
        assert_eq!(verdict("interface", ""), None);
    }
}
