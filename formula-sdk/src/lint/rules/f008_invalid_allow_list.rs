//! F008 `invalid-allow-list`: the formula's allow-list names unknown rules or is malformed.
#![doc = include_str!("f008_invalid_allow_list.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F008",
    name: "invalid-allow-list",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "the formula's allow-list names unknown rules or is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f008_invalid_allow_list.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::f102_missing_metadata_field;
    use crate::lint::rules::support::testing::messages;

    const META: &str = "name: wiki\nsummary: s\ndescription: d\n";

    #[test]
    fn the_shape_of_the_allow_list() {
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", META), (".formulalint.yaml", "allow: F503\n")]),
            ["`allow` in `.formulalint.yaml` must be a list of rules, not the string `F503`"]
        );
        assert_eq!(
            messages(&RULE, &[("metadata.yaml", META), (".formulalint.yaml", "ignore: [F503]\n")]),
            ["`.formulalint.yaml` has no `allow` list, so it allows nothing"]
        );
        assert_eq!(messages(&RULE, &[("metadata.yaml", META), (".formulalint.yaml", "allow: [F503\n")]).len(), 1);
        assert!(
            messages(&RULE, &[("metadata.yaml", META), (".formulalint.yaml", "allow: [style, compat]\n")]).is_empty()
        );
    }

    #[test]
    fn allowed_rules_are_silenced() {
        let files = [("metadata.yaml", "name: wiki\n"), (".formulalint.yaml", "allow: [missing-metadata-field]\n")];
        assert!(messages(&f102_missing_metadata_field::RULE, &files).is_empty());
    }
}
