//! The end-to-end tests of `formula`: the built binary run on real formulas and scenarios.
//!
//! One test crate with a module per command or area, as cargo's own `tests/testsuite`: the
//! support code compiles once and the suite links once (one test binary instead of one per
//! file, each linking the binary's dependencies again). Fixtures stay beside this directory
//! (`tests/formulas`, `tests/puppet`, `tests/scenarios`); snapshots are in `snapshots/`.
//!
//! Run one area with `cargo test -p formula-cli --test e2e sim_ns::`.

mod support;

mod build_cli;
mod bundle_cli;
mod docs_links;
mod editor_yaml_ls;
mod jubilant_suite;
mod juju_cli;
mod lint_cli;
mod new_cli;
mod ops_charms;
mod pack_cli;
mod port_puppet;
mod precommit;
mod proof_parity;
mod publish_cli;
mod puppet_conformance;
mod schema_cli;
mod sim_base;
mod sim_checks;
mod sim_clock;
mod sim_engine;
mod sim_examples;
mod sim_exhaustive;
mod sim_explore;
mod sim_formula_dir;
mod sim_host;
mod sim_html;
mod sim_lxd;
mod sim_ns;
mod sim_output;
mod sim_packages;
mod sim_rootless;
mod sim_sandbox;
mod sim_subordinate;
mod sim_worker;
mod test_cli;
mod wasm_hooks;
