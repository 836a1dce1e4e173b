//! F607 `template-test-file`: tests/00-autogen from the template is still there.
#![doc = include_str!("f607_template_test_file.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F607",
    name: "template-test-file",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "tests/00-autogen from the template is still there",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("45"),
    explanation: include_str!("f607_template_test_file.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if !ctx.formula.dir.join("tests").join("00-autogen").exists() {
        return;
    }
    out.report(&ctx.path("tests/00-autogen"), None, "`tests/00-autogen` is the test that `charm create` generated")
        .help = Some("replace it with tests of this formula, or delete it".into());
}
