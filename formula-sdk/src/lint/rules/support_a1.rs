//! Test helpers of the file and metadata rules (F001–F118).

use crate::format::Formula;

/// Lints a formula made of `files` (name, text) with the rule `code` alone, for unit tests.
#[cfg(test)]
pub fn lint_files(code: &str, files: &[(&str, &str)]) -> Vec<crate::Diagnostic> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a directory");
        }
        std::fs::write(path, text).expect("a file");
    }
    let formula = Formula::load(dir.path());
    let selection = crate::lint::Selection { select: vec![code.to_string()], ..Default::default() };
    crate::lint::lint_formula(&formula, &selection)
}

/// The messages of `lint_files`, for short assertions.
#[cfg(test)]
pub fn messages(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    lint_files(code, files).into_iter().map(|d| d.message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_of_this_family_take_any_garbage() {
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
                let _ = lint_files(code, &files);
            }
        }
    }
}
