//! F705 `bundle-unknown-endpoint`: a bundle relation names an unknown application or endpoint.
#![doc = include_str!("f705_bundle_unknown_endpoint.md")]

use super::support::names::closest;
use super::support::wording::list;
use crate::diagnostic::Severity;
use crate::lint::bundle::{endpoints, infer, BundleContext, Inference};
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F705",
    name: "bundle-unknown-endpoint",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle relation names an unknown application or endpoint",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f705_bundle_unknown_endpoint.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let apps = ctx.application_names();
    let path = ctx.path();
    for relation in ctx.relations() {
        let mut all_known = true;
        for end in &relation.ends {
            if !apps.contains(&end.app) {
                all_known = false;
                let help = match closest(&end.app, apps.iter().map(String::as_str)) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None => format!("the bundle defines {}", list(&apps)),
                };
                let message = format!(
                    "relation endpoint `{}` names application `{}`, which the bundle does not define",
                    end.text(),
                    end.app
                );
                out.report(&path, Some(end.node.span), message).help = Some(help);
                continue;
            }
            let (Some(name), Some(formula)) = (&end.endpoint, ctx.formula(&end.app)) else {
                continue;
            };
            let known = endpoints(&end.app, formula);
            if known.iter().any(|e| e.name == *name) {
                continue;
            }
            all_known = false;
            let formula_name = formula.name();
            let listing: Vec<String> = known.iter().filter(|e| !e.implicit).map(|e| e.describe()).collect();
            let help = match closest(name, known.iter().map(|e| e.name.as_str())) {
                Some(guess) => format!("did you mean `{}:{guess}`?", end.app),
                None if listing.is_empty() => {
                    format!("`{formula_name}` declares no endpoints; only the implicit `juju-info`")
                }
                None => format!("`{formula_name}` has {}", listing.join(", ")),
            };
            let message = format!("formula `{formula_name}` of application `{}` has no endpoint `{name}`", end.app);
            out.report(&path, Some(end.node.span), message).help = Some(help);
        }
        let [a, b] = &relation.ends;
        if !all_known || a.app == b.app || (a.endpoint.is_some() && b.endpoint.is_some()) {
            continue;
        }
        let (Some(fa), Some(fb)) = (ctx.formula(&a.app), ctx.formula(&b.app)) else {
            continue;
        };
        if let Inference::Ambiguous(choices) = infer(a, fa, b, fb) {
            let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
            let message = format!(
                "the relation between {} is ambiguous: it could be {}",
                relation.describe(),
                quoted.join(" or ")
            );
            let example = choices.first().map(|c| c.replace(' ', ", ")).unwrap_or_default();
            out.report(&path, Some(relation.node.span), message).help =
                Some(format!("name both endpoints, e.g. `[{example}]`"));
        }
    }
}
