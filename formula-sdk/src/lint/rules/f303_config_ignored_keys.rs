//! F303 `config-ignored-keys`: config.yaml has top-level keys besides options.
#![doc = include_str!("f303_config_ignored_keys.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F303",
    name: "config-ignored-keys",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "config.yaml has top-level keys besides options",
    since: "0.1.0",
    proof: Some("49"),
    explanation: include_str!("f303_config_ignored_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
