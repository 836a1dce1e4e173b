//! `formula new`: a new formula from a template.
//!
//! A template is a set of files (`templates/common/` and then `templates/NAME/` of the
//! project, embedded in the binary) whose paths and contents are [`template`]s. A file whose
//! path names `{{companion}}` is written once per companion formula, one whose path names
//! `{{endpoint}}` once per relation; a file that renders to nothing but whitespace is left
//! out. `templates/README.md` documents the variables.
//!
//! ```
//! use formula_sdk::scaffold::{FormulaSpec, Relation, Role, TemplateFile, render_files};
//! let spec = FormulaSpec {
//!     name: "demo".into(),
//!     relations: vec![Relation { endpoint: "db".into(), interface: "mysql".into(), role: Role::Requires }],
//!     ..FormulaSpec::default()
//! };
//! let files = [TemplateFile::file("hooks/{{endpoint}}-relation-joined", 0o755, "#!/bin/sh\n# {{name}}\n")];
//! let out = render_files(&files, &spec).unwrap();
//! assert_eq!(out[0].path, "hooks/db-relation-joined");
//! ```

pub mod companion;
pub mod hook_crate;
pub mod template;

use crate::format::names;
use std::fmt;
use template::{Context, TemplateError, Value};

/// The part a relation plays for the new formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// `provides:`.
    Provides,
    /// `requires:`.
    Requires,
    /// `peers:`.
    Peers,
}

impl Role {
    /// The metadata section.
    pub fn section(self) -> &'static str {
        match self {
            Role::Provides => "provides",
            Role::Requires => "requires",
            Role::Peers => "peers",
        }
    }
}

/// One relation of the new formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    /// The endpoint name.
    pub endpoint: String,
    /// The interface.
    pub interface: String,
    /// Its role.
    pub role: Role,
}

/// What the writer asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaSpec {
    /// The formula's name.
    pub name: String,
    /// One line on what it does.
    pub summary: String,
    /// `Name <email>`.
    pub maintainer: String,
    /// Its relations, in the order given.
    pub relations: Vec<Relation>,
    /// A subordinate formula (deployed inside its principal's machine).
    pub subordinate: bool,
    /// The year for the copyright line.
    pub year: u32,
    /// The template's name.
    pub template: String,
}

impl Default for FormulaSpec {
    fn default() -> FormulaSpec {
        FormulaSpec {
            name: String::new(),
            summary: String::new(),
            maintainer: String::new(),
            relations: Vec::new(),
            subordinate: false,
            year: 2026,
            template: "bash".into(),
        }
    }
}

/// The endpoint that a subordinate formula gets when none of its relations is container-scoped.
pub const SUBORDINATE_ENDPOINT: (&str, &str) = ("host", "juju-info");

