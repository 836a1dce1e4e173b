//! F704 `bundle-option-wrong-type`: a bundle sets an option to a value of the wrong type.
#![doc = include_str!("f704_bundle_option_wrong_type.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F704",
    name: "bundle-option-wrong-type",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle sets an option to a value of the wrong type",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f704_bundle_option_wrong_type.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
