//! `formula_puppet::epp::parse` on arbitrary bytes, and the python3 renderer of what parses.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| formula_fuzz::epp(data));
