//! `lint_bundle` on arbitrary bytes written as bundle.yaml, beside a formula `./f`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("formula-fuzz-bundle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::bundle(scratch(), data, data.len() % 16 == 0));
