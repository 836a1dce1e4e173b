//! F707 `bundle-invalid-units`: num_units is not a non-negative integer, or a subordinate has units.
#![doc = include_str!("f707_bundle_invalid_units.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F707",
    name: "bundle-invalid-units",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "num_units is not a non-negative integer, or a subordinate has units",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f707_bundle_invalid_units.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