/// A problem with what was asked for, with the lint rule it would break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecProblem {
    /// The rule, as `F130 invalid-formula-name`, when a lint rule says so.
    pub rule: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            Some(rule) => write!(f, "{} ({rule})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl FormulaSpec {
    /// Everything wrong with the names asked for (empty when all is well).
    pub fn problems(&self) -> Vec<SpecProblem> {
        let mut problems = Vec::new();
        if let Some(why) = names::formula_name_problem(&self.name) {
            let hint = names::formula_name_suggestion(&self.name).map(|s| format!("; try `{s}`")).unwrap_or_default();
            problems.push(SpecProblem {
                rule: Some("F130 invalid-formula-name"),
                message: format!("formula name `{}` is not valid: {why}{hint}", self.name),
            });
        }
        let mut seen = Vec::new();
        for r in &self.relations {
            if let Some(why) = names::endpoint_name_problem(&r.endpoint) {
                problems.push(SpecProblem {
                    rule: Some("F212 invalid-endpoint-name"),
                    message: format!("endpoint name `{}` is not valid: {why}", r.endpoint),
                });
            }
            if r.interface.is_empty() {
                problems
                    .push(SpecProblem { rule: None, message: format!("endpoint `{}` names no interface", r.endpoint) });
            }
            if seen.contains(&r.endpoint.as_str()) {
                problems.push(SpecProblem {
                    rule: Some("F211 duplicate-endpoint-name"),
                    message: format!("endpoint `{}` is declared twice", r.endpoint),
                });
            }
            seen.push(&r.endpoint);
        }
        problems
    }

    /// The relations with the subordinate's container-scoped endpoint added when needed.
    pub fn effective_relations(&self) -> Vec<(Relation, bool)> {
        let mut out: Vec<(Relation, bool)> =
            self.relations.iter().map(|r| (r.clone(), self.subordinate && r.interface == "juju-info")).collect();
        if self.subordinate && !out.iter().any(|(_, container)| *container) {
            let (endpoint, interface) = SUBORDINATE_ENDPOINT;
            out.insert(
                0,
                (Relation { endpoint: endpoint.into(), interface: interface.into(), role: Role::Requires }, true),
            );
        }
        out
    }

    /// The variables that the templates see (listed in `templates/README.md`).
    pub fn context(&self) -> Context {
        let text = |s: &str| Value::Text(s.to_string());
        let relations = self.effective_relations();
        let item = |r: &Relation, container: bool| -> Context {
            let companion = companion_name(&self.name, r);
            Context::from([
                ("endpoint".into(), text(&r.endpoint)),
                ("endpoint_var".into(), text(&r.endpoint.replace('-', "_"))),
                ("interface".into(), text(&r.interface)),
                ("role".into(), text(r.role.section())),
                ("companion".into(), text(&companion)),
                (
                    "companion_role".into(),
                    text(match r.role {
                        Role::Provides => "requires",
                        _ => "provides",
                    }),
                ),
                ("is_provides".into(), Value::Flag(r.role == Role::Provides)),
                ("is_requires".into(), Value::Flag(r.role == Role::Requires)),
                ("is_peers".into(), Value::Flag(r.role == Role::Peers)),
                ("container".into(), Value::Flag(container)),
            ])
        };
        let list = |pick: &dyn Fn(&Relation, bool) -> bool| {
            Value::List(relations.iter().filter(|(r, c)| pick(r, *c)).map(|(r, c)| item(r, *c)).collect())
        };
        let display_name: String = self
            .name
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ");
        let has_peers = relations.iter().any(|(r, _)| r.role == Role::Peers);
        Context::from([
            ("name".into(), text(&self.name)),
            ("name_var".into(), text(&self.name.replace('-', "_"))),
            ("display_name".into(), text(&display_name)),
            ("summary".into(), text(&self.summary)),
            ("maintainer".into(), text(&self.maintainer)),
            ("year".into(), text(&self.year.to_string())),
            ("template".into(), text(&self.template)),
            ("subordinate".into(), Value::Flag(self.subordinate)),
            ("units".into(), text(if has_peers { "2" } else { "1" })),
            ("has_relations".into(), Value::Flag(!relations.is_empty())),
            ("has_provides".into(), Value::Flag(relations.iter().any(|(r, _)| r.role == Role::Provides))),
            ("has_requires".into(), Value::Flag(relations.iter().any(|(r, _)| r.role == Role::Requires))),
            ("has_peers".into(), Value::Flag(has_peers)),
            ("has_companions".into(), Value::Flag(relations.iter().any(|(r, c)| r.role != Role::Peers && !c))),
            ("relations".into(), list(&|_, _| true)),
            ("provides".into(), list(&|r, _| r.role == Role::Provides)),
            ("requires".into(), list(&|r, _| r.role == Role::Requires)),
            ("peers".into(), list(&|r, _| r.role == Role::Peers)),
            ("blocking".into(), list(&|r, c| r.role == Role::Requires && !c)),
            ("companions".into(), list(&|r, c| r.role != Role::Peers && !c)),
            ("containers".into(), list(&|_, c| c)),
        ])
    }
}

