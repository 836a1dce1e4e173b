//! Every lint rule against its fixtures: `tests/fixtures/lint/<CODE>/bad` must trigger it
//! (snapshot of the human output, plus `~ CODE` markers on the lines it must point at), and
//! `good` must not. A rule may add bad cases `bad-<variant>/`, each a whole formula with its
//! own snapshot `<CODE>-<variant>`. A meta-test holds every rule to its docs, fixtures and
//! snapshot.

use formula_sdk::diagnostic::Diagnostic;
use formula_sdk::fix::{self, Applicability, FixAvailability};
use formula_sdk::format::Formula;
use formula_sdk::lint::{self, registry::RULES, Check, Rule, Selection, Target};
use formula_sdk::render::{self, Format, Sources};
use std::path::{Path, PathBuf};

fn fixture_dir(rule: &Rule) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint").join(rule.code)
}

/// Runs only `rule` on the fixture `case` (`bad` or `good`), showing paths as `case/…`.
fn run(rule: &'static Rule, case: &str) -> (Vec<Diagnostic>, Sources) {
    let dir = fixture_dir(rule).join(case);
    let shown = Path::new(case);
    let selection = Selection { select: vec![rule.code.to_string()], ..Selection::default() };
    let mut sources = Sources::default();
    let found = match rule.check {
        Check::Formula(_) => {
            let generated = materialise(&dir, case);
            let formula = Formula::load_as(generated.as_ref().map_or(dir.as_path(), |(_, copy)| copy.as_path()), shown);
            sources.add_formula(&formula);
            lint::lint_formula(&formula, &selection)
        }
        Check::Bundle(_) => {
            let path = dir.join("bundle.yaml");
            let shown = shown.join("bundle.yaml");
            if let Ok(text) = std::fs::read_to_string(&path) {
                sources.insert(shown.clone(), text);
            }
            lint::lint_bundle(&path, &shown, &selection)
        }
        Check::Driver => lint::discover(&[dir.join("target")])
            .into_iter()
            .filter_map(|t| match t {
                Target::Invalid(path, message) => {
                    let shown_path = shown.join(path.file_name().unwrap_or_default());
                    Some(lint::invalid_target(&shown_path, &message.replace(&dir.display().to_string(), case)))
                }
                _ => None,
            })
            .collect(),
    };
    (found, sources)
}

/// A fixture may hold a `.generate` file for files too large to commit: one `<path> <bytes>`
/// per line. The fixture is then copied (links and modes kept) into a temporary directory
/// named like the case, and each such file is written there as that many bytes of YAML
/// comment lines. Returns the temporary directory (keep it alive) and the copy.
fn materialise(dir: &Path, case: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let spec = std::fs::read_to_string(dir.join(".generate")).ok()?;
    let temp = tempfile::tempdir().expect("a temporary directory");
    let copy = temp.path().join(case);
    copy_tree(dir, &copy);
    for line in spec.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (name, size) = line.rsplit_once(' ').expect("`.generate` lines are `<path> <bytes>`");
        let size: usize = size.parse().expect("a size in bytes");
        let filler = "# generated filler, one YAML comment line after another\n";
        let mut text = filler.repeat(size / filler.len() + 1);
        text.truncate(size.saturating_sub(1));
        text.push('\n');
        std::fs::write(copy.join(name), text).expect("write a generated file");
    }
    Some((temp, copy))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a fixture directory").flatten() {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().expect("a file type");
        if entry.file_name() == ".generate" {
            continue;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&source).expect("a link"), &target).expect("copy a link");
        } else if kind.is_dir() {
            copy_tree(&source, &target);
        } else {
            std::fs::copy(&source, &target).expect("copy a file");
        }
    }
}

/// `(file, line)` of every `~ CODE` marker in the text files of `dir`.
fn markers(dir: &Path, code: &str, shown: &Path) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), shown.to_path_buf())];
    while let Some((path, shown_path)) = stack.pop() {
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(&path).into_iter().flatten().flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                stack.push((entry.path(), shown_path.join(entry.file_name())));
            }
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let needle = format!("~ {code}");
            for (index, line) in text.lines().enumerate() {
                if line.contains(&needle) {
                    out.push((shown_path.clone(), index + 1));
                }
            }
        }
    }
    out.sort();
    out
}

/// The extra bad cases of a rule: directories `bad-<variant>` beside `bad`, for findings that
/// one formula cannot show together (e.g. with and without `series`), sorted by name.
fn bad_variants(rule: &Rule) -> Vec<String> {
    let mut variants: Vec<String> = std::fs::read_dir(fixture_dir(rule))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| name.starts_with("bad-"))
        .collect();
    variants.sort();
    variants
}

