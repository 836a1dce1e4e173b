//! F706 `bundle-interface-mismatch`: a bundle relates endpoints whose interfaces or roles do not match.
#![doc = include_str!("f706_bundle_interface_mismatch.md")]

use crate::diagnostic::Severity;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F706",
    name: "bundle-interface-mismatch",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle relates endpoints whose interfaces or roles do not match",
    since: "0.1.0",
    proof: None,
    explanation: include_str!("f706_bundle_interface_mismatch.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let _ = (ctx, out);
}
