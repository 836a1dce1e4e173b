//! F104 `name-mismatches-directory`: the formula name differs from its directory name.
#![doc = include_str!("f104_name_mismatches_directory.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F104",
    name: "name-mismatches-directory",
    severity: Severity::Info,
    group: Group::Style,
    summary: "the formula name differs from its directory name",
    since: "0.1.0",
    proof: Some("6"),
    explanation: include_str!("f104_name_mismatches_directory.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
