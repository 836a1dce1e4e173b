//! F003 `metadata-missing`: the formula has no metadata.yaml.
#![doc = include_str!("f003_metadata_missing.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F003",
    name: "metadata-missing",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the formula has no metadata.yaml",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f003_metadata_missing.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    if is_missing(ctx) {
        out.report(&ctx.metadata_path(), None, "the formula has no `metadata.yaml`").help =
            Some("create `metadata.yaml` with at least `name`, `summary` and `description`".into());
    }
}

/// Whether there is no `metadata.yaml` at all. One that exists but cannot be read (a
/// directory, a dangling or looping link) is F004's to report.
fn is_missing(ctx: &LintContext) -> bool {
    let formula = ctx.formula;
    let path = formula.dir.join("metadata.yaml");
    formula.metadata_file.is_none() && std::fs::symlink_metadata(path).is_err()
}

#[cfg(test)]
mod tests {
    use crate::lint::{discover, Target};

    #[test]
    fn a_directory_with_hooks_but_no_metadata_is_linted_as_a_formula() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("hooks")).unwrap();
        let targets = discover(&[dir.path().to_path_buf()]);
        assert_eq!(targets, vec![Target::Formula(dir.path().to_path_buf())]);
    }

    #[test]
    fn a_directory_with_config_but_no_metadata_is_linted_as_a_formula() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), "options: {}\n").unwrap();
        let targets = discover(&[dir.path().to_path_buf()]);
        assert_eq!(targets, vec![Target::Formula(dir.path().to_path_buf())]);
    }

    #[test]
    fn a_looping_metadata_link_still_makes_a_formula() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("metadata.yaml", dir.path().join("metadata.yaml")).unwrap();
        let targets = discover(&[dir.path().to_path_buf()]);
        assert_eq!(targets, vec![Target::Formula(dir.path().to_path_buf())]);
    }

    #[test]
    fn formulas_below_a_plain_directory_are_found_and_hooks_below_it_are_not_enough() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("wiki")).unwrap();
        std::fs::write(dir.path().join("wiki/metadata.yaml"), "name: wiki\n").unwrap();
        std::fs::create_dir_all(dir.path().join("half/hooks")).unwrap();
        let targets = discover(&[dir.path().to_path_buf()]);
        assert_eq!(targets, vec![Target::Formula(dir.path().join("wiki"))]);
    }
}