/// The test companion for a relation: a small formula on the other side of it, named after
/// the endpoint (`db` → `db-companion`), or `companion-N` when that is not a valid name.
fn companion_name(formula: &str, relation: &Relation) -> String {
    let candidate = format!("{}-companion", relation.endpoint.replace('_', "-"));
    if names::is_valid_formula_name(&candidate) && candidate != formula {
        candidate
    } else {
        format!("{formula}-{}-companion", relation.role.section())
    }
}

/// One file of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFile {
    /// Its path, itself a template.
    pub path: String,
    /// What it is.
    pub kind: FileKind,
}

/// A file's contents or a symlink's target, each a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file with its mode.
    File {
        /// Permission bits.
        mode: u32,
        /// The template text.
        text: String,
    },
    /// A symlink.
    Symlink {
        /// The target (a template).
        target: String,
    },
}

impl TemplateFile {
    /// A regular file.
    pub fn file(path: &str, mode: u32, text: &str) -> TemplateFile {
        TemplateFile { path: path.into(), kind: FileKind::File { mode, text: text.into() } }
    }
}

/// A rendered file, ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    /// Its relative path.
    pub path: String,
    /// What it is, rendered.
    pub kind: FileKind,
}

/// A template file that could not be rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    /// The template file.
    pub path: String,
    /// What went wrong, with the line.
    pub error: TemplateError,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template {}:{}: {}", self.path, self.error.line, self.error.message)
    }
}

impl std::error::Error for RenderError {}

/// Which list a path expands over, by the item variable it names.
const EXPANDING: &[(&str, &str)] = &[("{{companion}}", "companions"), ("{{endpoint}}", "relations")];

/// Renders every file of a template for `spec`, sorted by path.
pub fn render_files(files: &[TemplateFile], spec: &FormulaSpec) -> Result<Vec<RenderedFile>, RenderError> {
    let mut context = spec.context();
    // Hooks written in Rust (the template has a Cargo project): built before they run, and
    // run by the simulator as WebAssembly, which has no files.
    context.insert("rust".into(), Value::Flag(files.iter().any(|f| f.path == "Cargo.toml")));
    let mut out = Vec::new();
    for file in files {
        let fail = |error| RenderError { path: file.path.clone(), error };
        let items: Vec<Context> = match EXPANDING.iter().find(|(var, _)| file.path.contains(var)) {
            Some((_, list)) => match context.get(*list) {
                Some(Value::List(items)) => items.clone(),
                _ => Vec::new(),
            },
            None => vec![Context::new()],
        };
        for item in items {
            let mut scoped = context.clone();
            scoped.extend(item);
            let path = template::render(&file.path, &scoped).map_err(fail)?;
            let kind = match &file.kind {
                FileKind::File { mode, text } => {
                    let text = template::render(text, &scoped).map_err(fail)?;
                    if text.trim().is_empty() {
                        continue;
                    }
                    FileKind::File { mode: *mode, text }
                }
                FileKind::Symlink { target } => {
                    FileKind::Symlink { target: template::render(target, &scoped).map_err(fail)? }
                }
            };
            out.push(RenderedFile { path, kind });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|later, earlier| later.path == earlier.path);
    Ok(out)
}

/// Writes rendered files under `root` (created), with their modes and symlinks.
pub fn write_files(root: &std::path::Path, files: &[RenderedFile]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(root)?;
    for file in files {
        let path = root.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match &file.kind {
            FileKind::File { mode, text } => {
                std::fs::write(&path, text)?;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o777))?;
            }
            FileKind::Symlink { target } => std::os::unix::fs::symlink(target, &path)?,
        }
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))
}

/// The files of template `name` from a set of embedded files named `TEMPLATE/PATH`: those of
/// `common/`, overridden by those of `NAME/`; `README.md` at the top is not a template file.
pub fn template_files(all: &[TemplateFile], name: &str) -> Vec<TemplateFile> {
    let mut chosen: Vec<TemplateFile> = Vec::new();
    for prefix in ["common/", &format!("{name}/")] {
        for f in all.iter().filter(|f| f.path.starts_with(prefix)) {
            let rel = f.path[prefix.len()..].to_string();
            chosen.retain(|c| c.path != rel);
            chosen.push(TemplateFile { path: rel, kind: f.kind.clone() });
        }
    }
    chosen
}

