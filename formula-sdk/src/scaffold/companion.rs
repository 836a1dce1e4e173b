//! Companions for a formula that already exists: the small formulas on the other side of its
//! relations, rendered from the templates of the companions `formula new` writes into a new
//! formula's `tests/companions/` (and, for a subordinate, `tests/principal/`), one relation at
//! a time. `formula sim DIR` deploys a formula with them.
//!
//! ```
//! use formula_sdk::scaffold::{companion, Relation, Role, TemplateFile};
//! let templates = [TemplateFile::file(
//!     "tests/companions/{{companion}}/metadata.yaml",
//!     0o644,
//!     "name: {{companion}}\n{{companion_role}}:\n  {{endpoint}}: {interface: {{interface}}}\n",
//! )];
//! let db = Relation { endpoint: "db".into(), interface: "mysql".into(), role: Role::Requires };
//! let made = companion::companion(&templates, "wiki", &db).unwrap();
//! assert_eq!(made.name, "db-companion");
//! assert_eq!(made.files[0].path, "metadata.yaml");
//! ```

use super::template::TemplateError;
use super::{companion_name, render_files, FormulaSpec, Relation, RenderError, RenderedFile, TemplateFile};

/// Where a template keeps its companions' files; `{{companion}}` is the companion's name.
pub const COMPANION_DIR: &str = "tests/companions/{{companion}}/";

/// Where a template keeps the principal a subordinate's tests put it beside.
pub const PRINCIPAL_DIR: &str = "tests/principal/";

/// The name of the principal formula ([`principal`]), as its template's metadata writes it.
pub const PRINCIPAL_NAME: &str = "principal";

/// The file in a companion's directory whose settings (a YAML map of strings) its units
/// publish on the relation when they join it, besides `service` and `address`.
pub const SETTINGS_FILE: &str = "relation-settings.yaml";

/// A companion formula, ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Companion {
    /// Its name (`db` → `db-companion`).
    pub name: String,
    /// Its files, with paths relative to its directory.
    pub files: Vec<RenderedFile>,
}

/// The companion of the formula named `formula` on `relation` (provides or requires): a
/// formula with the other role on the same endpoint name and interface, from the companion
/// files among `templates` (a template's files, as [`super::template_files`] gives them).
pub fn companion(templates: &[TemplateFile], formula: &str, relation: &Relation) -> Result<Companion, RenderError> {
    let spec = FormulaSpec { relations: vec![relation.clone()], ..spec(formula, false) };
    let files = render_under(templates, COMPANION_DIR, &spec)?;
    Ok(Companion { name: companion_name(formula, relation), files })
}

/// The name of the companion of the formula named `formula` on `relation` (`db` →
/// `db-companion`).
pub fn name(formula: &str, relation: &Relation) -> String {
    companion_name(formula, relation)
}

/// The principal that a subordinate formula named `formula` is put beside: a formula with no
/// hooks whose implicit `juju-info` the subordinate relates to.
pub fn principal(templates: &[TemplateFile], formula: &str) -> Result<Vec<RenderedFile>, RenderError> {
    render_under(templates, PRINCIPAL_DIR, &spec(formula, true))
}

/// What the companions of the formula named `formula` are rendered with.
fn spec(formula: &str, subordinate: bool) -> FormulaSpec {
    FormulaSpec {
        name: formula.to_string(),
        summary: format!("The {formula} service"),
        maintainer: format!("{formula} maintainers <{formula}@example.org>"),
        subordinate,
        ..FormulaSpec::default()
    }
}

/// The files of `templates` under `dir` (itself a template path), rendered for `spec`, with
/// paths relative to `dir` as rendered; an error when there are none.
fn render_under(templates: &[TemplateFile], dir: &str, spec: &FormulaSpec) -> Result<Vec<RenderedFile>, RenderError> {
    let chosen: Vec<TemplateFile> = templates.iter().filter(|f| f.path.starts_with(dir)).cloned().collect();
    if chosen.is_empty() {
        return Err(RenderError {
            path: dir.to_string(),
            error: TemplateError { line: 1, message: "the template has no files here".into() },
        });
    }
    let depth = dir.matches('/').count();
    let rendered = render_files(&chosen, spec)?;
    if rendered.is_empty() {
        return Err(RenderError {
            path: dir.to_string(),
            error: TemplateError { line: 1, message: "nothing renders here for this relation".into() },
        });
    }
    // Every file is under the one directory `dir` renders to, as deep as `dir`.
    let relative = |path: &str| path.splitn(depth + 1, '/').last().unwrap_or_default().to_string();
    Ok(rendered.into_iter().map(|f| RenderedFile { path: relative(&f.path), kind: f.kind }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::{FileKind, Role};

    fn templates() -> Vec<TemplateFile> {
        vec![
            TemplateFile::file("metadata.yaml", 0o644, "name: {{name}}\n"),
            TemplateFile::file(
                "tests/companions/{{companion}}/metadata.yaml",
                0o644,
                "name: {{companion}}\n{{companion_role}}: {{endpoint}}\n",
            ),
            TemplateFile::file(
                "tests/companions/{{companion}}/hooks/{{endpoint}}-relation-joined",
                0o755,
                "#!/bin/sh\n# {{name}}\n",
            ),
            TemplateFile::file(
                "tests/principal/metadata.yaml",
                0o644,
                "{{#subordinate}}name: principal\n{{/subordinate}}",
            ),
        ]
    }

    fn text(file: &RenderedFile) -> &str {
        match &file.kind {
            FileKind::File { text, .. } => text,
            FileKind::Symlink { target } => target,
        }
    }

    #[test]
    fn a_companion_takes_the_other_role_on_the_same_endpoint() {
        let website = Relation { endpoint: "website".into(), interface: "http".into(), role: Role::Provides };
        let made = companion(&templates(), "wiki", &website).unwrap();
        assert_eq!(made.name, "website-companion");
        let paths: Vec<&str> = made.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["hooks/website-relation-joined", "metadata.yaml"]);
        assert_eq!(text(&made.files[1]), "name: website-companion\nrequires: website\n");
        assert_eq!(text(&made.files[0]), "#!/bin/sh\n# wiki\n");
    }

    #[test]
    fn a_subordinate_gets_the_principal() {
        let files = principal(&templates(), "agent").unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "metadata.yaml");
        assert_eq!(text(&files[0]), "name: principal\n");
    }

    #[test]
    fn a_template_without_companions_is_an_error() {
        let db = Relation { endpoint: "db".into(), interface: "mysql".into(), role: Role::Requires };
        let error = companion(&templates()[..1], "wiki", &db).unwrap_err();
        assert_eq!(error.path, COMPANION_DIR);
    }
}
