//! F504 `hook-uses-ec2-metadata`: a hook reads the EC2 metadata service directly.
#![doc = include_str!("f504_hook_uses_ec2_metadata.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F504",
    name: "hook-uses-ec2-metadata",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a hook reads the EC2 metadata service directly",
    since: "0.1.0",
    proof: Some("40"),
    explanation: include_str!("f504_hook_uses_ec2_metadata.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
