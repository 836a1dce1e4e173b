//! F308 `option-unknown-keys`: a config option has keys Juju ignores.
#![doc = include_str!("f308_option_unknown_keys.md")]

use super::support::config::Options;
use super::support::names::edit_distance;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::schema::{config::ConfigOption, property_names};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F308",
    name: "option-unknown-keys",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a config option has keys Juju ignores",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("54"),
    explanation: include_str!("f308_option_unknown_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    let known = property_names::<ConfigOption>();
    for (key, value) in &options.entries {
        let name = options.name(key);
        for (field, _) in value.map_entries().unwrap_or_default() {
            let field_name = field.key_text().unwrap_or_default();
            if known.contains(&field_name) {
                continue;
            }
            let diagnostic = out.report(
                &ctx.config_path(),
                Some(field.span),
                format!("option `{name}` has an unknown key `{field_name}`, which Juju ignores"),
            );
            diagnostic.help = Some(match near_miss(&field_name, &known) {
                Some(known) => format!("did you mean `{known}`?"),
                None => "an option has only `type`, `default` and `description`; keep notes in the description".into(),
            });
        }
    }
}

/// The known key that `field` is probably a misspelling of.
fn near_miss<'k>(field: &str, known: &'k [String]) -> Option<&'k str> {
    let lower = field.to_lowercase();
    known.iter().map(String::as_str).find(|known| {
        lower == *known
            || (known.len() > 4 && lower.len() >= 4 && known.starts_with(&lower))
            || edit_distance(&lower, known) <= 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        let known = property_names::<ConfigOption>();
        let near_miss = |field: &str| super::near_miss(field, &known);
        assert_eq!(near_miss("Default"), Some("default"));
        assert_eq!(near_miss("desc"), Some("description"));
        assert_eq!(near_miss("descripton"), Some("description"));
        assert_eq!(near_miss("typ"), Some("type"));
        assert_eq!(near_miss("title"), None);
        assert_eq!(near_miss("example"), None);
    }
}
