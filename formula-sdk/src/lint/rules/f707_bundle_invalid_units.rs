//! F707 `bundle-invalid-units`: num_units or a unit placement is invalid, or a subordinate has units.
#![doc = include_str!("f707_bundle_invalid_units.md")]

use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::format::names::is_valid_application_name;
use crate::lint::bundle::BundleContext;
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F707",
    name: "bundle-invalid-units",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "num_units or a unit placement is invalid, or a subordinate has units",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f707_bundle_invalid_units.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let path = ctx.path();
    let machines: Vec<String> = ctx
        .root()
        .and_then(|r| r.get("machines"))
        .and_then(Node::map_entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, _)| k.key_text())
        .collect();
    let mut used_machines: Vec<String> = Vec::new();
    for (key, app) in ctx.applications() {
        let Some(name) = key.key_text() else { continue };
        if !app.is_map() {
            continue; // F701
        }
        let units = unit_count(app, &name, &path, out);
        let subordinate = ctx.formula(&name).is_some_and(|f| f.metadata.subordinate);
        if subordinate {
            if let Some((count_key, count)) = units.filter(|(_, n)| *n > 0) {
                out.report(&path, Some(count_key.span), format!("application `{name}` is subordinate but asks for {count} unit(s)")).help =
                    Some("remove `num_units`; a subordinate gets one unit beside each unit of the application it is related to".into());
            }
            if let Some(to) = app.entry("to").filter(|(_, v)| v.as_seq().is_some_and(|s| !s.is_empty())) {
                out.report(
                    &path,
                    Some(to.0.span),
                    format!("application `{name}` is subordinate but places its units with `to`"),
                )
                .help = Some("remove `to`; a subordinate's units live beside its principal's".into());
            }
        }
        if ctx.is_kubernetes() {
            continue; // placement means node selectors there
        }
        let Some(to) = app.get("to").and_then(Node::as_seq) else {
            continue;
        };
        let count = units.map_or(0, |(_, n)| n);
        if to.len() as i64 > count && !has_invalid_count(app) && !subordinate {
            let has = if units.is_some() { format!("`num_units: {count}`") } else { "no `num_units`".to_string() };
            let message = format!("application `{name}` places {} unit(s) with `to` but has {has}", to.len());
            out.report(&path, Some(app.entry("to").map_or(key.span, |(k, _)| k.span)), message).help =
                Some(format!("set `num_units: {}` or remove placements", to.len()));
        }
        for target in to {
            let Some(text) = target.key_text() else {
                continue;
            };
            match parse_placement(&text) {
                None => {
                    out.report(&path, Some(target.span), format!("placement `{text}` is not valid")).help = Some(
                        "write `new`, a machine number (`0`), `lxd:0`, or an application's unit (`wiki/0`)".into(),
                    );
                }
                Some(Placement::Application(target_app, unit)) => {
                    match ctx.application(&target_app) {
                        None => {
                            out.report(&path, Some(target.span), format!("placement `{text}` names application `{target_app}`, which the bundle does not define"));
                        }
                        Some(target_def) => {
                            let target_units = target_def.get("num_units").and_then(Node::as_int).unwrap_or(0);
                            if unit.is_some_and(|u| u >= target_units) {
                                let message = format!("placement `{text}` names a unit that `{target_app}` does not have (it has {target_units})");
                                out.report(&path, Some(target.span), message);
                            }
                        }
                    }
                }
                Some(Placement::Machine(id)) => {
                    if machines.contains(&id) {
                        used_machines.push(id);
                    } else {
                        let message = format!(
                            "placement `{text}` names machine `{id}`, which the bundle's `machines` does not define"
                        );
                        out.report(&path, Some(target.span), message).help =
                            Some(format!("add `{id}:` under `machines:`, or place on `new`"));
                    }
                }
                Some(Placement::New) => {}
            }
        }
    }
    if ctx.is_kubernetes() {
        return;
    }
    let machine_keys = ctx.root().and_then(|r| r.get("machines")).and_then(Node::map_entries).unwrap_or_default();
    for (key, _) in machine_keys {
        let Some(id) = key.key_text() else { continue };
        if !used_machines.contains(&id) {
            out.report(
                &path,
                Some(key.span),
                format!("machine `{id}` is not used by any placement; Juju refuses unused machines"),
            )
            .help = Some("place a unit on it (`to: [\"{id}\"]`) or remove it".replace("{id}", &id));
        }
    }
}

