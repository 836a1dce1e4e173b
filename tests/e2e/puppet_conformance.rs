//! Conformance of `formula port-puppet` with Puppet itself, on Debian's Puppet modules (the
//! `puppet-module-*` packages install them under /usr/share/puppet/modules; dev/setup.sh
//! installs them with Debian's `puppet`, Puppet 7).
//!
//! For each module: every `.pp` under it is parsed by our parser and by `puppet parser
//! validate`, and the verdicts (accepted or refused) must be the same; then the module's
//! main class is ported (no error) and the formula linted (no error). CI runs a sample of
//! modules; `bash dev/puppet-conformance.sh` runs the whole set and prints the figures that
//! docs/port-puppet.md quotes.

use crate::support::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's packages install the modules.
const DEBIAN_MODULES: &str = "/usr/share/puppet/modules";

/// CI's sample: modules of different sizes and styles (Puppet 3 to 7, roles of stdlib,
/// apache's many templates and defines, EPP in ntp and apt, OpenStack's hiera-driven classes).
const SAMPLE: &[&str] = &["stdlib", "memcached", "ntp", "apt", "rsync", "mysql", "keystone", "apache", "concat"];

/// What one module gave.
#[derive(Debug, Default)]
struct ModuleReport {
    name: String,
    files: usize,
    /// Files Puppet refuses.
    refused: usize,
    /// Files where our verdict differs from Puppet's: (path, ours, Puppet's).
    disagreements: Vec<(PathBuf, String, String)>,
    /// The port of the main class: None when the module has no main class.
    port: Option<Result<(usize, usize), String>>,
    /// Lint errors of the ported formula.
    lint_errors: Option<String>,
}

fn pp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pp_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "pp") {
            out.push(p);
        }
    }
}

/// The files `puppet parser validate` refuses, among `files` (one run for them all: it
/// reports every file it refuses, `(file: PATH, line: N, column: M)`).
///
/// The module path is an empty directory: Puppet applies its autoloader's rules (only
/// definitions at the top of a module's files, names that match their file) to the files of
/// modules on its module path, and those rules are about where a file is, not its language.
fn puppet_refuses(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let empty = tempfile::tempdir().expect("temp dir");
    let validate = |files: &[PathBuf]| {
        let output = Command::new("puppet")
            .args(["parser", "validate", "--color=false", "--basemodulepath"])
            .arg(empty.path())
            .args(files)
            .env("HOME", empty.path())
            .output()
            .expect("run `puppet parser validate` (dev/setup.sh installs Debian's puppet)");
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    };
    let names = |text: &str, f: &Path| {
        text.contains(&format!("(file: {},", f.display())) || text.contains(&format!("(file: {})", f.display()))
    };
    let mut refused = BTreeSet::new();
    for chunk in files.chunks(200) {
        let text = validate(chunk);
        // An error that names no file (two files defining one type, `Attempt to redefine
        // entity`) stops the run: then each file on its own.
        let stopped =
            text.lines().any(|l| l.starts_with("Error:") && !l.contains("(file: ") && !l.contains("Giving up"));
        if !stopped {
            refused.extend(chunk.iter().filter(|f| names(&text, f)).cloned());
            continue;
        }
        for f in chunk {
            let one = validate(std::slice::from_ref(f));
            if one.lines().any(|l| l.starts_with("Error:")) {
                assert!(names(&one, f), "puppet parser validate {}:\n{one}", f.display());
                refused.insert(f.clone());
            }
        }
    }
    refused
}

fn check_module(dir: &Path, out: &Path) -> ModuleReport {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut files = Vec::new();
    pp_files(dir, &mut files);
    let refused = puppet_refuses(&files);
    let mut report =
        ModuleReport { name: name.clone(), files: files.len(), refused: refused.len(), ..Default::default() };
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let ours = formula_puppet::parse(&text);
        let puppet_ok = !refused.contains(f);
        if ours.is_ok() != puppet_ok {
            let ours = match ours {
                Ok(_) => "accepted".to_string(),
                Err(e) => format!("refused at {e}"),
            };
            let theirs = if puppet_ok { "accepted" } else { "refused" };
            report.disagreements.push((f.clone(), ours, theirs.to_string()));
        }
    }
    let has_main = std::fs::read_to_string(dir.join("manifests/init.pp"))
        .is_ok_and(|t| t.contains(&format!("class {name}")) || t.contains(&format!("class ::{name}")));
    if has_main {
        let dest = out.join(&name);
        let output = formula()
            .arg("port-puppet")
            .arg(dir)
            .arg("--class")
            .arg(&name)
            .arg("-o")
            .arg(&dest)
            .output()
            .expect("run formula port-puppet");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            report.port = Some(Ok(coverage(&stderr)));
            let lint = formula().arg("lint").arg(&dest).arg("--format").arg("concise").output().expect("run lint");
            let code = lint.status.code().unwrap_or(-1);
            if code != 0 && code != 100 {
                report.lint_errors = Some(String::from_utf8_lossy(&lint.stdout).into_owned());
            }
        } else {
            report.port = Some(Err(stderr));
        }
    }
    report
}

