//! A deterministic stand-in for the fuzzers: a few thousand pseudo-random byte strings and
//! mutations of valid formula files, fed to the entry points that `fuzz/` drives (the YAML
//! parser, load + lint with every rule + render, and bundle linting). Nothing may panic.
//!
//! The entry points are shared with the fuzz targets: `fuzz/src/sdk.rs` is included here as a
//! module, so both check the same promises. A failure prints the case's seed and index, and
//! the input, so that it can be replayed with `dev/fuzz.sh` as well.

#[path = "../../fuzz/src/sdk.rs"]
#[allow(dead_code)]
mod harness;
mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use support::Rng;

const SEED: u64 = 0x5eed_f0f0_1ab5_2011;

/// Bytes that mean something to YAML or to the linter, to splice into valid files.
const TOKENS: &[&[u8]] = &[
    b":",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"\n",
    b"\n  ",
    b"\t",
    b"#",
    b"'",
    b"\"",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!int ",
    b"!!str ",
    b"!!float ",
    b"!!bool ",
    b"!!binary ",
    b"? ",
    b"|",
    b">-",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"~",
    b"null",
    b"yes",
    b"0x",
    b"0o7",
    b"1e400",
    b".nan",
    b"-",
    b"juju-",
    b"interface",
    b"scope: container",
    b"subordinate: true",
    b"type: int",
    b"default: ",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\0",
    b"\r",
    b"\\u0000",
    b"\xef\xbb\xbf",
];

const VALID: &[&str] = &[
    "name: wiki\nsummary: a wiki\ndescription: d\nmaintainer: Jo <jo@example.com>\ntags: [misc]\n\
     provides:\n  website:\n    interface: http\nrequires:\n  db:\n    interface: mysql\n    limit: 1\n  cache: memcache\n\
     peers:\n  cluster: {interface: wiki-peer, scope: global}\nextra-bindings:\n  admin:\nseries: [jammy]\n",
    "ensemble: formula\nname: memo\nrevision: 3\nsummary: memo\ndescription: d\nsubordinate: true\n\
     requires:\n  host:\n    interface: juju-info\n    scope: container\n",
    "options:\n  port:\n    type: int\n    default: 80\n    description: p\n  debug: {type: boolean, default: no, description: d}\n\
     ratio:\n    type: float\n    default: 0.5\n    description: r\n",
    "backup:\n  description: back up\n  params:\n    target: {type: string}\n  required: [target]\njuju-x: {}\n",
    "applications:\n  wiki:\n    charm: ./f\n    num_units: 2\n    options: {port: 8080}\n  db:\n    charm: cs:mysql\n\
     relations:\n  - [wiki:db, db:db]\n  - [\"wiki:cache\", \"nope:x\"]\n",
    "base: &b {a: 1, b: [x, y]}\nd:\n  <<: *b\n  c: !!str 3\n  e: 0x1F\n  f: .inf\n  ? complex\n  : value\n",
];

fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            1 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => out[at] = rng.next() as u8,
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(32)).min(out.len());
                let copy = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            _ => {
                let len = 1 + rng.below(8);
                let noise = rng.bytes(len);
                out.splice(at..at, noise);
            }
        }
    }
    out
}

/// Runs `f(input)` and, if it panics, fails with the case and the input.
fn check(kind: &str, index: usize, input: &[u8], f: impl FnOnce(&[u8])) {
    if catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
        panic!(
            "{kind} case {index} (seed {SEED:#x}) panicked on {} bytes:\n{:?}\nas text:\n{}",
            input.len(),
            input,
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn random_bytes_do_not_panic_the_yaml_parser() {
    let mut rng = Rng(SEED);
    for index in 0..3000 {
        let len = rng.below(if index % 10 == 0 { 2048 } else { 96 });
        let input = rng.bytes(len);
        check("yaml/random", index, &input, harness::yaml);
    }
}

#[test]
fn mutated_yaml_does_not_panic_the_parser() {
    let mut rng = Rng(SEED ^ 1);
    for index in 0..3000 {
        let input = mutate(&mut rng, VALID[index % VALID.len()].as_bytes());
        check("yaml/mutated", index, &input, harness::yaml);
    }
}

#[test]
fn random_and_mutated_formulas_load_lint_and_render() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(SEED ^ 2);
    for index in 0..600 {
        let input = if index % 3 == 0 {
            let len = rng.below(256);
            rng.bytes(len)
        } else {
            // metadata, config, actions, revision, hooks: mutate one of them.
            let mut parts: Vec<Vec<u8>> = vec![
                VALID[0].into(),
                VALID[2].into(),
                VALID[3].into(),
                b"7\n".to_vec(),
                b"#!/bin/sh\nrelation-get\n".to_vec(),
            ];
            let which = rng.below(parts.len());
            parts[which] = mutate(&mut rng, &parts[which]);
            parts.truncate(1 + rng.below(harness::FORMULA_FILES.len()));
            parts.join(&0u8)
        };
        check("formula", index, &input, |data| harness::formula_load(&dir, data, index % 8 == 0));
    }
}

#[test]
fn random_and_mutated_bundles_lint_and_render() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(SEED ^ 3);
    for index in 0..600 {
        let input = if index % 3 == 0 {
            let len = rng.below(256);
            rng.bytes(len)
        } else {
            mutate(&mut rng, VALID[4].as_bytes())
        };
        check("bundle", index, &input, |data| harness::bundle(tmp.path(), data, index % 8 == 0));
    }
}

#[test]
fn the_harness_sees_what_it_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir: &Path = tmp.path();
    harness::write_formula(dir, b"name: x\0options: {}\0");
    assert!(dir.join("metadata.yaml").is_file() && dir.join("config.yaml").is_file());
    assert_eq!(std::fs::read(dir.join("actions.yaml")).unwrap(), b"");
    harness::write_formula(dir, b"name: y");
    assert!(!dir.join("config.yaml").exists(), "files past the last part are removed");
}
