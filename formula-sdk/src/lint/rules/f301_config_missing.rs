//! F301 `config-missing`: the formula has no config.yaml.
#![doc = include_str!("f301_config_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F301",
    name: "config-missing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "the formula has no config.yaml",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("47"),
    explanation: include_str!("f301_config_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if ctx.has_root_file("config.yaml") {
        return;
    }
    out.report(&ctx.config_path(), None, "the formula has no `config.yaml`").help =
        Some("a formula without settings can say so with a config.yaml holding `options: {}`".into());
}
