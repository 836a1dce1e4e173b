//! Renderings of diagnostics: one file per format, the CLI only chooses one.

mod concise;
mod github;
mod human;
mod json;
mod sarif;

use crate::diagnostic::Diagnostic;
use crate::fix::Applicability;
use crate::format::Formula;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The output formats of `formula lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Like rustc: the source line and a caret under the place.
    Human,
    /// One line per finding: `path:line:col: severity[code] message`.
    Concise,
    /// A JSON array.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// The texts of the files that diagnostics point into, by shown path.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: BTreeMap<PathBuf, String>,
}

impl Sources {
    /// Adds the text of `path`.
    pub fn insert(&mut self, path: PathBuf, text: String) {
        self.files.insert(path, text);
    }

    /// Adds every text file of `formula` (YAML files, revision, hooks, actions).
    pub fn add_formula(&mut self, formula: &Formula) {
        for file in [&formula.metadata_file, &formula.config_file, &formula.actions_file].into_iter().flatten() {
            self.insert(file.source.path.clone(), file.source.text.clone());
        }
        if let Some(revision) = &formula.revision {
            self.insert(revision.source.path.clone(), revision.source.text.clone());
        }
        // READMEs and the icon are read here, for findings that point into them.
        for name in &formula.root_entries {
            if name.to_uppercase().contains("README")
                || matches!(name.as_str(), "icon.svg" | "layer.yaml" | crate::lint::ALLOW_FILE)
            {
                let mut problems = Vec::new();
                if let Some(text) =
                    crate::format::read_text(&formula.dir.join(name), &formula.display(name), &mut problems)
                {
                    self.insert(formula.display(name), text);
                }
            }
        }
        for hook in formula.hooks.iter().chain(&formula.action_files).chain(&formula.dispatch) {
            if let Some(text) = &hook.text {
                self.insert(hook.display.clone(), text.clone());
            }
        }
    }

    /// Every (path, text) pair, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&PathBuf, &String)> {
        self.files.iter()
    }

    /// Adds every file of `other`.
    pub fn extend(&mut self, other: Sources) {
        self.files.extend(other.files);
    }

    /// The text of `path`, when known.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}

/// Renders `diagnostics` (already sorted) in `format`; `color` applies to `Human` only.
pub fn render(format: Format, diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    match format {
        Format::Human => human::render(diagnostics, sources, color),
        Format::Concise => concise::render(diagnostics),
        Format::Json => json::render(diagnostics),
        Format::Sarif => sarif::render(diagnostics),
        Format::Github => github::render(diagnostics),
    }
}

/// Whether `formula lint --fix` mends the finding: `safe`, `unsafe` (only with
/// `--unsafe-fixes`), or `None` for no fix.
fn fix_kind(d: &Diagnostic) -> Option<&'static str> {
    d.fix.as_ref().map(|fix| fix.applicability.as_str())
}

/// The command that applies a finding's fix, for people.
fn fix_help(d: &Diagnostic) -> Option<&'static str> {
    d.fix.as_ref().map(|fix| match fix.applicability {
        Applicability::Safe => "`formula lint --fix` fixes this",
        Applicability::Unsafe => {
            "`formula lint --fix --unsafe-fixes` fixes this; the change may alter what the formula does, review it"
        }
    })
}

/// The 1-based (line, column) where a diagnostic starts, if it has a place.
fn start(d: &Diagnostic) -> Option<(usize, usize)> {
    d.span.map(|s| (s.start.line, s.start.column))
}
