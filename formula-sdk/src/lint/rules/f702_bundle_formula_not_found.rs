//! F702 `bundle-formula-not-found`: a bundle names a local formula that does not exist.
#![doc = include_str!("f702_bundle_formula_not_found.md")]

use super::support::names::closest;
use super::support::wording::list;
use crate::diagnostic::Severity;
use crate::format::Formula;
use crate::lint::bundle::{local_path, BundleContext};
use crate::lint::{Check, FixAvailability, Group, Reporter, Rule};
use std::path::Path;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F702",
    name: "bundle-formula-not-found",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a bundle names a local formula that does not exist",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f702_bundle_formula_not_found.md"),
    check: Check::Bundle(check),
};

fn check(ctx: &BundleContext, out: &mut Reporter) {
    for (key, app) in ctx.applications() {
        let Some(app_name) = key.key_text() else {
            continue;
        };
        let Some(charm) = app.get("charm") else {
            continue;
        };
        let Some(local) = charm.as_str().and_then(local_path) else {
            continue;
        };
        let dir = ctx.dir.join(local);
        let mut broken = false;
        let message = match std::fs::metadata(&dir) {
            Err(_) => format!("formula `{local}` of application `{app_name}` does not exist"),
            Ok(meta) if meta.is_file() => continue, // a packed formula archive
            Ok(_) if !dir.join("metadata.yaml").is_file() => {
                format!("`{local}` (application `{app_name}`) has no metadata.yaml, so it is not a formula")
            }
            Ok(_) => match ctx.formula(&app_name) {
                Some(formula) if metadata_broken(formula) => {
                    broken = true;
                    format!("formula `{local}` of application `{app_name}` cannot be read: its metadata.yaml is broken")
                }
                _ => continue,
            },
        };
        let diagnostic = out.report(&ctx.path(), Some(charm.span), message);
        let wanted = local.trim_start_matches("./");
        diagnostic.help = match nearby_formulas(&ctx.dir) {
            _ if broken => Some(format!("run `formula lint {local}` to see what is wrong with it")),
            found if found.is_empty() => Some("paths are relative to the bundle's directory".into()),
            found => {
                let others = found.iter().map(String::as_str).filter(|f| *f != wanted);
                let guess = closest(wanted, others).map(|g| format!("did you mean `./{g}`? "));
                let names: Vec<String> = found.iter().map(|f| format!("./{f}")).collect();
                Some(format!("{}formulas next to the bundle: {}", guess.unwrap_or_default(), list(&names)))
            }
        };
    }
}

/// Whether Juju would fail to read the formula's metadata.yaml.
fn metadata_broken(formula: &Formula) -> bool {
    formula.metadata_file.as_ref().is_none_or(|f| f.node.as_ref().is_none_or(|n| !n.is_map()))
}

/// The directories next to the bundle that hold a metadata.yaml, sorted.
fn nearby_formulas(dir: &Path) -> Vec<String> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("metadata.yaml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
