//! Helpers the rules share, one module per concept.
//!
//! A helper lives here when two or more rules need it; what only one rule needs stays in that
//! rule's file.

pub mod actions;
pub mod config;
pub mod files;
pub mod go;
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
