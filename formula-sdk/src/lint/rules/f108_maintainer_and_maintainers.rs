//! F108 `maintainer-and-maintainers`: metadata has both maintainer and maintainers.
#![doc = include_str!("f108_maintainer_and_maintainers.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F108",
    name: "maintainer-and-maintainers",
    severity: Severity::Error,
    group: Group::Style,
    summary: "metadata has both maintainer and maintainers",
    since: "0.1.0",
    proof: Some("10"),
    explanation: include_str!("f108_maintainer_and_maintainers.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
