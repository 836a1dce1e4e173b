//! F705 `bundle-unknown-endpoint`: a bundle relation names an unknown application or endpoint.
#![doc = include_str!("f705_bundle_unknown_endpoint.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F705",
    name: "bundle-unknown-endpoint",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle relation names an unknown application or endpoint",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f705_bundle_unknown_endpoint.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
