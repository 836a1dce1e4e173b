//! F124 `deployment-invalid`: the deployment section is malformed.
#![doc = include_str!("f124_deployment_invalid.md")]

use super::support::spans::value_span;
use super::support::wording::{a_type, describe_read};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F124",
    name: "deployment-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the deployment section is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("26"),
    explanation: include_str!("f124_deployment_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let Some((key, value)) = root.entry("deployment") else {
        return;
    };
    let path = ctx.metadata_path();
    let Some(fields) = value.map_entries() else {
        out.report(
            &path,
            Some(value_span(key, value, ctx.metadata_text())),
            format!("`deployment` must be a map, not {}", a_type(value)),
        )
        .help = Some("write e.g. `deployment: {type: stateless, service: loadbalancer}`, or remove it".into());
        return;
    };
    if let Some(problem) = series_problem(root) {
        out.report(&path, Some(key.span), problem).help =
            Some("`deployment` is for Kubernetes formulas only: list `kubernetes` first under `series`".into());
    }
    if fields.is_empty() {
        return; // `charm proof` accepts `deployment: {}`
    }
    check_choice(out, ctx, value, "type", &["stateless", "stateful", "daemon"]);
    check_choice(out, ctx, value, "service", &["loadbalancer", "cluster", "omit"]);
    if value.get("service").is_none() {
        out.report(&path, Some(key.span), "`deployment` has no `service`").help =
            Some("add `service: loadbalancer`, `cluster` or `omit`".into());
    }
    if let Some((version_key, version)) = value.entry("min-version") {
        if version.as_str().is_none() {
            out.report(
                &path,
                Some(value_span(version_key, version, ctx.metadata_text())),
                format!("`deployment.min-version` is {}, not a string", describe_read(version)),
            );
        }
    }
    for (field, _) in fields {
        let name = field.key_text().unwrap_or_default();
        if !KNOWN_KEYS.contains(&name.as_str()) {
            out.report(&path, Some(field.span), format!("`deployment` has the unknown key `{name}`")).help =
                Some("`deployment` takes `type`, `service` and `min-version`".into());
        }
    }
}

/// The keys `charm proof`'s strict deployment schema allows.
const KNOWN_KEYS: &[&str] = &["type", "service", "min-version"];

/// Reports `deployment.<field>` when present and not one of `allowed`.
fn check_choice(out: &mut Reporter, ctx: &LintContext, deployment: &Node, field: &str, allowed: &[&str]) {
    let Some((key, value)) = deployment.entry(field) else {
        return;
    };
    if value.as_str().is_some_and(|v| allowed.contains(&v)) {
        return;
    }
    let choices = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
    let shown = match value.as_str() {
        Some(text) => format!("`{text}`"),
        None => describe_read(value),
    };
    out.report(
        &ctx.metadata_path(),
        Some(value_span(key, value, ctx.metadata_text())),
        format!("`deployment.{field}` is {shown}, not one of {choices}"),
    );
}

/// Juju accepts `deployment` only in a formula whose first series is `kubernetes`.
fn series_problem(root: &Node) -> Option<String> {
    let first = root.get("series").and_then(Node::as_seq).and_then(|s| s.first());
    match first {
        None => Some("`deployment` needs at least one series, and metadata declares none".into()),
        Some(series) if series.as_str() != Some("kubernetes") => Some(format!(
            "`deployment` is only supported for the `kubernetes` series, but the first series is `{}`",
            series.display_value()
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::metadata_messages;

    #[test]
    fn cases() {
        assert!(metadata_messages(&RULE, "series: [kubernetes]\ndeployment: {service: omit}\n").is_empty());
        assert_eq!(
            metadata_messages(&RULE, "deployment: {service: omit}\n"),
            ["`deployment` needs at least one series, and metadata declares none"]
        );
        assert_eq!(
            metadata_messages(&RULE, "series: [focal]\ndeployment: {}\n"),
            ["`deployment` is only supported for the `kubernetes` series, but the first series is `focal`"]
        );
        assert_eq!(
            metadata_messages(&RULE, "series: [kubernetes]\ndeployment: {type: stateless}\n"),
            ["`deployment` has no `service`"]
        );
        assert_eq!(
            metadata_messages(&RULE, "series: [kubernetes]\ndeployment:\n"),
            ["`deployment` must be a map, not null"]
        );
    }
}
