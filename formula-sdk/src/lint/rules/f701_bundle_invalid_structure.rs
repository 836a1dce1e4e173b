//! F701 `bundle-invalid-structure`: a bundle is not a mapping of applications and relations.
#![doc = include_str!("f701_bundle_invalid_structure.md")]

use super::support::names::closest;
use super::support::wording::{a_type, describe_read};
use crate::deployer;
use crate::diagnostic::Severity;
use crate::format::names::is_valid_application_name;
use crate::go::yaml_v2::resolve_bool;
use crate::lint::bundle::{parse_endpoint, BundleContext};
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};
use crate::schema::{bundle, property_names};
use crate::yaml::{Node, NodeKind};
use std::path::Path;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F701",
    name: "bundle-invalid-structure",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle is not a mapping of applications and relations",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f701_bundle_invalid_structure.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    let path = ctx.path();
    let name = file_name(&path);
    if let Some(reason) = &ctx.read_problem {
        out.report(&path, None, format!("cannot read `{name}`: {reason}"));
        return;
    }
    let Some(file) = &ctx.file else { return };
    if let Some(error) = &file.error {
        out.report(&path, Some(error.span), format!("cannot parse `{name}`: {}", error.message));
        return;
    }
    let Some(root) = ctx.root() else { return };
    let Some(entries) = root.map_entries() else {
        let message = match root.kind {
            NodeKind::Null => format!("`{name}` is empty, not a bundle"),
            _ => format!("`{name}` is {}, not a map of applications and relations", a_type(root)),
        };
        out.report(&path, Some(root.span), message);
        return;
    };
    let mut checker = Checker {
        out,
        path: &path,
        application_keys: property_names::<bundle::Application>(),
        machine_keys: property_names::<bundle::Machine>(),
    };
    let top_level_keys = property_names::<bundle::BundleFile>();
    match ctx.section() {
        None => return checker.not_a_bundle(&name, root, &entries),
        Some((key, section)) => checker.applications(key, section),
    }
    for (key, value) in &entries {
        let Some(text) = key.key_text() else { continue };
        match text.as_str() {
            "relations" => checker.relations(value),
            "machines" => checker.machines(value),
            "saas" => checker.map_of_maps(value, "`saas` must map offer names to `{url: …}`"),
            "bundle" if !matches!(value.as_str(), Some("kubernetes" | "")) => {
                checker.report(
                    value,
                    format!("bundle type `{}` is not valid; the only type is `kubernetes`", value.display_value()),
                );
            }
            known if top_level_keys.iter().any(|k| k == known) => {}
            unknown => {
                let help =
                    closest(unknown, top_level_keys.iter().map(String::as_str)).map(|k| format!("did you mean `{k}`?"));
                checker
                    .report(
                        key,
                        format!("unknown top-level key `{unknown}`; Juju refuses it unless deployed with `--force`"),
                    )
                    .help = help;
            }
        }
    }
}

