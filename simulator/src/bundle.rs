//! Exporting a scenario's model as a Juju bundle: applications with `charm:` as local paths,
//! `num_units`, `options`, and `relations`, which `juju deploy ./bundle.yaml` accepts and
//! which [`crate::scenario::load`] reads back as the same model.
//!
//! Steps, stubs and expectations have no place in a bundle and are left out.

use crate::model::Value;
use crate::scenario::{EndpointRef, Scenario};
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// The series written into the bundle when the scenario names none.
pub const DEFAULT_SERIES: &str = "jammy";

/// The bundle YAML of `scenario`'s model; local charm paths are written relative to
/// `bundle_dir`, the directory the bundle will be read from.
pub fn to_bundle(scenario: &Scenario, bundle_dir: &Path, series: Option<&str>) -> String {
    let mut out = String::new();
    let shown = scenario.path.display().to_string().replace(|c: char| c.is_control(), " ");
    let _ = writeln!(out, "# The model of {shown}, as a Juju bundle (written by `formula bundle`).");
    let _ = writeln!(out, "series: {}", series.unwrap_or(DEFAULT_SERIES));
    out.push_str("applications:\n");
    for app in &scenario.applications {
        let _ = writeln!(out, "  {}:", quote(&app.name.value));
        let _ = writeln!(out, "    charm: {}", quote(&charm_path(&app.formula, bundle_dir)));
        // A subordinate has no units of its own (spec §6.6): Juju takes none.
        if !crate::model::is_subordinate_dir(&app.formula) {
            let _ = writeln!(out, "    num_units: {}", app.units);
        }
        if !app.config.is_empty() {
            out.push_str("    options:\n");
            for (key, value) in &app.config {
                let _ = writeln!(out, "      {}: {}", quote(key), scalar(&value.value));
            }
        }
    }
    if scenario.relations.is_empty() {
        out.push_str("relations: []\n");
    } else {
        out.push_str("relations:\n");
        for (a, b) in &scenario.relations {
            let _ = writeln!(out, "  - [{}, {}]", quote(&endpoint(a)), quote(&endpoint(b)));
        }
    }
    out
}

fn endpoint(e: &EndpointRef) -> String {
    e.to_string()
}

/// `./x` or `../x`: Juju takes a charm path for local only when it starts so.
fn charm_path(formula: &Path, bundle_dir: &Path) -> String {
    let target = formula.canonicalize().unwrap_or_else(|_| normalise(formula));
    let base = bundle_dir.canonicalize().unwrap_or_else(|_| normalise(bundle_dir));
    let relative = relative_path(&base, &target);
    let text = relative.to_string_lossy().into_owned();
    if relative.is_absolute() || text.starts_with("../") || text == ".." {
        text
    } else if text.is_empty() {
        ".".into()
    } else {
        format!("./{text}")
    }
}

/// `path` with `.` and `a/..` folded, without looking at the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path from the directory `from` to `to`; `to` itself when they share no root.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    if from.is_absolute() != to.is_absolute() {
        return to.to_path_buf();
    }
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    out
}

/// A YAML scalar for a config value: strings double-quoted (JSON's quoting is YAML's), so
/// that `yes`, `010` or `1.0` stay strings.
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => {
            let text = f.to_string();
            if text.contains(['.', 'e', 'E']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        Value::Float(f) => quote(&f.to_string()),
        Value::Str(s) => serde_json::Value::String(s.clone()).to_string(),
        other => quote(&other.to_json().to_string()),
    }
}

/// `text` plain when YAML reads it back as the same string, double-quoted otherwise.
fn quote(text: &str) -> String {
    let plain_chars = text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'));
    let starts_well = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '.' || c == '/');
    let lower = text.to_ascii_lowercase();
    // YAML 1.1 reads these as booleans or null, as Juju's parser does.
    let special = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(&lower.as_str());
    if plain_chars && starts_well && !special && !text.ends_with(':') && !text.contains(": ") {
        text.to_string()
    } else {
        serde_json::Value::String(text.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/c/d")), PathBuf::from("../c/d"));
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a/x")), PathBuf::from("x"));
        assert_eq!(charm_path(Path::new("/nonexistent/a/x"), Path::new("/nonexistent/a")), "./x");
        assert_eq!(charm_path(Path::new("/nonexistent/f/x"), Path::new("/nonexistent/a")), "../f/x");
    }

    #[test]
    fn scalars_keep_their_type() {
        assert_eq!(scalar(&Value::Str("yes".into())), "\"yes\"");
        assert_eq!(scalar(&Value::Int(80)), "80");
        assert_eq!(scalar(&Value::Float(2.0)), "2.0");
        assert_eq!(scalar(&Value::Bool(true)), "true");
    }
}
