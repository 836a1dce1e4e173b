//! F117 `devices-invalid`: a device definition is malformed.
#![doc = include_str!("f117_devices_invalid.md")]

use super::support::layer::proof_extension_fields;
use super::support::metadata::{is_string_key, metadata_map};
use super::support::names::closest;
use super::support::python;
use super::support::spans::value_span;
use super::support::wording::{describe, key_name, list};
use crate::diagnostic::{Label, Severity};
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::path::PathBuf;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F117",
    name: "devices-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a device definition is malformed",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("19"),
    explanation: include_str!("f117_devices_invalid.md"),
    check: Check::Formula(check),
};

/// Fields Juju reads that `charm proof` refuses.
const JUJU_ONLY: &[&str] = &["description", "countmin", "countmax"];
/// The field `charm proof` knows and Juju ignores.
const PROOF_ONLY: &str = "count";

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, devices)) = metadata_map(ctx).and_then(|root| root.entry("devices")) else {
        return;
    };
    let text = ctx.metadata_text();
    let mut c =
        Checker { out, path: ctx.metadata_path(), text, extensions: proof_extension_fields(ctx.formula, "devices") };
    let Some(entries) = devices.map_entries() else {
        let span = value_span(key, devices, text);
        c.error(span, format!("`devices` must be a map of device definitions, not {}", describe(devices, text))).help =
            Some("write each device under `devices:` as `name:` followed by `type: gpu`".into());
        return;
    };
    for (name, device) in entries {
        c.device(name, device);
    }
}

struct Checker<'a, 'r> {
    out: &'r mut Reporter,
    path: PathBuf,
    text: &'a str,
    extensions: Vec<String>,
}

impl Checker<'_, '_> {
    fn error(&mut self, span: Span, message: String) -> &mut crate::Diagnostic {
        self.out.report(&self.path, Some(span), message)
    }

    fn device(&mut self, name_node: &Node, device: &Node) {
        let name = key_name(name_node);
        if !is_string_key(name_node) {
            self.error(name_node.span, format!("device name `{name}` must be a string")).help =
                Some(format!("quote it: `\"{name}\":`"));
            return;
        }
        let Some(fields) = device.map_entries() else {
            let span = value_span(name_node, device, self.text);
            let diagnostic = self.error(
                span,
                format!("device `{name}` must be a map with at least a `type`, not {}", describe(device, self.text)),
            );
            if let Some(kind) = device.as_str() {
                diagnostic.help = Some(format!("write `type: {kind}` on its own line under `{name}:`"));
            }
            return;
        };
        match device.entry("type") {
            None => {
                self.error(name_node.span, format!("device `{name}` has no `type`")).help =
                    Some("add the kind of device, e.g. `type: gpu` or `type: nvidia.com/gpu`".into());
            }
            Some((key, kind)) if kind.as_str().is_some_and(|k| k.trim().is_empty()) => {
                let span = value_span(key, kind, self.text);
                self.error(span, format!("device `{name}` has an empty `type`")).help =
                    Some("name the kind of device, e.g. `type: gpu` or `type: nvidia.com/gpu`".into());
            }
            Some((key, kind)) if kind.as_str().is_none() => {
                let span = value_span(key, kind, self.text);
                self.error(
                    span,
                    format!("`type` of device `{name}` must be a string, not {}", describe(kind, self.text)),
                );
            }
            Some(_) => {}
        }
        let mut unknown_to_proof = Vec::new();
        for (key, value) in &fields {
            let field = key_name(key);
            let span = value_span(key, value, self.text);
            match field.as_str() {
                "type" => {}
                "description" if value.as_str().is_none() => {
                    self.error(
                        span,
                        format!(
                            "`description` of device `{name}` must be a string, not {}",
                            describe(value, self.text)
                        ),
                    );
                }
                "countmin" | "countmax" if device_count(value).is_none() => {
                    self.error(
                        span,
                        format!(
                            "`{field}` of device `{name}` must be a whole number of at least 0, not {}",
                            describe(value, self.text)
                        ),
                    );
                }
                PROOF_ONLY => self.count(&name, key, value),
                f if JUJU_ONLY.contains(&f) => {
                    if !self.extensions.contains(&field) {
                        unknown_to_proof.push(*key);
                    }
                }
                _ if self.extensions.contains(&field) => {}
                _ => {
                    let known = ["type", "description", "countmin", "countmax"];
                    self.error(key.span, format!("device `{name}` has an unknown field `{field}`")).help =
                        Some(match closest(&field, known) {
                            Some(guess) => format!("did you mean `{guess}`?"),
                            None => "Juju ignores it and `charm proof` refuses it; remove it".into(),
                        });
                }
            }
        }
        self.counts(&name, device);
        if let Some(first) = unknown_to_proof.first() {
            let names: Vec<String> = unknown_to_proof.iter().map(|k| key_name(k)).collect();
            let fields = match names.len() {
                1 => format!("the field {}", list(&names)),
                _ => format!("the fields {}", list(&names)),
            };
            let diagnostic = self.error(
                first.span,
                format!("`charm proof` does not know {fields} of device `{name}`, which Juju reads"),
            );
            diagnostic.severity = Severity::Warning;
            diagnostic.help =
                Some("declare them under `proof: devices:` in layer.yaml to make `charm proof` accept them".into());
        }
    }

