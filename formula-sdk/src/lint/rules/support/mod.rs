//! Helpers the rules share, one module per concept.
//!
//! A helper lives here when two or more rules need it; what only one rule needs stays in that
//! rule's file. Before writing a helper, look for it here:
//!
//! - how the readers read values: [`python`] (`charm proof`: PyYAML's types, `int()`); how
//!   Juju reads them (`ParseInt`, `ParseBool`, key names) is not a lint helper but
//!   [`crate::go`], which the loader and the simulator share;
//! - what a finding says and where it points: [`wording`] (`a map`, ``the int `5` ``, lists
//!   of names), [`spans`] (the text a node was written as, the span of a value) and
//!   [`names`] (the "did you mean" candidate);
//! - what the formula holds: [`metadata`], [`relations`], [`config`], [`actions`],
//!   [`layer`], [`hooks`] and [`files`];
//! - `testing`, for unit tests: one rule run on a temporary formula or bundle.

pub mod actions;
pub mod config;
pub mod files;
pub mod hooks;
pub mod layer;
pub mod metadata;
pub mod names;
pub mod python;
pub mod relations;
pub mod spans;
#[cfg(test)]
pub mod testing;
pub mod wording;
