//! F601 `icon-missing`: the formula has no icon.svg.
#![doc = include_str!("f601_icon_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F601",
    name: "icon-missing",
    severity: Severity::Info,
    group: Group::Style,
    summary: "the formula has no icon.svg",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("27"),
    explanation: include_str!("f601_icon_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if ctx.formula.dir.join("icon.svg").exists() {
        return;
    }
    out.report(&ctx.path("icon.svg"), None, "the formula has no `icon.svg`").help = Some(
        "add a square SVG icon (100×100); the store and the Juju dashboard show it beside the formula's name".into(),
    );
}
