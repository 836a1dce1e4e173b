//! F121 `payloads-invalid`: a payload definition is malformed.
#![doc = include_str!("f121_payloads_invalid.md")]

use super::support::metadata::definitions;
use super::support::spans::value_span;
use super::support::wording::{a_type, describe_read};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;
use regex::Regex;
use std::sync::LazyLock;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F121",
    name: "payloads-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a payload definition is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("23"),
    explanation: include_str!("f121_payloads_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let help = "declare each payload class as `<name>: {type: docker}` or remove `payloads`";
    for (name_node, payload) in definitions(ctx, out, "payloads", "payload", help) {
        let name = name_node.key_text().unwrap_or_default();
        for (span, message) in payload_problems(&name, name_node, payload, ctx.metadata_text()) {
            out.report(&ctx.metadata_path(), Some(span), message);
        }
    }
}

/// What Juju (`PayloadClass.Validate`) and `charm proof` (strict schema, type kvm or docker)
/// refuse in one payload class.
fn payload_problems(name: &str, name_node: &Node, payload: &Node, text: &str) -> Vec<(crate::source::Span, String)> {
    let mut problems = Vec::new();
    if !PAYLOAD_NAME.is_match(name) {
        problems.push((name_node.span, format!("payload class name `{name}` is not valid: use letters, digits and inner hyphens, starting with a letter")));
    }
    let Some(fields) = payload.map_entries() else {
        let span = value_span(name_node, payload, text);
        problems.push((span, format!("payload `{name}` must be a map with a `type`, not {}", a_type(payload))));
        return problems;
    };
    match payload.entry("type") {
        None => problems.push((name_node.span, format!("payload `{name}` has no `type` (`docker` or `kvm`)"))),
        Some((type_key, type_value)) => match type_value.as_str() {
            _ if type_value.is_null() || type_value.as_str() == Some("") => problems.push((
                value_span(type_key, type_value, text),
                format!("payload `{name}` has an empty `type`; use `docker` or `kvm`"),
            )),
            Some("kvm" | "docker") => {}
            Some(other) => problems.push((
                type_value.span,
                format!("payload `{name}` has the unknown type `{other}`; use `docker` or `kvm`"),
            )),
            None => problems.push((
                type_value.span,
                format!("`type` of payload `{name}` is {}, not `docker` or `kvm`", describe_read(type_value)),
            )),
        },
    }
    for (field, _) in fields {
        let field_name = field.key_text().unwrap_or_default();
        if field_name != "type" {
            problems.push((
                field.span,
                format!("payload `{name}` has the unknown key `{field_name}`; only `type` is allowed"),
            ));
        }
    }
    problems
}

/// Juju's payload class names (`names.IsValidPayload`).
static PAYLOAD_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$").expect("valid regex"));

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert!(metadata_messages(&RULE, "payloads:\n  monitor: {type: docker}\n  vm-2: {type: kvm}\n").is_empty());
        assert_eq!(
            metadata_messages(&RULE, "payloads: {}\n"),
            ["`payloads` must be a map of payload definitions, not an empty map"]
        );
        assert_eq!(
            metadata_messages(&RULE, "payloads:\n  backup:\n"),
            ["payload `backup` must be a map with a `type`, not null"]
        );
        assert_eq!(
            metadata_messages(&RULE, "payloads:\n  backup: {type: \"\"}\n"),
            ["payload `backup` has an empty `type`; use `docker` or `kvm`"]
        );
        assert_eq!(metadata_messages(&RULE, "payloads:\n  my_vm: {type: kvm}\n").len(), 1);
    }
}
