//! F603 `copyright-missing`: the formula has no copyright file.
#![doc = include_str!("f603_copyright_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F603",
    name: "copyright-missing",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "the formula has no copyright file",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("29"),
    explanation: include_str!("f603_copyright_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if ctx.formula.dir.join("copyright").exists() {
        return;
    }
    out.report(&ctx.path("copyright"), None, "the formula has no `copyright` file").help = Some(
        "add a `copyright` file saying who holds the copyright and under which licence the formula is shared".into(),
    );
}
