//! F001 `not-a-formula-directory`: a path given to lint is neither a formula directory nor a bundle.
#![doc = include_str!("f001_not_a_formula_directory.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F001",
    name: "not-a-formula-directory",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a path given to lint is neither a formula directory nor a bundle",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("1"),
    explanation: include_str!("f001_not_a_formula_directory.md"),
    check: Check::Driver,
};

#[cfg(test)]
mod tests {
    use crate::lint::{discover, Target};

    fn message(path: &std::path::Path) -> String {
        match discover(&[path.to_path_buf()]).as_slice() {
            [Target::Invalid(_, message)] => message.replace(&path.display().to_string(), "X"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_the_driver_says() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(message(&dir.path().join("nothing")), "`X` does not exist");
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert_eq!(
            message(&dir.path().join("notes.txt")),
            "`X` is a file, neither a formula directory, a charm (`*.charm`) nor a bundle (`*.yaml`)"
        );
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(message(&dir.path().join("empty"))
            .starts_with("`X` has no `metadata.yaml` (formula) or `bundle.yaml` (bundle)"));
    }
}
