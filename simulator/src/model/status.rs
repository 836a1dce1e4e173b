//! Workload statuses: what a formula sets with `status-set` and Juju sets around it.

use super::Value;
use std::collections::BTreeMap;

/// A workload status: `status-get`'s answer and `status-set`'s request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusInfo {
    /// `maintenance`, `blocked`, `waiting`, `active`, `unknown`, …
    pub status: String,
    /// The message (may be empty).
    pub message: String,
    /// Extra data attached to the status (`status-get --include-data`).
    pub data: BTreeMap<String, Value>,
}
