//! F703 `bundle-unknown-option`: a bundle sets an option the formula does not have.
#![doc = include_str!("f703_bundle_unknown_option.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F703",
    name: "bundle-unknown-option",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle sets an option the formula does not have",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f703_bundle_unknown_option.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
