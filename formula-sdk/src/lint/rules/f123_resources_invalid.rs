//! F123 `resources-invalid`: a resource definition is malformed.
#![doc = include_str!("f123_resources_invalid.md")]

use super::support::metadata::definitions;
use super::support::spans::value_span;
use super::support::wording::{a_type, describe_read};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F123",
    name: "resources-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a resource definition is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("25"),
    explanation: include_str!("f123_resources_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let help = "declare each resource as `<name>: {type: file, filename: <file>}` or remove `resources`";
    for (name_node, resource) in definitions(ctx, out, "resources", "resource", help) {
        let name = name_node.key_text().unwrap_or_default();
        for problem in resource_problems(&name, name_node, resource, ctx.metadata_text()) {
            out.report(&ctx.metadata_path(), Some(problem.span), problem.message).help = problem.help;
        }
    }
}

struct Problem {
    span: Span,
    message: String,
    help: Option<String>,
}

fn problem(span: Span, message: String, help: Option<&str>) -> Problem {
    Problem { span, message, help: help.map(str::to_string) }
}

/// The keys `charm proof`'s strict schema allows in a resource.
const KNOWN_KEYS: &[&str] = &["type", "filename", "description"];

/// What Juju (`resource.Meta.Validate`) and `charm proof` (type required, strict keys) refuse
/// in one resource definition.
fn resource_problems(name: &str, name_node: &Node, resource: &Node, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(fields) = resource.map_entries() else {
        let message = format!("resource `{name}` must be a map with a `type`, not {}", a_type(resource));
        problems.push(problem(
            value_span(name_node, resource, text),
            message,
            Some("write e.g. `type: file` and `filename: <file>` under it"),
        ));
        return problems;
    };
    // Juju takes a missing type as `file`; `charm proof` requires it.
    let mut is_file = true;
    match resource.entry("type") {
        None => problems.push(problem(
            name_node.span,
            format!("resource `{name}` has no `type`"),
            Some("add `type: file` or `type: oci-image`"),
        )),
        Some((type_key, kind)) => match kind.as_str() {
            Some("file") => {}
            Some("oci-image") => is_file = false,
            Some(other) => {
                is_file = false;
                let message = format!("resource `{name}` has the unknown type `{other}`");
                problems.push(problem(kind.span, message, Some("use `file` or `oci-image`")));
            }
            None => {
                is_file = false;
                let message =
                    format!("`type` of resource `{name}` is {}, not `file` or `oci-image`", describe_read(kind));
                problems.push(problem(value_span(type_key, kind, text), message, None));
            }
        },
    }
    match resource.entry("filename") {
        Some((_, filename)) if !filename.is_null() && filename.as_str().is_none() => {
            problems.push(problem(
                filename.span,
                format!("`filename` of resource `{name}` is {}, not a string", describe_read(filename)),
                None,
            ));
        }
        Some((_, filename)) if filename.as_str().is_some_and(|f| f.contains('/')) => {
            let text = filename.as_str().unwrap_or_default();
            let message = format!("`filename` of resource `{name}` is `{text}`, but it cannot contain `/`");
            problems.push(problem(
                filename.span,
                message,
                Some("give only the file's name; Juju stores it in the resource's own directory"),
            ));
        }
        found if is_file && found.is_none_or(|(_, f)| f.as_str().is_none_or(str::is_empty)) => {
            let span = found.map_or(name_node.span, |(k, f)| value_span(k, f, text));
            problems.push(problem(
                span,
                format!("resource `{name}` of type `file` has no `filename`"),
                Some("add `filename: <file>`, the name the unit gets it under"),
            ));
        }
        _ => {}
    }
    if let Some((_, description)) = resource.entry("description") {
        if !description.is_null() && description.as_str().is_none() {
            problems.push(problem(
                description.span,
                format!("`description` of resource `{name}` is {}, not a string", describe_read(description)),
                None,
            ));
        }
    }
    for (field, _) in fields {
        let field_name = field.key_text().unwrap_or_default();
        if !KNOWN_KEYS.contains(&field_name.as_str()) {
            let message = format!("resource `{name}` has the unknown key `{field_name}`");
            problems.push(problem(
                field.span,
                message,
                Some("a resource takes only `type`, `filename` and `description`"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert!(metadata_messages(&RULE, "resources:\n  image: {type: oci-image}\n").is_empty());
        assert_eq!(
            metadata_messages(&RULE, "resources:\n  software: {type: file}\n"),
            ["resource `software` of type `file` has no `filename`"]
        );
        assert_eq!(
            metadata_messages(&RULE, "resources:\n  software:\n"),
            ["resource `software` must be a map with a `type`, not null"]
        );
        assert_eq!(
            metadata_messages(&RULE, "resources: {}\n"),
            ["`resources` must be a map of resource definitions, not an empty map"]
        );
    }
}
