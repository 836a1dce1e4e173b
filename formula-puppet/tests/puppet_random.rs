//! A deterministic stand-in for the `puppet`, `erb`, `epp` and `hiera` fuzz targets:
//! pseudo-random bytes and mutations of the test modules' manifests, templates and hiera data
//! (tests/puppet/), fed to the same entry points (`fuzz/src/puppet.rs`, included here): parse,
//! and port or render what parses; read the mutations as hiera.yaml and as data.
//! Nothing may panic. A failure prints the case's index and input.

#[path = "../../fuzz/src/puppet.rs"]
mod harness;
#[path = "../../formula-sdk/tests/support/mod.rs"]
mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use support::Rng;

const SEED: u64 = 0x9099_e7e7_0b5e_5510;

/// Pieces of Puppet and ERB syntax to splice in.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "'",
    "\"",
    "${",
    "$",
    "$::",
    "::",
    "=>",
    "->",
    "~>",
    "<-",
    "<~",
    "<|",
    "|>",
    "<<|",
    "|>>",
    "@",
    "@@",
    "@(END)",
    "@(\"END\"/L)\n",
    "\nEND\n",
    "|- END\n",
    "/*",
    "*/",
    "#",
    "\n",
    ",",
    ";",
    ":",
    "?",
    "/x/",
    "=~",
    "|$x|",
    "class ",
    "define ",
    "node ",
    "if ",
    "else ",
    "elsif ",
    "unless ",
    "case ",
    "default",
    "include ",
    "fail(",
    "template('m/a.erb')",
    "File['/x']",
    "Integer ",
    "Optional[",
    "\\",
    "\u{e9}",
    "\0",
    "<%",
    "%>",
    "<%=",
    "<%-",
    "-%>",
    "<%#",
    "<%%",
    "@var",
    "scope['x']",
    "scope.lookupvar('x')",
    " do |x|",
    " end ",
    ".each",
    "#{",
    "elsif ",
    "else",
];

/// The modules' files of tests/puppet (not the refused files of tests/puppet/conformance, which
/// Puppet refuses too).
fn samples() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for p in entries {
            if p.is_dir() && !p.ends_with("refused") {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| ["pp", "erb", "epp", "yaml"].iter().any(|x| e == *x)) {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/puppet"), &mut files);
    assert!(files.len() >= 8, "the test modules are missing: {files:?}");
    files
        .iter()
        .map(|f| {
            let ext = f.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
            (ext, std::fs::read(f).expect("read sample"))
        })
        .collect()
}

fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            1 if at < out.len() => {
                let end = (at + 1 + rng.below(24)).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => out[at] = rng.next() as u8,
            _ => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                let copy = out[at.min(out.len())..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
        }
    }
    out
}

fn check(kind: &str, index: usize, input: &[u8], f: impl FnOnce(&[u8])) {
    if catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
        panic!("{kind} case {index} (seed {SEED:#x}) panicked on:\n{}", String::from_utf8_lossy(input));
    }
}

#[test]
fn mutated_manifests_and_templates_never_panic() {
    let samples = samples();
    let mut rng = Rng(SEED);
    let dir = tempfile::tempdir().expect("temp dir");
    let module = dir.path().join("m");
    let repo = dir.path().join("repo");
    for index in 0..1500 {
        let (_, base) = &samples[rng.below(samples.len())];
        let input = if rng.below(10) == 0 {
            (0..rng.below(200)).map(|_| rng.next() as u8).collect()
        } else {
            mutate(&mut rng, base)
        };
        check("puppet", index, &input, |i| harness::puppet(&module, i));
        check("erb", index, &input, harness::erb);
        check("epp", index, &input, harness::epp);
        // Hiera writes a repository each time: one case in four.
        if index % 4 == 0 {
            check("hiera", index, &input, |i| harness::hiera(&repo, i));
            // The same bytes as hiera data: no hiera.yaml, then a common level of them.
            check("hiera", index, &[b"\0", &input[..]].concat(), |i| harness::hiera(&repo, i));
        }
    }
}

#[test]
fn the_test_modules_parse_and_port_as_they_are() {
    for (ext, sample) in samples() {
        let text = String::from_utf8_lossy(&sample);
        match ext.as_str() {
            "pp" => drop(formula_puppet::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))),
            "erb" => drop(formula_puppet::erb::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))),
            "epp" => drop(formula_puppet::epp::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))),
            _ => drop(formula_sdk::yaml::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))),
        }
    }
}
