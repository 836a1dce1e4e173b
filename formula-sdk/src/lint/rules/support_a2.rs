//! Test helpers of the metadata and relation rules (F119–F214).

/// Runs `rule` on a formula made of `files` (`hooks/*` and `dispatch` made executable) and returns the
/// messages, for tests of the cases a fixture cannot hold.
#[cfg(test)]
pub(crate) fn messages(rule: &'static crate::lint::Rule, files: &[(&str, &str)]) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(&path, text).expect("write");
        if name.starts_with("hooks/") || *name == "dispatch" {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let formula = crate::format::Formula::load(dir.path());
    let ctx = crate::lint::LintContext::new(&formula);
    let mut reporter = crate::lint::Reporter::new(rule);
    if let crate::lint::Check::Formula(check) = rule.check {
        check(&ctx, &mut reporter);
    }
    reporter.into_diagnostics().into_iter().map(|d| d.message).collect()
}

/// The top of a valid metadata.yaml, for tests to extend.
#[cfg(test)]
pub(crate) const TEST_HEAD: &str =
    "name: wiki\nsummary: s\ndescription: d\nprovides:\n  website:\n    interface: http\n";
