//! F109 `maintainer-missing`: metadata has neither maintainer nor maintainers.
#![doc = include_str!("f109_maintainer_missing.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F109",
    name: "maintainer-missing",
    severity: Severity::Error,
    group: Group::Style,
    summary: "metadata has neither maintainer nor maintainers",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("11"),
    explanation: include_str!("f109_maintainer_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    if root.get("maintainer").is_some() || root.get("maintainers").is_some() {
        return;
    }
    // A charm charmcraft lays out (its manifest.yaml) was declared in charmcraft.yaml, which
    // has no maintainer key: its `links.contact`, when given, becomes `maintainers`.
    if ctx.formula.dir.join("manifest.yaml").is_file() {
        return;
    }
    out.report(&ctx.metadata_path(), None, "`metadata.yaml` has no `maintainer` or `maintainers`").help =
        Some("add `maintainer: Your Name <you@example.com>`".into());
}
