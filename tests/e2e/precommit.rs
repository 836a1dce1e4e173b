//! The repository's `.pre-commit-hooks.yaml`: it parses as pre-commit reads it, each hook runs
//! a command `formula` has, and its `files` pattern picks a formula's files and nothing else.

use crate::support::{formula, repo};

#[test]
fn the_pre_commit_hooks_name_a_command_that_exists() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect(".pre-commit-hooks.yaml");
    let root = formula_sdk::yaml::parse(&text).unwrap_or_else(|e| panic!(".pre-commit-hooks.yaml: {e}"));
    let hooks = root.as_seq().expect("a list of hooks");
    assert!(!hooks.is_empty());
    for hook in hooks {
        let field = |name: &str| hook.get(name).and_then(|n| n.as_str()).map(str::to_string);
        let id = field("id").expect("every hook has an id");
        assert!(field("name").is_some(), "{id}: no name");
        // pre-commit's `rust` language cannot install from this workspace's root.
        assert_eq!(field("language").as_deref(), Some("system"), "{id}");
        let entry = field("entry").expect("an entry");
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"formula"), "{id}: {entry}");
        // The command exists: its help is printed.
        let out = formula().args(&words[1..]).arg("--help").output().unwrap();
        assert!(out.status.success(), "{id}: `{entry} --help`: {}", String::from_utf8_lossy(&out.stderr));
        let args: Vec<String> = hook
            .get("args")
            .and_then(|a| a.as_seq())
            .map(|items| items.iter().map(|i| i.display_value()).collect())
            .unwrap_or_default();
        let out = formula().args(&words[1..]).args(&args).arg("--list").output().unwrap();
        assert!(out.status.success(), "{id}: the hook's args are refused: {}", String::from_utf8_lossy(&out.stderr));
        // `formula lint` takes formula directories, so pre-commit must not pass it files.
        assert_eq!(hook.get("pass_filenames").and_then(|n| n.as_bool()), Some(false), "{id}");
        let files = regex::Regex::new(&field("files").expect("a files pattern")).expect("a valid pattern");
        for path in [
            "metadata.yaml",
            "wiki/metadata.yaml",
            "f/config.yaml",
            "f/hooks/install",
            "f/actions/backup",
            "bundle.yaml",
            "f/revision",
        ] {
            assert!(files.is_match(path), "{id}: {path} should run the hook");
        }
        for path in ["src/main.rs", "README.txt", "f/hooks/lib/x/y.sh", "docs/metadata.yaml.md", "tests/basic.yaml"] {
            assert!(!files.is_match(path), "{id}: {path} should not run the hook");
        }
    }
}
