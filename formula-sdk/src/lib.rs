//! The formula format and everything that reads it.
//!
//! A formula is a Juju classic charm: a directory with `metadata.yaml`, `config.yaml`,
//! `actions.yaml`, a `revision` file and `hooks/`. This crate loads one into a typed model in
//! which every value keeps its position, checks it with Juju's own rules and every check of
//! `charm proof`, and renders the findings for people and for CI. It also packs a formula
//! into a charm archive ([`pack`]), writes a new one from a template ([`scaffold`]) and builds
//! one written in Rust ([`build`]).
//!
//! This crate is the toolkit's. Formula authors get the hook API alone, in the crate
//! formula-hook, which builds for WebAssembly; porting Puppet modules is the crate
//! formula-puppet.
//!
//! ```
//! use formula_sdk::{format::Formula, lint};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("metadata.yaml"), "name: demo\nsummary: s\ndescription: d\n").unwrap();
//! let formula = Formula::load(dir.path());
//! let findings = lint::lint_formula(&formula, &lint::Selection::default());
//! assert!(findings.iter().any(|d| d.rule == "copyright-missing"));
//! ```
#![deny(missing_docs)]

pub mod build;
pub mod charmcraft;
pub mod deployer;
pub mod diagnostic;
pub mod fix;
pub mod format;
pub mod go;
pub mod lint;
pub mod pack;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod source;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity};
pub use format::Formula;