/// What each typed key of an application must hold.
fn expected(key: &str) -> Option<Expect> {
    Some(match key {
        "charm" | "channel" | "series" | "base" | "constraints" | "plan" | "placement" => Expect::Scalar,
        "expose" | "trust" => Expect::Bool,
        "revision" => Expect::Int,
        "options" | "annotations" | "storage" | "devices" | "bindings" | "resources" | "offers"
        | "exposed-endpoints" => Expect::Map,
        "to" => Expect::List,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Scalar,
    Bool,
    Int,
    Map,
    List,
}

struct Checker<'a, 'r> {
    out: &'r mut Reporter,
    path: &'a Path,
    /// The keys of an application (Juju's `ApplicationSpec`, `series` included).
    application_keys: Vec<String>,
    /// The keys of a machine.
    machine_keys: Vec<String>,
}

impl Checker<'_, '_> {
    fn report(&mut self, node: &Node, message: String) -> &mut crate::diagnostic::Diagnostic {
        self.out.report(self.path, Some(node.span), message)
    }

    /// A map without `applications`: say what it looks like instead.
    fn not_a_bundle(&mut self, name: &str, root: &Node, entries: &[(&Node, &Node)]) {
        let Some((first, _)) = entries.first() else {
            self.report(root, format!("`{name}` is an empty map, not a bundle; it needs `applications`"));
            return;
        };
        if !deployer::deployments(root).is_empty() {
            return; // F708's
        }
        let has = |key: &str| root.get(key).is_some();
        let (message, help) = if has("name") && (has("summary") || has("provides") || has("requires")) {
            (
                format!("`{name}` is not a bundle: it has no `applications`"),
                "it looks like a formula's metadata.yaml; lint the formula's directory instead".into(),
            )
        } else if has("options") {
            (
                format!("`{name}` is not a bundle: it has no `applications`"),
                "it looks like a formula's config.yaml; lint the formula's directory instead".into(),
            )
        } else {
            (
                format!("`{name}` is not a bundle: it has no `applications`"),
                "a bundle maps `applications:` to their `charm:` and lists `relations:`".into(),
            )
        };
        self.report(first, message).help = Some(help);
    }

    fn applications(&mut self, key: &Node, section: &Node) {
        let section_name = key.key_text().unwrap_or_default();
        let Some(entries) = section.map_entries() else {
            let message = match section.kind {
                NodeKind::Null => "the bundle defines no applications".to_string(),
                _ => format!(
                    "`{section_name}` must map application names to their definitions, not be {}",
                    a_type(section)
                ),
            };
            self.report(if section.is_null() { key } else { section }, message);
            return;
        };
        if entries.is_empty() {
            self.report(section, "the bundle defines no applications".to_string());
        }
        for (app_key, app) in entries {
            let Some(app_name) = app_key.key_text() else {
                self.report(app_key, "an application name must be a string".to_string());
                continue;
            };
            if !is_valid_application_name(&app_name) {
                self.report(app_key, format!("application name `{app_name}` is not valid")).help =
                    Some("use lowercase letters and digits in hyphen-separated words, starting with a letter".into());
            }
            self.application(&app_name, app_key, app);
        }
    }

    fn application(&mut self, app_name: &str, app_key: &Node, app: &Node) {
        let Some(fields) = app.map_entries() else {
            let message = match app.kind {
                NodeKind::Null => format!("application `{app_name}` has no definition"),
                _ => format!("application `{app_name}` must be a map of settings, not {}", a_type(app)),
            };
            self.report(if app.is_null() { app_key } else { app }, message).help =
                Some("give at least its `charm:`".into());
            return;
        };
        match app.get("charm") {
            None => {
                self.report(app_key, format!("application `{app_name}` has no `charm`")).help =
                    Some("name the formula: `charm: ./path/to/formula` or a store name".into());
            }
            Some(charm) if charm.as_str() == Some("") || charm.is_null() => {
                self.report(charm, format!("application `{app_name}` has an empty `charm`"));
            }
            _ => {}
        }
        for (key, value) in fields {
            let Some(field) = key.key_text() else {
                continue;
            };
            if !self.application_keys.contains(&field) {
                let help = closest(&field, self.application_keys.iter().map(String::as_str))
                    .map(|k| format!("did you mean `{k}`?"));
                self.report(key, format!("unknown key `{field}` in application `{app_name}`; Juju refuses it unless deployed with `--force`"))
                    .help = help;
                continue;
            }
            let Some(expect) = expected(&field) else {
                continue;
            };
            if value.is_null() {
                continue; // an empty value is the default
            }
            let ok = match expect {
                Expect::Scalar => !matches!(value.kind, NodeKind::Map(_) | NodeKind::Seq(_)),
                Expect::Bool => matches!(value.kind, NodeKind::Bool(_)),
                Expect::Int => matches!(value.kind, NodeKind::Int(_)),
                Expect::Map => value.is_map(),
                Expect::List => value
                    .as_seq()
                    .is_some_and(|items| items.iter().all(|i| !matches!(i.kind, NodeKind::Map(_) | NodeKind::Seq(_)))),
            };
            if ok {
                continue;
            }
            let want = match expect {
                Expect::Scalar => "a string",
                Expect::Bool => "`true` or `false`",
                Expect::Int => "an integer",
                Expect::Map => "a map",
                Expect::List => "a list of strings",
            };
            let got = match &value.kind {
                NodeKind::Seq(_) if expect == Expect::List => "a list with a nested map or list".to_string(),
                _ => describe_read(value),
            };
            let diagnostic =
                self.report(value, format!("`{field}` of application `{app_name}` must be {want}, not {got}"));
            if expect == Expect::Bool && value.as_str().is_some_and(|s| resolve_bool(s).is_some()) {
                diagnostic.help = Some(format!("drop the quotes: `{field}: {}`", value.display_value()));
            }
            if expect == Expect::List && !matches!(value.kind, NodeKind::Map(_) | NodeKind::Seq(_)) {
                diagnostic.help = Some(format!("write a list: `{field}: [\"{}\"]`", value.display_value()));
            }
        }
    }

    fn relations(&mut self, value: &Node) {
        if value.is_null() {
            return;
        }
        let Some(items) = value.as_seq() else {
            self.report(value, format!("`relations` must be a list of endpoint pairs, not {}", a_type(value)));
            return;
        };
        let mut seen: Vec<[String; 2]> = Vec::new();
        for item in items {
            let Some(ends) = item.as_seq() else {
                self.report(
                    item,
                    format!("a relation must be a pair of endpoints like `[wiki:db, db:db]`, not {}", a_type(item)),
                )
                .help = item.as_str().filter(|s| s.contains(',')).map(|s| format!("write it as a list: `[{s}]`"));
                continue;
            };
            if ends.len() != 2 {
                self.report(item, format!("a relation has {} endpoint(s), not 2", ends.len())).help =
                    Some("list one relation per pair: `- [wiki:db, db:db]`".into());
                continue;
            }
            let mut texts = Vec::new();
            for end in ends {
                let Some(text) = end.key_text() else {
                    self.report(
                        end,
                        format!("a relation endpoint must be a string like `wiki:db`, not {}", a_type(end)),
                    );
                    continue;
                };
                if parse_endpoint(&text).is_none() {
                    self.report(end, format!("`{text}` is not a valid relation endpoint")).help = Some(
                        "write `application:endpoint`, or just `application` when the endpoint is unambiguous".into(),
                    );
                    continue;
                }
                texts.push(text);
            }
            if let [a, b] = texts.as_slice() {
                let mut pair = [a.clone(), b.clone()];
                pair.sort();
                if seen.contains(&pair) {
                    self.report(item, format!("the relation between `{a}` and `{b}` is listed more than once"));
                } else {
                    seen.push(pair);
                }
            }
        }
    }

    fn machines(&mut self, value: &Node) {
        if value.is_null() {
            return;
        }
        let Some(entries) = value.map_entries() else {
            self.report(value, format!("`machines` must map machine numbers to their settings, not {}", a_type(value)));
            return;
        };
        for (key, machine) in entries {
            let id = key.key_text().unwrap_or_default();
            if !is_machine_id(&id) {
                self.report(key, format!("machine id `{id}` is not a number")).help =
                    Some("number the machines `0`, `1`, …".into());
            }
            if machine.is_null() {
                continue;
            }
            let Some(fields) = machine.map_entries() else {
                self.report(machine, format!("machine `{id}` must be a map of settings, not {}", a_type(machine)));
                continue;
            };
            for (field_key, _) in fields {
                let field = field_key.key_text().unwrap_or_default();
                if !self.machine_keys.contains(&field) {
                    self.report(
                        field_key,
                        format!(
                            "unknown key `{field}` in machine `{id}`; Juju refuses it unless deployed with `--force`"
                        ),
                    );
                }
            }
        }
    }

    fn map_of_maps(&mut self, value: &Node, message: &str) {
        if value.is_null() {
            return;
        }
        let ok = value.map_entries().is_some_and(|entries| entries.iter().all(|(_, v)| v.is_null() || v.is_map()));
        if !ok {
            self.report(value, message.to_string());
        }
    }
}

/// Juju's machine ids in bundles: `0` or a number without leading zeros.
fn is_machine_id(id: &str) -> bool {
    id == "0" || (id.chars().all(|c| c.is_ascii_digit()) && !id.is_empty() && !id.starts_with('0'))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle.yaml".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::support::testing::bundle_messages;

    #[test]
    fn files_that_are_not_bundles() {
        assert_eq!(bundle_messages(&RULE, ""), ["`bundle.yaml` is empty, not a bundle"]);
        assert_eq!(
            bundle_messages(&RULE, "- a\n- b\n"),
            ["`bundle.yaml` is a list, not a map of applications and relations"]
        );
        assert_eq!(
            bundle_messages(&RULE, "name: wiki\nsummary: s\n"),
            ["`bundle.yaml` is not a bundle: it has no `applications`"]
        );
        assert!(
            bundle_messages(&RULE, "wiki-bundle:\n  series: precise\n  services:\n    wiki: {charm: cs:wiki}\n")
                .is_empty(),
            "a juju-deployer bundle is F708's"
        );
        assert!(bundle_messages(&RULE, "applications: [\n")[0].starts_with("cannot parse `bundle.yaml`"));
        assert_eq!(bundle_messages(&RULE, "applications: {}\n"), ["the bundle defines no applications"]);
    }

    #[test]
    fn a_missing_file() {
        let ctx = BundleContext::load(Path::new("/nonexistent/bundle.yaml"), Path::new("bundle.yaml"));
        let mut out = Reporter::new(&RULE);
        check(&ctx, &mut out);
        let found: Vec<String> = out.into_diagnostics().into_iter().map(|d| d.message).collect();
        assert_eq!(found, ["cannot read `bundle.yaml`: no such file"]);
    }
}
