//! F706 `bundle-interface-mismatch`: a bundle relates endpoints whose interfaces or roles do not match.
#![doc = include_str!("f706_bundle_interface_mismatch.md")]

use crate::diagnostic::Severity;
use crate::format::{Formula, Role};
use crate::lint::bundle::{endpoints, infer, BundleContext, EndpointInfo, EndpointRef, Inference};
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F706",
    name: "bundle-interface-mismatch",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle relates endpoints whose interfaces or roles do not match",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f706_bundle_interface_mismatch.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let path = ctx.path();
    for relation in ctx.relations() {
        let [a, b] = &relation.ends;
        if a.app == b.app {
            let message =
                format!("the relation between {} relates application `{}` to itself", relation.describe(), a.app);
            out.report(&path, Some(relation.node.span), message).help =
                Some("relate two different applications; Juju relates the units of one application through its peer endpoints by itself".into());
            continue;
        }
        let (Some(fa), Some(fb)) = (ctx.formula(&a.app), ctx.formula(&b.app)) else {
            continue;
        };
        let (ea, eb) = (named(a, fa), named(b, fb));
        let mut peer = false;
        for (end, info) in [(a, &ea), (b, &eb)] {
            if let Some(Some(info)) = info {
                if info.role == Role::Peer {
                    peer = true;
                    let message = format!(
                        "`{}` is a peer endpoint; Juju relates peers by itself, and a bundle cannot",
                        end.text()
                    );
                    out.report(&path, Some(end.node.span), message).help = Some("remove this relation".into());
                }
            }
        }
        if peer || matches!(ea, Some(None)) || matches!(eb, Some(None)) {
            continue; // unknown endpoints are F705's
        }
        const RULE_OF_RELATIONS: &str =
            "a relation joins a `provides` endpoint and a `requires` endpoint of the same interface";
        let found = match (ea, eb) {
            (Some(Some(x)), Some(Some(y))) => explicit_mismatch(&x, &y).map(|m| (m, RULE_OF_RELATIONS.to_string())),
            _ => match infer(a, fa, b, fb) {
                Inference::NoMatch => Some((
                    format!("no endpoints of {} can relate", relation.describe()),
                    format!("{}; {}; {RULE_OF_RELATIONS}", offer(a, fa), offer(b, fb)),
                )),
                _ => None,
            },
        };
        if let Some((message, help)) = found {
            out.report(&path, Some(relation.node.span), message).help = Some(help);
        }
    }
}

/// The endpoint an end names: `None` when it names none, `Some(None)` when the formula
/// lacks it.
fn named(end: &EndpointRef, formula: &Formula) -> Option<Option<EndpointInfo>> {
    let name = end.endpoint.as_ref()?;
    Some(endpoints(&end.app, formula).into_iter().find(|e| e.name == *name))
}

/// What is wrong with relating two named endpoints, if anything (Juju's `verifyRelation`).
fn explicit_mismatch(x: &EndpointInfo, y: &EndpointInfo) -> Option<String> {
    let (kx, ky) = (x.key(), y.key());
    if x.role == y.role {
        let both = if x.role == Role::Provider { "provide" } else { "require" };
        return Some(format!("`{kx}` and `{ky}` both {both}; a relation needs one provider and one requirer"));
    }
    if x.interface != y.interface {
        let (p, r) = if x.role == Role::Provider { (x, y) } else { (y, x) };
        return Some(format!(
            "`{}` provides interface `{}` but `{}` requires `{}`",
            p.key(),
            p.interface,
            r.key(),
            r.interface
        ));
    }
    None
}

/// What an application offers for relations, for the message: ``wiki` has `db` (requires
/// `mysql`)`.
fn offer(end: &EndpointRef, formula: &Formula) -> String {
    let offered: Vec<String> = endpoints(&end.app, formula)
        .iter()
        .filter(|e| e.role != Role::Peer && end.endpoint.as_ref().is_none_or(|n| *n == e.name))
        .map(|e| e.describe())
        .collect();
    format!("`{}` has {}", end.text(), offered.join(", "))
}
