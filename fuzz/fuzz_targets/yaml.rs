//! `formula_sdk::yaml::parse` on arbitrary bytes, lossily decoded.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::yaml(data));
