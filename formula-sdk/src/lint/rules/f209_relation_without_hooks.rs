//! F209 `relation-without-hooks`: an endpoint has none of its relation hooks.
#![doc = include_str!("f209_relation_without_hooks.md")]

use super::support::metadata::is_subordinate;
use super::support::relations::relation_decls;
use crate::diagnostic::Severity;
use crate::format::{Formula, Role};
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F209",
    name: "relation-without-hooks",
    severity: Severity::Info,
    group: Group::Style,
    summary: "an endpoint has none of its relation hooks",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-8"),
    explanation: include_str!("f209_relation_without_hooks.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    if ctx.formula.dispatch.as_ref().is_some_and(|d| d.executable) {
        return; // Juju hands every relation event to `dispatch`
    }
    let subordinate = is_subordinate(root);
    for decl in relation_decls(root) {
        if subordinate && decl.role == Role::Requirer {
            continue; // a subordinate's requires endpoints often only attach it to its principal
        }
        if PROOF_KINDS.iter().any(|kind| has_hook(ctx.formula, &format!("{}-relation-{kind}", decl.name))) {
            continue;
        }
        let name = &decl.name;
        let created = format!("{name}-relation-created");
        let message = if has_hook(ctx.formula, &created) {
            format!("endpoint `{name}` has only a `{created}` hook, none for joined, changed, departed or broken")
        } else {
            format!("endpoint `{name}` has no relation hooks")
        };
        out.report(&ctx.metadata_path(), Some(decl.key.span), message).help =
            Some(format!("add `hooks/{name}-relation-joined` or `hooks/{name}-relation-changed` to act on the relation, or remove the endpoint"));
    }
}

/// The relation hooks `charm proof` looks for.
const PROOF_KINDS: &[&str] = &["joined", "changed", "departed", "broken"];

/// Whether `hooks/` has a runnable file `name` (or `name` with a Windows extension, as
/// `charm proof` accepts): a file, or a symlink whose target exists.
fn has_hook(formula: &Formula, name: &str) -> bool {
    formula.hooks.iter().any(|h| {
        let base = [".ps1", ".cmd", ".bat", ".exe"].iter().find_map(|ext| h.name.strip_suffix(ext)).unwrap_or(&h.name);
        base == name && !h.is_dir && h.symlink.as_ref().is_none_or(|s| s.exists)
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::rules::support::testing::{messages, TEST_HEAD};

    #[test]
    fn dispatch_and_subordinates() {
        let meta =
            format!("{TEST_HEAD}subordinate: true\nrequires:\n  host: {{interface: juju-info, scope: container}}\n");
        assert_eq!(messages(&RULE, &[("metadata.yaml", &meta)]), ["endpoint `website` has no relation hooks"]);
        assert!(
            messages(&RULE, &[("metadata.yaml", &meta), ("hooks/website-relation-changed", "#!/bin/sh\n")]).is_empty()
        );
        assert!(messages(&RULE, &[("metadata.yaml", &meta), ("dispatch", "#!/bin/sh\n")]).is_empty());
    }
}