/// Reads `num_units` (or `scale`), reporting values that are not whole numbers ≥ 0.
/// Returns the key and the count when it is valid.
fn unit_count<'a>(app: &'a Node, name: &str, path: &std::path::Path, out: &mut Reporter) -> Option<(&'a Node, i64)> {
    let mut found = None;
    for field in ["num_units", "scale"] {
        let Some((key, value)) = app.entry(field) else {
            continue;
        };
        match value.kind {
            NodeKind::Null => {}
            NodeKind::Int(n) if n >= 0 => {
                if found.is_some_and(|(_, m): (&Node, i64)| m > 0) && n > 0 {
                    out.report(path, Some(key.span), format!("application `{name}` sets both `num_units` and `scale`"));
                }
                found = Some((key, n));
            }
            NodeKind::Int(n) => {
                out.report(path, Some(value.span), format!("`{field}` of application `{name}` is negative ({n})"));
            }
            _ => {
                let diagnostic = out.report(
                    path,
                    Some(value.span),
                    format!("`{field}` of application `{name}` must be a whole number, not {}", describe_read(value)),
                );
                if let NodeKind::Str(s) = &value.kind {
                    if s.trim().parse::<u32>().is_ok() {
                        diagnostic.help = Some(format!("remove the quotes: `{field}: {}`", s.trim()));
                    }
                }
            }
        }
    }
    found
}

/// Whether `num_units` or `scale` is there but not a valid count (already reported).
fn has_invalid_count(app: &Node) -> bool {
    ["num_units", "scale"]
        .iter()
        .any(|f| app.get(f).is_some_and(|v| !v.is_null() && !matches!(v.kind, NodeKind::Int(n) if n >= 0)))
}

/// A unit placement (Juju's `ParsePlacement`).
#[derive(Debug, PartialEq)]
enum Placement {
    /// `new` (a new machine).
    New,
    /// A machine of the bundle's `machines`.
    Machine(String),
    /// A unit of another application: the application and the unit number, if given.
    Application(String, Option<i64>),
}

/// Parses `[<container>:](new | <machine> | <application>[/<unit>])`.
fn parse_placement(text: &str) -> Option<Placement> {
    let target = match text.split_once(':') {
        Some((container, rest)) => {
            if container.is_empty() || !container.chars().all(|c| c.is_ascii_lowercase()) {
                return None;
            }
            rest
        }
        None => text,
    };
    if target == "new" {
        return Some(Placement::New);
    }
    if is_number(target) {
        return Some(Placement::Machine(target.to_string()));
    }
    let (app, unit) = match target.split_once('/') {
        Some((app, unit)) => (app, Some(unit)),
        None => (target, None),
    };
    if !is_valid_application_name(app) || unit.is_some_and(|u| !is_number(u)) {
        return None;
    }
    Some(Placement::Application(app.to_string(), unit.and_then(|u| u.parse().ok())))
}

/// `0` or a number without leading zeros.
fn is_number(s: &str) -> bool {
    s == "0" || (!s.is_empty() && !s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placements() {
        assert_eq!(parse_placement("new"), Some(Placement::New));
        assert_eq!(parse_placement("lxd:new"), Some(Placement::New));
        assert_eq!(parse_placement("lxd:0"), Some(Placement::Machine("0".into())));
        assert_eq!(parse_placement("wiki/1"), Some(Placement::Application("wiki".into(), Some(1))));
        assert_eq!(parse_placement("kvm:wiki"), Some(Placement::Application("wiki".into(), None)));
        assert_eq!(parse_placement("01"), None);
        assert_eq!(parse_placement("wiki/x"), None);
        assert_eq!(parse_placement(":0"), None);
    }
}
