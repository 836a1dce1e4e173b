//! The entry points that the fuzz targets drive with arbitrary bytes, one module per crate
//! under test. Each module is also included, as it is, by that crate's random-input test
//! (`formula-sdk/tests/random_bytes.rs`, `formula-puppet/tests/puppet_random.rs`), so that
//! `cargo test` runs the same checks on fixed inputs without cargo-fuzz.

mod puppet;
mod sdk;

pub use puppet::{epp, erb, hiera, puppet};
pub use sdk::{all_rules, bundle, formula_load, write_formula, yaml, FORMULA_FILES};
