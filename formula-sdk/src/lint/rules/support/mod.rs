//! Helpers the rules share, one module per concept.
//!
//! A helper lives here when two or more rules need it; what only one rule needs stays in that
//! rule's file.

pub mod go;
pub mod names;
pub mod spans;
pub mod wording;
