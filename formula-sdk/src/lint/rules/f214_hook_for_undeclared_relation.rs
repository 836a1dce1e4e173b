//! F214 `hook-for-undeclared-relation`: a relation hook names an endpoint the formula does not declare.
#![doc = include_str!("f214_hook_for_undeclared_relation.md")]

use super::support::names::closest;
use super::support::relations::{relation_decls, relation_hook};
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F214",
    name: "hook-for-undeclared-relation",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a relation hook names an endpoint the formula does not declare",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f214_hook_for_undeclared_relation.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    if !root.is_map() {
        return; // without readable metadata there is nothing to compare against
    }
    let declared: Vec<String> = relation_decls(root).into_iter().map(|d| d.name).collect();
    for hook in ctx.formula.hooks.iter().filter(|h| !h.is_dir) {
        let Some((endpoint, kind)) = relation_hook(&hook.name) else {
            continue;
        };
        if endpoint == IMPLICIT_ENDPOINT || declared.iter().any(|d| d == endpoint) {
            continue;
        }
        let message = format!(
            "hook `{}` is for the endpoint `{endpoint}`, which metadata.yaml does not declare, so it never runs",
            hook.name
        );
        let help = match closest(endpoint, declared.iter().map(String::as_str)) {
            Some(near) => {
                format!("did you mean `{near}-relation-{kind}`, for the endpoint `{near}`?")
            }
            None => format!("declare `{endpoint}` under `provides`, `requires` or `peers`, or remove the hook"),
        };
        out.report(&hook.display, None, message).help = Some(help);
    }
}

/// The endpoint every formula provides without declaring it.
const IMPLICIT_ENDPOINT: &str = "juju-info";

#[cfg(test)]
mod juju_cases {
    use super::RULE;
    use crate::lint::rules::support::testing::{messages, TEST_HEAD};

    #[test]
    fn implicit_and_declared_endpoints() {
        let files = [
            ("metadata.yaml", TEST_HEAD),
            ("hooks/website-relation-broken", "#!/bin/sh\n"),
            ("hooks/juju-info-relation-joined", "#!/bin/sh\n"),
            ("hooks/webste-relation-joined", "#!/bin/sh\n"),
        ];
        assert_eq!(messages(&RULE, &files), ["hook `webste-relation-joined` is for the endpoint `webste`, which metadata.yaml does not declare, so it never runs"]);
    }
}
