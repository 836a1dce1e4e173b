//! F111 `maintainer-format`: a maintainer is not written as Name <email>.
#![doc = include_str!("f111_maintainer_format.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F111",
    name: "maintainer-format",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a maintainer is not written as Name <email>",
    since: "0.1.0",
    proof: Some("13"),
    explanation: include_str!("f111_maintainer_format.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
