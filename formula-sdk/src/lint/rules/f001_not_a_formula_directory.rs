//! F001 `not-a-formula-directory`: a path given to lint is neither a formula directory nor a bundle.
#![doc = include_str!("f001_not_a_formula_directory.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, Group, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F001",
    name: "not-a-formula-directory",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a path given to lint is neither a formula directory nor a bundle",
    since: "0.1.0",
    proof: Some("1"),
    explanation: include_str!("f001_not_a_formula_directory.md"),
    check: Check::Driver,
};
