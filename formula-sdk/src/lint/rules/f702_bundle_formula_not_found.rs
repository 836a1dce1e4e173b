//! F702 `bundle-formula-not-found`: a bundle names a local formula that does not exist.
#![doc = include_str!("f702_bundle_formula_not_found.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F702",
    name: "bundle-formula-not-found",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle names a local formula that does not exist",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f702_bundle_formula_not_found.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
