//! F701 `bundle-invalid-structure`: a bundle is not a mapping of applications and relations.
#![doc = include_str!("f701_bundle_invalid_structure.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F701",
    name: "bundle-invalid-structure",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle is not a mapping of applications and relations",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f701_bundle_invalid_structure.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
