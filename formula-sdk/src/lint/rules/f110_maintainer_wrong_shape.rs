//! F110 `maintainer-wrong-shape`: maintainer is a list, or maintainers is not.
#![doc = include_str!("f110_maintainer_wrong_shape.md")]

use super::support::metadata::metadata_map;
use super::support::spans::first_line;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F110",
    name: "maintainer-wrong-shape",
    severity: Severity::Error,
    group: Group::Style,
    summary: "maintainer is a list, or maintainers is not",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("12"),
    explanation: include_str!("f110_maintainer_wrong_shape.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    let text = ctx.metadata_text();
    match (root.entry("maintainer"), root.entry("maintainers")) {
        // Both set is F108's, and `charm proof` looks no further.
        (Some(_), Some(_)) => {}
        (Some((_, one)), None) if one.as_seq().is_some() => {
            out.report(&ctx.metadata_path(), Some(first_line(one.span, text)), "`maintainer` is a list").help =
                Some("rename it to `maintainers`, which takes a list; `maintainer` takes one `Name <email>`".into());
        }
        (None, Some((key, many))) if many.as_seq().is_none() => {
            let span = if many.is_null() { key.span } else { first_line(many.span, text) };
            let diagnostic = out.report(
                &ctx.metadata_path(),
                Some(span),
                format!("`maintainers` must be a list, not {}", describe(many, text)),
            );
            diagnostic.help = Some(match many.as_str() {
                Some(one) => format!("make it a list (`maintainers: [\"{one}\"]`), or rename it to `maintainer`"),
                None => "write `maintainers:` followed by one `- Name <email>` line per person".into(),
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::messages;

    #[test]
    fn maintainers_must_be_a_list() {
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", "name: w\nmaintainers: Ann <a@b.c>\n")]),
            ["`maintainers` must be a list, not the string `Ann <a@b.c>`"]
        );
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", "name: w\nmaintainers:\n")]),
            ["`maintainers` must be a list, not null"]
        );
        assert!(
            messages(&RULE, &[("metadata.yaml", "maintainer: [a]\nmaintainers: b\n")]).is_empty(),
            "both is F108's"
        );
        assert!(messages(&RULE, &[("metadata.yaml", "maintainer: Ann <a@b.c>\n")]).is_empty());
    }
}