/// The templates among embedded files named `TEMPLATE/PATH`: every top directory but `common`.
pub fn template_names(all: &[TemplateFile]) -> Vec<String> {
    let mut names: Vec<String> = all
        .iter()
        .filter_map(|f| f.path.split_once('/').map(|(dir, _)| dir.to_string()))
        .filter(|d| d != "common")
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> FormulaSpec {
        FormulaSpec {
            name: "web".into(),
            relations: vec![
                Relation { endpoint: "db".into(), interface: "mysql".into(), role: Role::Requires },
                Relation { endpoint: "cluster".into(), interface: "web-peers".into(), role: Role::Peers },
            ],
            ..FormulaSpec::default()
        }
    }

    #[test]
    fn paths_expand_per_relation_and_companion() {
        let files = [
            TemplateFile::file("hooks/{{endpoint}}-relation-joined", 0o755, "# {{role}}\n"),
            TemplateFile::file("tests/companions/{{companion}}/metadata.yaml", 0o644, "name: {{companion}}\n"),
            TemplateFile::file("peers-only", 0o644, "{{#peers}}{{endpoint}}{{/peers}}"),
            TemplateFile::file("never", 0o644, "{{#subordinate}}x{{/subordinate}}\n"),
        ];
        let out = render_files(&files, &spec()).unwrap();
        let paths: Vec<&str> = out.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "hooks/cluster-relation-joined",
                "hooks/db-relation-joined",
                "peers-only",
                "tests/companions/db-companion/metadata.yaml"
            ]
        );
    }

    #[test]
    fn problems_name_the_rule() {
        let bad = FormulaSpec { name: "My_Formula".into(), ..spec() };
        let problems = bad.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rule, Some("F130 invalid-formula-name"));
        assert!(problems[0].to_string().contains("try `my-formula`"), "{}", problems[0]);
        let mut bad_endpoint = spec();
        bad_endpoint.relations[0].endpoint = "DB".into();
        assert_eq!(bad_endpoint.problems()[0].rule, Some("F212 invalid-endpoint-name"));
        assert!(spec().problems().is_empty());
    }

    #[test]
    fn the_rules_named_are_registered() {
        let bad = FormulaSpec {
            name: "My_Formula".into(),
            relations: vec![
                Relation { endpoint: "DB".into(), interface: "mysql".into(), role: Role::Requires },
                Relation { endpoint: "DB".into(), interface: "mysql".into(), role: Role::Requires },
            ],
            ..spec()
        };
        let registered: Vec<String> =
            crate::lint::registry::RULES.iter().map(|r| format!("{} {}", r.code, r.name)).collect();
        let named: Vec<&str> = bad.problems().iter().filter_map(|p| p.rule).collect();
        assert_eq!(named.len(), 4, "{named:?}");
        for rule in named {
            assert!(registered.iter().any(|r| r == rule), "`{rule}` is not a registered rule");
        }
    }

    #[test]
    fn subordinates_get_a_container_relation() {
        let sub = FormulaSpec { subordinate: true, relations: vec![], ..spec() };
        let rels = sub.effective_relations();
        assert_eq!(rels.len(), 1);
        assert!(rels[0].1);
        assert_eq!(rels[0].0.interface, "juju-info");
    }

    #[test]
    fn common_files_are_overridden() {
        let all = [
            TemplateFile::file("common/README.md", 0o644, "common"),
            TemplateFile::file("common/a", 0o644, "a"),
            TemplateFile::file("bash/README.md", 0o644, "bash"),
        ];
        let files = template_files(&all, "bash");
        assert_eq!(files.len(), 2);
        assert!(files
            .iter()
            .any(|f| f.path == "README.md" && f.kind == FileKind::File { mode: 0o644, text: "bash".into() }));
        assert_eq!(template_names(&all), ["bash"]);
    }
}
