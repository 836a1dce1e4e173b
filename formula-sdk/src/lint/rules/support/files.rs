//! Paths of a formula's files, for messages and for reading them.

use crate::format::Formula;
use std::path::{Path, PathBuf};

/// The path of `shown` relative to the formula's shown directory, for messages.
pub fn relative(formula: &Formula, shown: &Path) -> String {
    shown.strip_prefix(&formula.display_dir).unwrap_or(shown).to_string_lossy().into_owned()
}

/// The file on disk that `shown` (a path under the formula's shown directory) names.
pub fn real_path(formula: &Formula, shown: &Path) -> PathBuf {
    formula.dir.join(shown.strip_prefix(&formula.display_dir).unwrap_or(shown))
}

/// The entries of the formula's root whose upper-cased name contains `README`, as `charm
/// proof` finds READMEs.
pub fn readme_names(formula: &Formula) -> Vec<&str> {
    formula.root_entries.iter().map(String::as_str).filter(|name| name.to_uppercase().contains("README")).collect()
}
