//! Parity with `charm proof`: on every lint fixture (and example formula) that has a
//! metadata.yaml, each finding of `charm proof` must have a counterpart in
//! `formula lint --format json` on the same directory.
//!
//! [`MAPPINGS`] maps each proof message (by regex, first match wins) to the rule codes that
//! count as its counterpart. Rows with a `difference` are places where we choose to differ
//! from proof (another code, another severity, or no counterpart at all); each one has an id
//! that docs/proof-differences.md must explain. Rows without one demand the same severity.
//! A proof message that matches no row fails the test, so new proof findings cannot slip by.
//!
//! proof comes from charm-tools (`pip install charm-tools`), which `.ci/run` installs into
//! /opt/charm-tools. `CHARM_PROOF` overrides the command: either `charm-proof` itself, or the
//! older `charm` front end, which is then called as `charm proof DIR`.

use regex::Regex;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const DEFAULT_PROOF: &str = "/opt/charm-tools/bin/charm-proof";

/// One proof message and its counterpart in `formula lint`.
struct Mapping {
    /// Anchored regex over the whole finding, `E: message` (continuation lines joined by
    /// `\n`). A named group `subject` must then also appear in the counterpart's message.
    proof: &'static str,
    /// Any of these codes is a counterpart; empty means no counterpart is asked for.
    codes: &'static [&'static str],
    /// Why we differ from proof here: `(id, reason)`; the id is a heading in
    /// docs/proof-differences.md. `None`: same finding, same severity.
    difference: Option<(&'static str, &'static str)>,
}

const fn same(proof: &'static str, codes: &'static [&'static str]) -> Mapping {
    Mapping { proof, codes, difference: None }
}

const fn differs(
    proof: &'static str,
    codes: &'static [&'static str],
    id: &'static str,
    reason: &'static str,
) -> Mapping {
    Mapping { proof, codes, difference: Some((id, reason)) }
}

