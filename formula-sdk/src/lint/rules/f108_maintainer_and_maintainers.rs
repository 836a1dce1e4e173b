//! F108 `maintainer-and-maintainers`: metadata has both maintainer and maintainers.
#![doc = include_str!("f108_maintainer_and_maintainers.md")]

use super::support::metadata::metadata_map;
use crate::diagnostic::{Label, Severity};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F108",
    name: "maintainer-and-maintainers",
    severity: Severity::Error,
    group: Group::Style,
    summary: "metadata has both maintainer and maintainers",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("10"),
    explanation: include_str!("f108_maintainer_and_maintainers.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    let (Some((one, _)), Some((many, _))) = (root.entry("maintainer"), root.entry("maintainers")) else {
        return;
    };
    let path = ctx.metadata_path();
    let (first, second) = if one.span.start <= many.span.start { (one, many) } else { (many, one) };
    let diagnostic = out.report(&path, Some(second.span), "both `maintainer` and `maintainers` are set");
    diagnostic.labels.push(Label {
        path: path.clone(),
        span: first.span,
        message: format!("`{}` is set here", first.display_value()),
    });
    diagnostic.help =
        Some("keep one: `maintainer` with one `Name <email>`, or `maintainers` with a list of them".into());
}
