//! F103 `metadata-field-wrong-type`: a metadata field has a type Juju's schema rejects.
#![doc = include_str!("f103_metadata_field_wrong_type.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F103",
    name: "metadata-field-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a metadata field has a type Juju's schema rejects",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f103_metadata_field_wrong_type.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
