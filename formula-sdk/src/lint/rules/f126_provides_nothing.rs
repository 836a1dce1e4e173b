//! F126 `provides-nothing`: a principal formula provides no endpoint.
#![doc = include_str!("f126_provides_nothing.md")]

use super::support::metadata::is_subordinate;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F126",
    name: "provides-nothing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "a principal formula provides no endpoint",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("32"),
    explanation: include_str!("f126_provides_nothing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    if !root.is_map() || is_subordinate(root) {
        return;
    }
    match root.entry("provides") {
        None => {
            let span = ctx.metadata_key_span("name");
            out.report(&ctx.metadata_path(), span, "the formula provides no endpoint").help = Some(HELP.into());
        }
        Some((key, value)) if provides_nothing(value) => {
            out.report(&ctx.metadata_path(), Some(key.span), "`provides` declares no endpoint").help =
                Some(HELP.into());
        }
        Some(_) => {}
    }
}

const HELP: &str =
    "other applications relate to a formula through what it provides; declare at least one endpoint under `provides`";

/// Whether a present `provides` declares nothing: empty, or an empty map. (Other types are
/// reported as type errors.)
fn provides_nothing(value: &Node) -> bool {
    value.is_null() || value.map_entries().is_some_and(|e| e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    fn check(yaml: &str) -> Vec<String> {
        messages(&RULE, &[("metadata.yaml", yaml)])
    }

    #[test]
    fn cases() {
        assert_eq!(check("name: wiki\nprovides: {}\n"), ["`provides` declares no endpoint"]);
        assert_eq!(check("name: wiki\nprovides:\n"), ["`provides` declares no endpoint"]);
        assert!(check("name: wiki\nsubordinate: \"true\"\n").is_empty());
        assert!(check("name: wiki\nprovides: {website: http}\n").is_empty());
    }
}
