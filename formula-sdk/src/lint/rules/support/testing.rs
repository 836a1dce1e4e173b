//! Running one rule on a temporary formula or bundle, for the rules' unit tests of the cases
//! a fixture cannot hold.

use crate::diagnostic::Diagnostic;
use crate::format::Formula;
use crate::lint::{self, Rule, Selection};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The top of a valid metadata.yaml (with one endpoint, `website`), for tests to extend.
pub const TEST_HEAD: &str = "name: wiki\nsummary: s\ndescription: d\nprovides:\n  website:\n    interface: http\n";

/// Lints a formula made of `files` (path, text) with `rule` alone, as `formula lint --select`
/// does: the formula's allow-list applies and the findings come sorted. Files under `hooks/`
/// and `dispatch` are made executable.
pub fn lint_files(rule: &Rule, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a directory");
        }
        std::fs::write(&path, text).expect("a file");
        if name.starts_with("hooks/") || *name == "dispatch" {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let formula = Formula::load(dir.path());
    lint::lint_formula(&formula, &only(rule))
}

/// The messages of [`lint_files`], for short assertions.
pub fn messages(rule: &Rule, files: &[(&str, &str)]) -> Vec<String> {
    lint_files(rule, files).into_iter().map(|d| d.message).collect()
}

/// The messages `rule` gives for a formula whose metadata.yaml is [`TEST_HEAD`] followed by
/// `extra`.
pub fn metadata_messages(rule: &Rule, extra: &str) -> Vec<String> {
    messages(rule, &[("metadata.yaml", &format!("{TEST_HEAD}{extra}"))])
}

/// The messages `rule` gives for a `bundle.yaml` holding `text`.
pub fn bundle_messages(rule: &Rule, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("bundle.yaml");
    std::fs::write(&path, text).expect("a file");
    lint::lint_bundle(&path, Path::new("bundle.yaml"), &only(rule)).into_iter().map(|d| d.message).collect()
}

fn only(rule: &Rule) -> Selection {
    Selection { select: vec![rule.code.to_string()], ..Selection::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::registry;

    #[test]
    fn the_file_and_metadata_rules_take_any_garbage() {
        let codes = "F003 F004 F005 F006 F007 F008 F009 F101 F102 F103 F104 F106 F107 F108 F109 F110 F111 F112 F113 F114 F115 F116 F117 F118";
        let docs = [
            "", "~", "42", "[1, 2]", "name: [a]\nsummary: {a: 1}\ndescription: 5\n",
            "? [a, b]\n: c\n{x: 1}: y\n", "storage: 5\ndevices: [a]\nmaintainer: {a: 1}\nmaintainers: 7\n",
            "storage: {a: {type: [x], multiple: {range: [1]}, minimum-size: {}, shared: [], properties: 5}}\n",
            "devices: {a: {type: 1, countmin: x, countmax: {}, count: [], description: 5}, 1: 2}\n",
            "tags: {a: 1}\ncategories: 5\nseries: [1, [2]]\ndisplay-name: [x]\n",
            "maintainers: [[a], {b: 1}, ~, '']\nprovides: 5\nformat: 1.5\n",
            "a: &x {b: 1, b: 2}\nc: *x\nd: {<<: *x, b: 3}\n",
            "name: é\nstorage: {é: {type: é, minimum-size: 1é, multiple: {range: 1é}}}\nmaintainer: é, ü <é>\ndisplay-name: \"é  \"\n",
            "devices: {é: {type: é, countmin: é}}\nallow: [é, F1é]\nproof: é\ntags: [é]\n",
        ];
        for doc in docs {
            let files = [
                ("metadata.yaml", doc),
                ("config.yaml", doc),
                ("actions.yaml", doc),
                ("layer.yaml", doc),
                (".formulalint.yaml", doc),
            ];
            for code in codes.split(' ') {
                let rule = registry::find(code).expect("a registered rule");
                let _ = lint_files(rule, &files);
            }
        }
    }
}
