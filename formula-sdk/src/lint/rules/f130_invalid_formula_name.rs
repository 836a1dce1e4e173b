//! F130 `invalid-formula-name`: the formula name is not a valid Juju name.
#![doc = include_str!("f130_invalid_formula_name.md")]

use crate::diagnostic::Severity;
use crate::format::names::{formula_name_problem, formula_name_suggestion};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F130",
    name: "invalid-formula-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the formula name is not a valid Juju name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f130_invalid_formula_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(node) = ctx.metadata().and_then(|root| root.get("name")) else {
        return;
    };
    let Some(name) = node.as_str() else { return };
    let Some(reason) = formula_name_problem(name) else {
        return;
    };
    let diagnostic =
        out.report(&ctx.metadata_path(), Some(node.span), format!("formula name `{name}` is not valid: {reason}"));
    diagnostic.help = Some(match formula_name_suggestion(name) {
        Some(better) => format!("rename it, e.g. to `{better}`"),
        None => "Juju names are lowercase letters and digits in hyphen-separated parts, starting with a letter, each part with a letter".into(),
    });
}