    /// `count` is what `charm proof` knows; Juju ignores it and reads `countmin`/`countmax`.
    fn count(&mut self, name: &str, key: &Node, value: &Node) {
        let span = value_span(key, value, self.text);
        if !proof_integer(value) {
            self.error(
                span,
                format!("`count` of device `{name}` must be a whole number, not {}", describe(value, self.text)),
            );
            return;
        }
        let diagnostic =
            self.error(key.span, format!("Juju ignores `count` of device `{name}`, and asks for exactly one device"));
        diagnostic.severity = Severity::Warning;
        diagnostic.help =
            Some(format!("write `countmin: {0}` and `countmax: {0}`, which Juju reads", value.display_value()));
    }

    /// Juju's check that the maximum is not below the minimum (both default to 1).
    fn counts(&mut self, name: &str, device: &Node) {
        let min = device.entry("countmin");
        let max = device.entry("countmax");
        let value = |entry: Option<(&Node, &Node)>| entry.map_or(Some(1), |(_, v)| device_count(v));
        let (Some(low), Some(high)) = (value(min), value(max)) else {
            return;
        };
        if low <= high {
            return;
        }
        let path = self.path.clone();
        let (span, label) = match (min, max) {
            (Some((_, lv)), Some((_, hv))) => {
                (hv.span, Some(Label { path, span: lv.span, message: "the minimum".into() }))
            }
            (Some((_, lv)), None) => (lv.span, None),
            (None, Some((_, hv))) => (hv.span, None),
            (None, None) => return,
        };
        let diagnostic = self.error(span, format!("device `{name}` asks for at most {high} but at least {low}"));
        if let Some(label) = label {
            diagnostic.labels.push(label);
        }
        diagnostic.help = Some(match (min, max) {
            (Some(_), None) => format!("`countmax` defaults to 1; add `countmax: {low}` or more"),
            (None, Some(_)) => "`countmin` defaults to 1; raise `countmax`, or lower `countmin` to 0".into(),
            _ => "make `countmax` at least `countmin`".into(),
        });
    }
}

/// Juju's device count: an integer (or a string `ParseInt` reads) of at least 0.
fn device_count(value: &Node) -> Option<i64> {
    let n = match &value.kind {
        NodeKind::Int(n) => *n,
        NodeKind::Str(s) => strconv::parse_int(s)?,
        _ => return None,
    };
    (n >= 0).then_some(n)
}

/// Whether colander's `Integer` (Python's `int()`) reads the value: numbers, booleans, and
/// strings Python's `int()` reads.
fn proof_integer(value: &Node) -> bool {
    match &value.kind {
        NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => true,
        NodeKind::Str(s) => python::is_int(s),
        _ => false,
    }
}
