//! F201 `reserved-relation-name`: an endpoint uses the reserved juju or juju-* name.
#![doc = include_str!("f201_reserved_relation_name.md")]

use super::support::metadata::{formula_name, is_subordinate};
use super::support::relations::{is_reserved_name, relation_decls, RelationDecl};
use crate::diagnostic::Severity;
use crate::format::Role;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F201",
    name: "reserved-relation-name",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "an endpoint uses the reserved juju or juju-* name",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("rel-1"),
    explanation: include_str!("f201_reserved_relation_name.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = ctx.metadata() else { return };
    let formula = formula_name(root);
    let subordinate = is_subordinate(root);
    for decl in relation_decls(root) {
        let Some(verdict) = judge(formula, subordinate, &decl) else {
            continue;
        };
        let path = ctx.metadata_path();
        match verdict {
            Verdict::Refused => {
                let d = out.report(
                    &path,
                    Some(decl.key.span),
                    format!("endpoint name `{}` is reserved by Juju", decl.name),
                );
                d.help = Some(if decl.role == Role::Requirer && subordinate {
                    "a subordinate may use a `juju-*` name only on a `requires` endpoint with `scope: container`; otherwise rename it".into()
                } else {
                    "rename it: `juju` and `juju-*` endpoint names belong to Juju".into()
                });
            }
            Verdict::Allowed => {
                let d = out.report(
                    &path,
                    Some(decl.key.span),
                    format!("endpoint name `{}` uses the reserved `juju-` prefix", decl.name),
                );
                d.severity = Severity::Info;
                d.help = Some("Juju allows it only because the formula's own name starts with `juju-`".into());
            }
        }
    }
}

/// How Juju and `charm proof` see an endpoint name.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Juju refuses the formula (`using a reserved relation name`): an error.
    Refused,
    /// Juju accepts it (the formula is itself named `juju-*`), but `charm proof` notes it.
    Allowed,
}

/// Juju's rule (`Meta.Check`): `juju` and `juju-*` are reserved unless the formula's name
/// starts with `juju-`, or the endpoint is a subordinate's container-scoped `requires`.
/// `None` when neither Juju nor `charm proof` has anything to say.
fn judge(formula: Option<&str>, subordinate: bool, decl: &RelationDecl) -> Option<Verdict> {
    if subordinate && decl.role == Role::Requirer && decl.is_container_scoped() {
        return None; // the one place a formula may use `juju-info`, and proof skips it too
    }
    if is_reserved_name(formula, &decl.name) {
        return Some(Verdict::Refused);
    }
    decl.name.starts_with("juju-").then_some(Verdict::Allowed)
}

#[cfg(test)]
mod tests {
    use super::{judge, Verdict};
    use crate::lint::rules::support::metadata::{formula_name, is_subordinate};
    use crate::lint::rules::support::relations::relation_decls;
    use crate::yaml::parse;

    fn verdicts(yaml: &str) -> Vec<(String, Option<Verdict>)> {
        let root = parse(yaml).expect("test yaml");
        let name = formula_name(&root);
        let subordinate = is_subordinate(&root);
        relation_decls(&root).iter().map(|d| (d.name.clone(), judge(name, subordinate, d))).collect()
    }

    #[test]
    fn juju_refuses_and_allows() {
        let found = verdicts("name: wiki\nprovides: {juju-info: juju-info, juju: http, jujuish: http}\n");
        assert_eq!(found[0].1, Some(Verdict::Refused));
        assert_eq!(found[1].1, Some(Verdict::Refused));
        assert_eq!(found[2].1, None);

        let found = verdicts("name: juju-gui\nprovides: {juju-api: http, juju: http}\n");
        assert_eq!(found[0].1, Some(Verdict::Allowed));
        assert_eq!(found[1].1, None);

        let sub = "name: nrpe\nsubordinate: true\nrequires:\n  juju-info: {interface: juju-info, scope: container}\n  juju-x: {interface: x}\n";
        let found = verdicts(sub);
        assert_eq!(found[0].1, None);
        assert_eq!(found[1].1, Some(Verdict::Refused));
    }
}
