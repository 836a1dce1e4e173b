//! A formula directory made of arbitrary bytes (split at NUL into metadata.yaml, config.yaml,
//! actions.yaml, revision, hooks, …), loaded, linted with every rule and rendered.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("formula-fuzz-load-{}", std::process::id())).join("demo");
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::formula_load(scratch(), data, data.len() % 16 == 0));
