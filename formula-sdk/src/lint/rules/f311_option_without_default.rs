//! F311 `option-without-default`: a config option has no default.
#![doc = include_str!("f311_option_without_default.md")]

use super::support::config::Options;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F311",
    name: "option-without-default",
    severity: Severity::Info,
    group: Group::Style,
    summary: "a config option has no default",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("57"),
    explanation: include_str!("f311_option_without_default.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(options) = Options::of(ctx) else {
        return;
    };
    for (key, value) in &options.entries {
        let Some((field, default)) = value.entry("default") else {
            continue;
        }; // F307 reports a missing key
        if !default.is_null() || !has_proof_type(value) {
            continue;
        }
        let name = options.name(key);
        out.report(&ctx.config_path(), Some(field.span), format!("option `{name}` has no default value")).help =
            Some("until someone sets it, `config-get` prints nothing for it; hooks must cope with that".into());
    }
}

/// Whether the option's type is one `charm proof` knows (it checks defaults of those only).
fn has_proof_type(definition: &crate::yaml::Node) -> bool {
    match definition.get("type") {
        None => true, // `string`
        Some(kind) => {
            matches!(&kind.kind, NodeKind::Str(t) if matches!(t.as_str(), "string" | "int" | "float" | "boolean"))
        }
    }
}
