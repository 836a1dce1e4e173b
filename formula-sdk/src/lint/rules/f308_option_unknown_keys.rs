//! F308 `option-unknown-keys`: a config option has keys Juju ignores.
#![doc = include_str!("f308_option_unknown_keys.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F308",
    name: "option-unknown-keys",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a config option has keys Juju ignores",
    since: "0.1.0",
    proof: Some("54"),
    explanation: include_str!("f308_option_unknown_keys.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
