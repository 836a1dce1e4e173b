//! The formula format and everything that reads it.
//!
//! A formula is a Juju classic charm: a directory with `metadata.yaml`, `config.yaml`,
//! `actions.yaml`, a `revision` file and `hooks/`. This crate loads one into a typed model in
//! which every value keeps its position, checks it with Juju's own rules and every check of
//! `charm proof`, and renders the findings for people and for CI.
//!
//! The hook API that formulas written in Rust use is not here but in the crate formula-hook,
//! which formula authors depend on alone.
//!
//! ```
//! # #[cfg(feature = "lint")] {
//! use formula_sdk::{format::Formula, lint};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("metadata.yaml"), "name: demo\nsummary: s\ndescription: d\n").unwrap();
//! let formula = Formula::load(dir.path());
//! let findings = lint::lint_formula(&formula, &lint::Selection::default());
//! assert!(findings.iter().any(|d| d.rule == "copyright-missing"));
//! # }
//! ```
#![deny(missing_docs)]

#[cfg(feature = "lint")]
pub mod build;
#[cfg(feature = "lint")]
pub mod diagnostic;
#[cfg(feature = "lint")]
pub mod format;

/// How Juju (Go) reads numbers and booleans written as strings.
#[cfg(feature = "lint")]
pub mod go {
    pub use crate::lint::rules::support::go::{parse_bool, parse_int};
}
#[cfg(feature = "lint")]
pub mod lint;
#[cfg(feature = "lint")]
pub mod pack;
#[cfg(feature = "lint")]
pub mod render;
#[cfg(feature = "lint")]
pub mod scaffold;
#[cfg(feature = "lint")]
pub mod source;
#[cfg(feature = "lint")]
pub mod yaml;

#[cfg(feature = "lint")]
pub use diagnostic::{Diagnostic, Severity};
#[cfg(feature = "lint")]
pub use format::Formula;
