//! F504 `hook-uses-ec2-metadata`: a hook reads the EC2 metadata service directly.
#![doc = include_str!("f504_hook_uses_ec2_metadata.md")]

use super::support::hooks::{file_label, lines, text_files};
use super::support::spans::Locator;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F504",
    name: "hook-uses-ec2-metadata",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a hook reads the EC2 metadata service directly",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("40"),
    explanation: include_str!("f504_hook_uses_ec2_metadata.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for file in text_files(ctx) {
        let Some(text) = &file.text else { continue };
        let locate = Locator::new(text);
        for (start, line) in lines(text) {
            for (at, _) in line.match_indices(EC2_METADATA_URL) {
                let span = locate.span(start + at, start + at + EC2_METADATA_URL.len());
                out.report(&file.display, Some(span), format!("{} reads the EC2 metadata service directly", file_label(ctx, file))).help =
                    Some("ask Juju instead (`unit-get private-address`, `network-get`); the service exists only on some clouds".into());
            }
        }
    }
}

/// What `charm proof` looks for (its pattern `http://169\.254\.169\.254/`).
const EC2_METADATA_URL: &str = "http://169.254.169.254/";
