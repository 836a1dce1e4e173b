//! F104 `name-mismatches-directory`: the formula name differs from its directory name.
#![doc = include_str!("f104_name_mismatches_directory.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F104",
    name: "name-mismatches-directory",
    severity: Severity::Info,
    group: Group::Style,
    summary: "the formula name differs from its directory name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("6"),
    explanation: include_str!("f104_name_mismatches_directory.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(name) = metadata_map(ctx).and_then(|root| root.get("name")) else {
        return;
    };
    // A missing or empty name is F102's; a list or map is F103's.
    if matches!(name.kind, NodeKind::Null | NodeKind::Seq(_) | NodeKind::Map(_)) {
        return;
    }
    let written = name.display_value();
    let directory = ctx.formula.dir_name();
    if written.trim().is_empty() || written == directory {
        return;
    }
    out.report(&ctx.metadata_path(), Some(name.span), format!("formula name `{written}` differs from its directory name `{directory}`")).help =
        Some(format!("rename the directory to `{written}`: local repositories (`juju deploy local:{written}`) find formulas by directory name"));
}