/// Every message of charm-tools 3.x `charm proof` for a charm directory, in check order
/// (spec §7). First match wins, so specific rows come before general ones.
#[rustfmt::skip]
const MAPPINGS: &[Mapping] = &[
    // Wrappers and fatal errors.
    same(r"^E: FATAL: (?s:.*) is not a directory, Aborting$", &["F001"]),
    differs(r"^E: (FATAL: )?(No bundle\.yaml \(Bundle\) or metadata\.yaml \(Charm\) found|Unable to read from)(?s:.*)$", &["F001", "F003", "F004"],
        "D1", "proof gives up on the whole directory; we say which file is missing or unreadable"),
    differs(r"^E: could not find metadata file for (?s:.*)$", &["F003", "F004"],
        "D1", "proof reports any I/O error on metadata.yaml as missing; we say whether it is missing or unreadable"),
    same(r"^E: FATAL: cannot parse (?s:.*)metadata\.yaml:(?s:.*)$", &["F002"]),
    same(r"^W: cannot parse (?s:.*)layer\.yaml: (?s:.*)$", &["F007"]),
    // Metadata.
    differs(r"^I: Unknown root metadata field \(ensemble\)$", &["F133"],
        "D2", "`ensemble: formula` is the 2011 format marker, reported as such"),
    differs(r"^I: Unknown root metadata field \(revision\)$", &["F128"],
        "D3", "Juju reads the obsolete `revision` key, so it is not unknown; F128 reports it"),
    differs(r"^I: Unknown root metadata field \((assumes|containers|charm-user|format|issues|source|website)\)$", &[],
        "D4", "Juju's schema or charmcraft knows these keys; F131 reports the v2 ones only when they clash with the format"),
    same(r"^I: Unknown root metadata field \((?P<subject>.*)\)$", &["F101"]),
    same(r"^E: Missing required metadata field \((?P<subject>name|summary)\)$", &["F102"]),
    differs(r"^I: metadata name \(None\) must match directory name \(.*\) exactly for local deployment\.$", &[],
        "D5", "without a name F102 reports the missing field; comparing nothing with the directory adds nothing"),
    same(r"^I: metadata name \(.*\) must match directory name \(.*\) exactly for local deployment\.$", &["F104"]),
    same(r"^W: summary should be less than 72$", &["F105"]),
    same(r"^I: `display-name` not provided, add for custom naming in the UI$", &["F106"]),
    same(r"^E: display-name: not in valid format\..*$", &["F107"]),
    same(r"^E: Charm must not have both maintainer and maintainers fields$", &["F108"]),
    same(r"^E: Charm must have either a maintainer or maintainers field$", &["F109"]),
    same(r"^E: Maintainers? field must (not )?be a list$", &["F110"]),
    same(r#"^W: Maintainer format should be "Name <Email>", not "(?s:.*)"$"#, &["F111"]),
    same(r#"^W: Metadata missing required field "tags"$"#, &["F112"]),
    same(r#"^W: Metadata field "tags" must be a non-empty list$"#, &["F113"]),
    same(r"^W: Categories metadata must be a list of one or more of: .*$", &["F114"]),
    same(r"^W: Categories are being deprecated in favor of tags\..*$", &["F115"]),
    same(r"^E: storage(\.| ?:)(?s:.*)$", &["F116"]),
    same(r"^E: devices(\.| ?:)(?s:.*)$", &["F117"]),
    same(r"^I: DEPRECATED: series parameter is ignored by charmcraft,.*$", &["F118"]),
    same(r"^E: min-juju-version: .*$", &["F119"]),
    same(r"^E: extra-bindings: must be a dictionary$", &["F120"]),
    same(r"^E: payloads(\.| ?:)(?s:.*)$", &["F121"]),
    same(r"^E: terms: must be a list of term ids$", &["F122"]),
    same(r"^E: resources(\.| ?:)(?s:.*)$", &["F123"]),
    same(r"^E: deployment(\.| ?:)(?s:.*)$", &["F124"]),
    // Root files.
    same(r"^I: No icon\.svg file\.$", &["F601"]),
    same(r"^I: Includes template icon\.svg file\.$", &["F602"]),
    differs(r"^[IW]: Error while opening (?s:.*)$", &["F004"],
        "D6", "a file that exists but cannot be read is an error: Juju cannot read it either"),
    same(r"^I: no hooks directory$", &["F501"]),
    same(r"^W: no copyright file$", &["F603"]),
    same(r"^W: Includes template README\.ex file$", &["F605"]),
    same(r"^W: (?P<subject>.+) includes boilerplate: (?s:.*)$", &["F605"]),
    same(r"^W: no README file$", &["F604"]),
    same(r"^E: subordinate must be a boolean value$", &["F125"]),
    same(r"^I: all charms should provide at least one thing$", &["F126"]),
    same(r"^E: subordinates must have at least one scope: container relation$", &["F127"]),
    // Relations (check_relation_hooks).
    differs(r"^I: juju-\* is a reserved relation name$", &["F201"],
        "D7", "Juju refuses to deploy a formula with a `juju-*` endpoint, so ours is an error, not information"),
    differs(r"^E: relation (?P<subject>.+) is not a map$", &["F202", "F203"],
        "D8", "Juju accepts the shorthand `name: interface`, so that is only a style warning (F203); other non-maps stay errors (F202)"),
    same(r"^E: Unknown scope found in relation (?P<subject>.+) - \((?s:.*)\)$", &["F204"]),
    same(r"^E: template interface names should be changed: interface-name$", &["F205"]),
    differs(r"^E: template interface names should be changed: (?s:.*)$", &[],
        "D9", "proof tests `interface in 'interface-name'`, a substring test that flags `name`, `face`, `-`; we flag the template's name only"),
    same(r"^E: relation missing interface$", &["F206"]),
    same(r"^E: Unknown relation field in relation (?P<subject>.+) - \((?s:.*)\)$", &["F207"]),
    same(r"^E: template relations should be renamed to fit charm: relation-name$", &["F208"]),
    differs(r"^E: template relations should be renamed to fit charm: (?s:.*)$", &[],
        "D9", "the same substring test for relation names (`relation`, `name`, `on`)"),
    same(r"^I: relation (?P<subject>.+) has no hooks$", &["F209"]),
    // Revision in metadata.
    same(r"^W: Revision should not be stored in metadata\.yaml anymore\..*$", &["F128"]),
    same(r"^W: revision should be a positive integer$", &["F129"]),
    // Hooks.
    same(r"^I: missing recommended hook (?P<subject>.+)$", &["F502"]),
    same(r"^W: \((?P<subject>[^:]+):\d+\) - hook accesses EC2 metadata service directly$", &["F504"]),
    differs(r"^I: (?P<subject>.+) not executable$", &["F503"],
        "D10", "Juju fails a hook that lacks the execute bit (it does not skip it), so ours is an error"),
    // actions.yaml (and functions.yaml, which proof reads only without actions.yaml).
    same(r"^E: FATAL: cannot parse (?s:.*)actions\.yaml: (?s:.*line \d+, column \d+.*)$", &["F002"]),
    differs(r"^E: FATAL: cannot parse (?s:.*)actions\.yaml: (?s:.*)$", &["F401", "F405", "F406"],
        "D11", "proof reports a crash of its own action checks (e.g. a key that is not a string) as a parse error; we name the problem"),
    same(r"^E: actions: must be a dictionary of json schemas$", &["F401"]),
    same(r"^E: actions\.(?P<subject>.+): juju is a reserved namespace$", &["F402"]),
    same(r"^W: actions\.(?P<subject>.+): actions/.+ does not exist$", &["F403"]),
    same(r"^E: actions\.(?P<subject>.+): actions/.+ is not executable$", &["F404"]),
    differs(r"^(E: FATAL: cannot parse (?s:.*)functions\.yaml|[EW]: functions)(?s:.*)$", &[],
        "D12", "functions.yaml was a short-lived charmcraft rename of actions.yaml; classic Juju never reads it"),
    // Other files.
    same(r"^W: Includes template test file, tests/00-autogen$", &["F607"]),
    same(r"^E: revision file contains non-numeric data$", &["F606"]),
    // config.yaml.
    differs(r"^I: File config\.yaml not found\.$", &["F301", "F004"],
        "D6", "a config.yaml that is a directory or a dangling link is unreadable (F004), not missing"),
    same(r"^E: Cannot parse config\.yaml: (?s:.*)$", &["F002"]),
    same(r"^E: config\.yaml not parsed into a dictionary\.$", &["F302"]),
    same(r#"^E: config\.yaml must have an "options" key\.$"#, &["F302"]),
    same(r"^W: Ignored keys in config\.yaml: .*$", &["F303"]),
    same(r"^E: config\.yaml: options section is not parsed as a dictionary$", &["F304"]),
    same(r"^E: config\.yaml: (?P<subject>.+) does not conform to naming pattern$", &["F305"]),
    same(r"^E: config\.yaml: data for option (?P<subject>.+) is not a dict$", &["F306"]),
    same(r"^W: config\.yaml: option (?P<subject>.+) does not have the keys: .*$", &["F307"]),
    same(r"^W: config\.yaml: option (?P<subject>.+) has unknown keys: .*$", &["F308"]),
    same(r"^W: config\.yaml: description of option (?P<subject>.+) should be a non-empty string$", &["F309"]),
    differs(r"^W: config\.yaml: option (?P<subject>.+) has an invalid type \(secret\)$", &[],
        "D17", "Juju 3.1 added the `secret` option type, which charm-tools 3.0 does not know"),
    differs(r"^W: config\.yaml: option (?P<subject>.+) has an invalid type \(.*\)$", &["F310"],
        "D13", "Juju refuses a config.yaml with an unknown option type, so ours is an error"),
    same(r"^[IW]: config\.yaml: option (?P<subject>.+) has no default value$", &["F311"]),
    differs(r"^E: config\.yaml: type of option (?P<subject>.+) is specified as float, but the type of the default value is int$", &[],
        "D14", "Juju accepts an integer default for a float option (proof uses Python's isinstance)"),
    same(r"^E: config\.yaml: type of option (?P<subject>.+) is specified as .*, but the type of the default value is .*$", &["F312"]),
];

struct Finding {
    letter: char,
    text: String,
}

/// Splits proof's output into findings; lines without a `X: ` prefix continue the previous
/// finding (PyYAML errors span several lines), or are a finding of their own (E) when first.
fn parse_proof(stdout: &str) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for line in stdout.lines() {
        let bytes = line.as_bytes();
        let prefixed = bytes.len() >= 3 && matches!(bytes[0], b'I' | b'W' | b'E') && &bytes[1..3] == b": ";
        if prefixed {
            findings.push(Finding { letter: bytes[0] as char, text: line.to_string() });
        } else if let Some(last) = findings.last_mut() {
            last.text.push('\n');
            last.text.push_str(line);
        } else if !line.trim().is_empty() {
            findings.push(Finding { letter: 'E', text: format!("E: {line}") });
        }
    }
    findings
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("cli has a parent").to_path_buf()
}

/// Every fixture dir `formula-sdk/tests/fixtures/lint/*/{bad,good}` with a metadata.yaml, and
/// every formula under `examples/` (three levels down).
fn formula_dirs() -> Vec<PathBuf> {
    let root = repo_root();
    let mut dirs = Vec::new();
    let fixtures = root.join("formula-sdk/tests/fixtures/lint");
    for rule in sorted_entries(&fixtures) {
        for case in ["bad", "good"] {
            let dir = rule.join(case);
            if dir.join("metadata.yaml").exists() {
                dirs.push(dir);
            }
        }
    }
    let mut stack = vec![(root.join("examples"), 0)];
    while let Some((dir, depth)) = stack.pop() {
        if dir.join("metadata.yaml").exists() {
            dirs.push(dir);
        } else if depth < 3 {
            stack.extend(sorted_entries(&dir).into_iter().filter(|d| d.is_dir()).map(|d| (d, depth + 1)));
        }
    }
    dirs
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    entries
}

fn proof_command() -> (PathBuf, Vec<String>) {
    let program = PathBuf::from(std::env::var("CHARM_PROOF").unwrap_or_else(|_| DEFAULT_PROOF.to_string()));
    assert!(
        program.is_file(),
        "`charm proof` is not installed at {} (set CHARM_PROOF to override). `.ci/run` installs it: \
         python3 -m venv /opt/charm-tools && /opt/charm-tools/bin/pip install charm-tools",
        program.display()
    );
    let args = if program.file_name().is_some_and(|n| n == "charm") { vec!["proof".to_string()] } else { Vec::new() };
    (program, args)
}

/// What the two tools said about one directory.
struct Outcome {
    dir: PathBuf,
    proof: Vec<Finding>,
    proof_crash: Option<String>,
    lint: Vec<Value>,
}

fn run_both(dir: &Path, proof: &(PathBuf, Vec<String>)) -> Outcome {
    let out = Command::new(&proof.0).args(&proof.1).arg(dir).output().expect("run charm proof");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let proof_crash = stderr.contains("Traceback").then(|| stderr.lines().last().unwrap_or_default().to_string());
    let lint = Command::new(env!("CARGO_BIN_EXE_formula"))
        .args(["lint", "--format", "json"])
        .arg(dir)
        .output()
        .expect("run formula lint");
    assert!(
        matches!(lint.status.code(), Some(0 | 100 | 200)),
        "formula lint failed on {}: {}",
        dir.display(),
        String::from_utf8_lossy(&lint.stderr)
    );
    let lint: Vec<Value> = serde_json::from_slice(&lint.stdout).expect("formula lint prints a JSON array");
    Outcome { dir: dir.to_path_buf(), proof: parse_proof(&stdout), proof_crash, lint }
}

/// Runs both tools over `dirs` on a few threads.
fn run_all(dirs: &[PathBuf]) -> Vec<Outcome> {
    let proof = proof_command();
    let queue = Mutex::new(dirs.iter());
    let results = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let Some(dir) = queue.lock().unwrap().next() else {
                    break;
                };
                let outcome = run_both(dir, &proof);
                results.lock().unwrap().push(outcome);
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.dir.cmp(&b.dir));
    results
}

/// Rules that report some of proof's findings at a greater severity, where Juju refuses the
/// value (difference D16): a field name that is not a string (F101), `tags` that is not a list
/// (F113), an option description that is a list or a map (F309).
const RAISED: &[&str] = &["F101", "F113", "F309"];

/// With an executable `dispatch`, Juju runs it for every hook and action, so missing hooks,
/// action executables and relation hooks are not findings (difference D18).
const DISPATCH_EXEMPT: &[&str] = &["F209", "F403", "F502", "F503"];

fn dispatch_runs_everything(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir.join("dispatch")).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn rank(letter: char) -> u8 {
    match letter {
        'E' => 2,
        'W' => 1,
        _ => 0,
    }
}

fn severity_letter(severity: &str) -> char {
    match severity {
        "error" => 'E',
        "warning" => 'W',
        _ => 'I',
    }
}

#[test]
fn every_proof_finding_has_a_counterpart() {
    let compiled: Vec<Regex> = MAPPINGS.iter().map(|m| Regex::new(m.proof).expect("mapping regex")).collect();
    let dirs = formula_dirs();
    assert!(!dirs.is_empty(), "no fixture directories found");
    let outcomes = run_all(&dirs);
    let root = repo_root();
    let mut failures = Vec::new();
    let mut hits = vec![(0usize, 0usize); MAPPINGS.len()]; // (matched, satisfied)
    for outcome in &outcomes {
        let shown = outcome.dir.strip_prefix(&root).unwrap_or(&outcome.dir).display().to_string();
        if let Some(crash) = &outcome.proof_crash {
            eprintln!("note: charm proof crashed on {shown} ({crash}); its partial output is compared");
        }
        for finding in &outcome.proof {
            let Some(index) = compiled.iter().position(|re| re.is_match(&finding.text)) else {
                failures.push(format!("{shown}: no mapping for proof's `{}`; add a row to MAPPINGS", finding.text));
                continue;
            };
            hits[index].0 += 1;
            let mapping = &MAPPINGS[index];
            if mapping.codes.is_empty() {
                hits[index].1 += 1;
                continue;
            }
            let subject = compiled[index]
                .captures(&finding.text)
                .and_then(|c| c.name("subject"))
                .map(|m| m.as_str().to_lowercase());
            let mentions = |d: &Value, s: &str| {
                ["message", "help"].iter().any(|field| d[field].as_str().unwrap_or("").to_lowercase().contains(s))
            };
            let candidates: Vec<&Value> = outcome
                .lint
                .iter()
                .filter(|d| mapping.codes.contains(&d["code"].as_str().unwrap_or("")))
                .filter(|d| subject.as_deref().is_none_or(|s| mentions(d, s)))
                .collect();
            let Some(first) = candidates.first() else {
                if dispatch_runs_everything(&outcome.dir) && mapping.codes.iter().any(|c| DISPATCH_EXEMPT.contains(c)) {
                    hits[index].1 += 1;
                    continue;
                }
                let ours: Vec<&str> = outcome.lint.iter().filter_map(|d| d["code"].as_str()).collect();
                let about = subject.map(|s| format!(" mentioning `{s}`")).unwrap_or_default();
                failures.push(format!(
                    "{shown}: proof's `{}` has no {} counterpart{about}; formula lint said [{}]",
                    finding.text,
                    mapping.codes.join(" or "),
                    ours.join(", ")
                ));
                continue;
            };
            if mapping.difference.is_none() {
                let agrees = |d: &&Value| {
                    let ours = severity_letter(d["severity"].as_str().unwrap_or(""));
                    let code = d["code"].as_str().unwrap_or("");
                    ours == finding.letter || (RAISED.contains(&code) && rank(ours) > rank(finding.letter))
                };
                if !candidates.iter().any(agrees) {
                    let ours = severity_letter(first["severity"].as_str().unwrap_or(""));
                    failures.push(format!(
                        "{shown}: proof's `{}` is {}, our {} is {ours}; make them agree or list the difference",
                        finding.text, finding.letter, first["code"]
                    ));
                    continue;
                }
            }
            hits[index].1 += 1;
        }
    }
    eprintln!("{} directories compared; mappings exercised (matched/satisfied):", outcomes.len());
    for (mapping, (matched, satisfied)) in MAPPINGS.iter().zip(&hits) {
        if *matched > 0 {
            eprintln!("  {satisfied:>3}/{matched:<3} {} → {:?}", mapping.proof, mapping.codes);
        }
    }
    assert!(failures.is_empty(), "{} parity failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn mapping_table_is_consistent_with_the_registry_and_the_docs() {
    use formula_sdk::lint::registry::RULES;
    let docs =
        std::fs::read_to_string(repo_root().join("docs/proof-differences.md")).expect("docs/proof-differences.md");
    let mut problems = Vec::new();
    for mapping in MAPPINGS {
        if let Err(e) = Regex::new(mapping.proof) {
            problems.push(format!("bad regex {}: {e}", mapping.proof));
        }
        for code in mapping.codes {
            if !RULES.iter().any(|r| r.code == *code) {
                problems.push(format!("{} maps to unknown rule {code}", mapping.proof));
            }
        }
        if let Some((id, _)) = mapping.difference {
            if !docs.contains(&format!("## {id}.")) {
                problems
                    .push(format!("difference {id} ({}) is not explained in docs/proof-differences.md", mapping.proof));
            }
        } else if mapping.codes.is_empty() {
            problems.push(format!("{} has no counterpart and no difference", mapping.proof));
        }
    }
    for id in ["D16", "D18"] {
        if !docs.contains(&format!("## {id}.")) {
            problems.push(format!(
                "difference {id} (RAISED, DISPATCH_EXEMPT) is not explained in docs/proof-differences.md"
            ));
        }
    }
    // Every rule that claims a proof check must be somebody's counterpart.
    for rule in RULES.iter().filter(|r| r.proof.is_some()) {
        if !MAPPINGS.iter().any(|m| m.codes.contains(&rule.code)) {
            problems.push(format!("{} claims proof check {:?} but no mapping leads to it", rule.code, rule.proof));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn proof_output_is_split_into_findings() {
    let out =
        "E: FATAL: cannot parse x/metadata.yaml:while parsing\n  in \"x\", line 2, column 10\nI: no hooks directory\n";
    let findings = parse_proof(out);
    assert_eq!(findings.len(), 2);
    assert!(findings[0].text.ends_with("line 2, column 10"));
    assert_eq!(findings[1].letter, 'I');
    let bare = parse_proof("FATAL: No bundle.yaml (Bundle) or metadata.yaml (Charm) found, cannot proof\n");
    assert_eq!(bare[0].text.chars().next(), Some('E'));
}

/// The files of a formula: `(path, text, executable)`.
type Files = &'static [(&'static str, &'static str, bool)];

/// Formulas made to trip as many proof checks as possible: `(dir name, [(path, text, executable)])`.
#[rustfmt::skip]
const SYNTHETIC: &[(&str, Files)] = &[
    ("kitchen-sink", &[
        ("metadata.yaml", "name: other\nsummary: 0123456789012345678901234567890123456789012345678901234567890123456789012345\n\
            display-name: 'bad!name'\nmaintainer: nobody\nensemble: formula\nrevision: -1\nfoo: bar\nassumes: [juju]\n\
            categories: applications\nseries: [jammy]\nmin-juju-version: '1.0'\n\
            extra-bindings: [a]\nterms: 3\nresources: 3\npayloads: 3\ndeployment: 3\n\
            storage:\n  data:\n    type: tape\ndevices: 3\n\
            provides:\n  juju-x:\n    interface: name\n  relation-name: {interface: interface-name}\n  db: mysql\n\
            requires:\n  web:\n    interface: http\n    scope: world\n    colour: red\n  noif:\n    limit: 1\n", false),
        ("README.ex", "x", false),
        ("tests/00-autogen", "#!/bin/sh\n", true),
        ("revision", "abc\n", false),
        ("hooks/install", "#!/bin/sh\ncurl http://169.254.169.254/latest\n", false),
        ("hooks/web-relation-joined", "#!/bin/sh\n", true),
        ("config.yaml", "options:\n  Bad_Name!:\n    type: string\n  port:\n    type: integer\n    default: 1\n    description: ''\n    extra: 1\n  \
            ratio:\n    type: float\n    default: 1\n    description: r\n  n:\n    type: int\n    default: x\n    description: n\n  \
            s:\n    type: string\n    default:\n    description: s\n  list: 3\nother: 1\n", false),
        ("actions.yaml", "juju-run: {}\nbackup: {}\nrestore: {}\n", false),
        ("actions/restore", "#!/bin/sh\n", false),
    ]),
    ("subordinate", &[
        ("metadata.yaml", "name: subordinate\nsummary: s\nmaintainers: Jo <jo@example.com>\ntags: []\nsubordinate: true\nrequires:\n  host: {interface: juju-info}\n", false),
        ("config.yaml", "- a\n", false),
        ("layer.yaml", "a: [\n", false),
        ("actions.yaml", "- a\n", false),
    ]),
    ("lists", &[
        ("metadata.yaml", "name: lists\nsummary: s\nmaintainer: [Jo <jo@example.com>]\ntags: [misc]\nsubordinate: 'no'\nstorage: 3\n", false),
        ("config.yaml", "other: 1\n", false),
        ("actions.yaml", "1: {}\n", false),
    ]),
    ("noname", &[
        ("metadata.yaml", "description: d\ncategories: [misc]\nmaintainer: a\nmaintainers: [b]\n", false),
        ("config.yaml", "options: [a]\n", false),
        ("functions.yaml", "juju-x: {}\nf: {}\n", false),
    ]),
    ("brokenyaml", &[
        ("metadata.yaml", "name: brokenyaml\nsummary: s\nmaintainer: Jo <jo@example.com>\ntags: [misc]\n", false),
        ("config.yaml", "options: [\n", false),
        ("actions.yaml", "a: [\n", false),
    ]),
    ("badmeta", &[("metadata.yaml", "a: [\n", false)]),
    ("metadir", &[("metadata.yaml/x", "", false)]),
    ("plain", &[("metadata.yaml", "name: plain\nsummary: s\n", false)]),
];

#[test]
fn every_message_proof_gives_on_synthetic_formulas_is_mapped() {
    let compiled: Vec<Regex> = MAPPINGS.iter().map(|m| Regex::new(m.proof).expect("mapping regex")).collect();
    let proof = proof_command();
    let root = tempfile::tempdir().expect("tempdir");
    let mut dirs = Vec::new();
    for (name, files) in SYNTHETIC {
        let dir = root.path().join(name);
        for (path, text, executable) in files.iter().copied() {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            if executable {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        dirs.push(dir);
    }
    let mut unmapped = Vec::new();
    let mut matched = vec![0usize; MAPPINGS.len()];
    for dir in &dirs {
        let out = Command::new(&proof.0).args(&proof.1).arg(dir).output().expect("run charm proof");
        for finding in parse_proof(&String::from_utf8_lossy(&out.stdout)) {
            match compiled.iter().position(|re| re.is_match(&finding.text)) {
                Some(index) => {
                    if std::env::var_os("PROOF_PARITY_VERBOSE").is_some() {
                        eprintln!(
                            "{}: {} => {:?}",
                            dir.file_name().unwrap().to_string_lossy(),
                            finding.text,
                            MAPPINGS[index].codes
                        );
                    }
                    matched[index] += 1
                }
                None => unmapped.push(finding.text),
            }
        }
    }
    let exercised = matched.iter().filter(|n| **n > 0).count();
    eprintln!("{exercised} of {} mappings exercised by synthetic formulas", MAPPINGS.len());
    for (mapping, n) in MAPPINGS.iter().zip(&matched).filter(|(_, n)| **n == 0) {
        eprintln!("  not exercised: {} (n={n})", mapping.proof);
    }
    assert!(unmapped.is_empty(), "proof messages with no mapping:\n{}", unmapped.join("\n"));
}