/// Runs `rule` on the bad case `case`, checks its findings and markers, and snapshots them
/// as `snapshot`.
fn check_bad(rule: &'static Rule, case: &str, snapshot: &str, failures: &mut Vec<String>) {
    let (bad, sources) = run(rule, case);
    if bad.is_empty() {
        failures.push(format!("{}: no finding on {case}/", rule.code));
    }
    if let Some(other) = bad.iter().find(|d| d.code != rule.code) {
        failures.push(format!("{}: reported as {}", rule.code, other.code));
    }
    for (file, line) in markers(&fixture_dir(rule).join(case), rule.code, Path::new(case)) {
        if !bad.iter().any(|d| d.path == file && d.span.is_some_and(|s| s.start.line == line)) {
            failures.push(format!("{}: marker at {}:{line} has no finding there", rule.code, file.display()));
        }
    }
    let human = render::render(Format::Human, &bad, &sources, false);
    insta::with_settings!({snapshot_path => "snapshots/lint", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(snapshot, human);
    });
}

#[test]
fn every_rule_triggers_on_bad_and_not_on_good() {
    let mut failures = Vec::new();
    for rule in RULES {
        if !fixture_dir(rule).join("bad").exists() {
            continue; // the meta-test reports missing fixtures
        }
        check_bad(rule, "bad", rule.code, &mut failures);
        for variant in bad_variants(rule) {
            let snapshot = format!("{}-{}", rule.code, &variant["bad-".len()..]);
            check_bad(rule, &variant, &snapshot, &mut failures);
        }
        let (good, _) = run(rule, "good");
        if !good.is_empty() {
            failures.push(format!(
                "{}: findings on good/: {:?}",
                rule.code,
                good.iter().map(|d| &d.message).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_docs_fixtures_and_a_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for rule in RULES {
        for heading in ["## What it does", "## Why is this bad?", "## Example"] {
            if !rule.explanation.contains(heading) {
                missing.push(format!("{}: explanation lacks `{heading}`", rule.code));
            }
        }
        if rule.explanation.contains("TODO") {
            missing.push(format!("{}: explanation still says TODO", rule.code));
        }
        for case in ["bad", "good"] {
            if !fixture_dir(rule).join(case).is_dir() {
                missing.push(format!("{}: no {case}/ fixture", rule.code));
            }
        }
        if !root.join(format!("tests/snapshots/lint/{}.snap", rule.code)).is_file() {
            missing.push(format!("{}: no committed snapshot", rule.code));
        }
        if rule.summary.ends_with('.') || rule.summary.chars().next().is_some_and(char::is_uppercase) {
            missing.push(format!("{}: summary must be lowercase without a trailing period", rule.code));
        }
    }
    assert!(missing.is_empty(), "{} problems:\n{}", missing.len(), missing.join("\n"));
}

/// A rule's fixes match what it declares (none, safe or unsafe); on each bad case of a rule
/// with fixes, at least one finding has one, applying them all removes those findings, and
/// a second round finds nothing more to fix.
#[test]
fn fixes_match_the_rule_and_resolve_their_findings() {
    let mut failures = Vec::new();
    for rule in RULES {
        let is_bundle = matches!(rule.check, Check::Bundle(_));
        if !(matches!(rule.check, Check::Formula(_)) || is_bundle) || !fixture_dir(rule).join("bad").exists() {
            continue;
        }
        let selection = Selection { select: vec![rule.code.to_string()], ..Selection::default() };
        let mut cases = vec!["bad".to_string()];
        cases.extend(bad_variants(rule));
        for case in cases {
            let temp = tempfile::tempdir().expect("a temporary directory");
            let copy = temp.path().join(&case);
            copy_tree(&fixture_dir(rule).join(&case), &copy);
            // A bundle's fixes name its file relative to the bundle's directory, as a
            // formula's name theirs relative to the formula's.
            let lint = || match is_bundle {
                true => lint::lint_bundle(&copy.join("bundle.yaml"), &Path::new(&case).join("bundle.yaml"), &selection),
                false => lint::lint_formula(&Formula::load_as(&copy, Path::new(&case)), &selection),
            };
            let before = lint();
            let fixes: Vec<_> = before.iter().filter_map(|d| d.fix.as_ref()).collect();
            let expected = match rule.fix {
                FixAvailability::None => None,
                FixAvailability::Safe => Some(Applicability::Safe),
                FixAvailability::Unsafe => Some(Applicability::Unsafe),
            };
            if let Some(wrong) = fixes.iter().find(|f| Some(f.applicability) != expected) {
                failures.push(format!(
                    "{} {case}: a {:?} fix from a rule with fix {:?}",
                    rule.code, wrong.applicability, rule.fix
                ));
            }
            if expected.is_none() || fixes.is_empty() {
                if expected.is_some() && case == "bad" {
                    failures.push(format!("{} {case}: declares fixes but offers none", rule.code));
                }
                continue;
            }
            let outcome = fix::apply(&copy, Path::new(&case), &fixes, true).expect("apply fixes");
            if outcome.applied.len() != fixes.len() {
                failures.push(format!(
                    "{} {case}: {} of {} fixes applied",
                    rule.code,
                    outcome.applied.len(),
                    fixes.len()
                ));
            }
            let after = lint();
            if after.len() + outcome.applied.len() != before.len() {
                failures.push(format!(
                    "{} {case}: {} findings before, {} after fixing",
                    rule.code,
                    before.len(),
                    after.len()
                ));
            }
            if after.iter().any(|d| d.fix.is_some()) {
                failures.push(format!("{} {case}: still something to fix after fixing", rule.code));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
