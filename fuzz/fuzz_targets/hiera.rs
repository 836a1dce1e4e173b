//! `formula_puppet::port::hiera::Hiera::load` on arbitrary hiera.yaml and data files (split at
//! NUL), and lookups in what it read.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| std::env::temp_dir().join(format!("formula-fuzz-hiera-{}", std::process::id())).join("repo"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::hiera(scratch(), data));
