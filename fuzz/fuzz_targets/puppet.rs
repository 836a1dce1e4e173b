//! `formula_puppet::parse` on arbitrary bytes, lossily decoded; what parses is ported.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("formula-fuzz-puppet-{}", std::process::id())).join("m");
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::puppet(scratch(), data));