/// `N of M resources translated` from port-puppet's summary line.
fn coverage(stderr: &str) -> (usize, usize) {
    let re = regex::Regex::new(r"(\d+) of (\d+) resources translated").expect("regex");
    re.captures(stderr)
        .and_then(|c| Some((c.get(1)?.as_str().parse().ok()?, c.get(2)?.as_str().parse().ok()?)))
        .unwrap_or((0, 0))
}

fn run(modules: &[PathBuf]) -> Vec<ModuleReport> {
    let out = tempfile::tempdir().expect("temp dir");
    modules.iter().map(|m| check_module(m, out.path())).collect()
}

/// The figures docs/port-puppet.md quotes.
fn summary(reports: &[ModuleReport]) -> String {
    let files: usize = reports.iter().map(|r| r.files).sum();
    let differ: usize = reports.iter().map(|r| r.disagreements.len()).sum();
    let refused: usize = reports.iter().map(|r| r.refused).sum();
    let mains: Vec<&ModuleReport> = reports.iter().filter(|r| r.port.is_some()).collect();
    let ported: Vec<(usize, usize)> =
        mains.iter().filter_map(|r| r.port.as_ref().and_then(|p| p.as_ref().ok())).copied().collect();
    let lint_failures = reports.iter().filter(|r| r.lint_errors.is_some()).count();
    let mut buckets = [0usize; 6];
    for (done, total) in &ported {
        let b = match (*done, *total) {
            (_, 0) => 0,
            (d, t) if d == t => 5,
            (d, t) => 1 + (4 * d / t).min(3),
        };
        buckets[b] += 1;
    }
    format!(
        "modules: {}; .pp files: {files}; same verdict as `puppet parser validate`: {} ({differ} differ; Puppet refuses {refused})\n\
         main classes: {}; ported without error: {}; linted without error: {}\n\
         coverage of the ported main classes (resources translated / seen):\n\
         \x20 no resources: {}\n  under 25%: {}\n  25-50%: {}\n  50-75%: {}\n  75-99%: {}\n  100%: {}\n",
        reports.len(),
        files - differ,
        mains.len(),
        ported.len(),
        ported.len() - lint_failures,
        buckets[0],
        buckets[1],
        buckets[2],
        buckets[3],
        buckets[4],
        buckets[5],
    )
}

fn problems(reports: &[ModuleReport]) -> String {
    let mut s = String::new();
    for r in reports {
        for (path, ours, theirs) in &r.disagreements {
            s.push_str(&format!("{}: ours {ours}, puppet {theirs}\n", path.display()));
        }
        if let Some(Err(e)) = &r.port {
            s.push_str(&format!("port of {}: {e}\n", r.name));
        }
        if let Some(l) = &r.lint_errors {
            s.push_str(&format!("lint of {}:\n{l}\n", r.name));
        }
    }
    s
}

#[test]
fn a_sample_of_debians_modules_parses_as_puppet_parses_it_and_ports() {
    let mut modules: Vec<PathBuf> = SAMPLE.iter().map(|m| Path::new(DEBIAN_MODULES).join(m)).collect();
    for m in &modules {
        assert!(
            m.join("manifests").is_dir(),
            "{} is missing: dev/setup.sh installs Debian's puppet modules",
            m.display()
        );
    }
    // Ours: what Puppet 7 accepts and our parser once refused, and what both refuse.
    let own = repo().join("tests/puppet/conformance").canonicalize().expect("tests/puppet/conformance");
    modules.push(own);
    let reports = run(&modules);
    let problems = problems(&reports);
    assert!(problems.is_empty(), "{}\n{problems}", summary(&reports));
    let refused: usize = reports.iter().map(|r| r.refused).sum();
    assert_eq!(refused, 3, "Puppet refuses the three files of tests/puppet/conformance/refused/");
}

/// The whole set, for `bash dev/puppet-conformance.sh` (the `puppet_conformance` bench target
/// runs it; prints the figures and every difference).
#[allow(dead_code)]
pub fn debian_modules_whole_set() {
    let modules = std::env::var("PUPPET_MODULES").unwrap_or_else(|_| DEBIAN_MODULES.into());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&modules)
        .expect("read the modules' directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("manifests").is_dir())
        .collect();
    dirs.sort();
    let reports = run(&dirs);
    println!("{}", problems(&reports));
    println!("{}", summary(&reports));
}
