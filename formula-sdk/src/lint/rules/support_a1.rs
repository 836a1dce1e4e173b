//! Helpers shared by the file rules (F001–F009) and the metadata rules (F101–F118).

use super::support::spans::written;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::format::{Formula, ReadProblem};
use crate::lint::{LintContext, Reporter};
use crate::source::{Pos, Span};
use crate::yaml::{self, Node, NodeKind, YamlError};
use std::path::{Path, PathBuf};

/// `layer.yaml`, which `charm build` reads and whose `proof:` section extends `charm proof`.
#[derive(Debug)]
pub struct LayerFile {
    /// The path as shown to the user.
    pub path: PathBuf,
    /// The text, when it could be read.
    pub text: Option<String>,
    /// The root node, when the text parsed.
    pub node: Option<Node>,
    /// The syntax error, when it did not.
    pub error: Option<YamlError>,
    /// Why it could not be read, when it could not.
    pub problems: Vec<ReadProblem>,
}

/// Reads the formula's `layer.yaml`; `None` when there is none.
pub fn layer(formula: &Formula) -> Option<LayerFile> {
    let real = formula.dir.join("layer.yaml");
    std::fs::symlink_metadata(&real).ok()?;
    let path = formula.display("layer.yaml");
    let mut problems = Vec::new();
    let text = crate::format::read_text_public(&real, &path, &mut problems);
    let (node, error) = match text.as_deref().map(yaml::parse) {
        Some(Ok(node)) => (Some(node), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Some(LayerFile { path, text, node, error, problems })
}

/// The field names that `layer.yaml`'s `proof: <section>:` declares as extensions, which
/// `charm proof` then accepts in that metadata section. The section is a list of
/// `{name, type}` schemas (dict2colander's form); a mapping's keys are taken as names too.
pub fn proof_extension_fields(formula: &Formula, section: &str) -> Vec<String> {
    let Some(layer) = layer(formula) else {
        return Vec::new();
    };
    let Some(extensions) = layer.node.as_ref().and_then(|n| n.get("proof")).and_then(|p| p.get(section)) else {
        return Vec::new();
    };
    match &extensions.kind {
        NodeKind::Seq(items) => items.iter().filter_map(|i| i.get("name")).filter_map(Node::key_text).collect(),
        NodeKind::Map(_) => {
            extensions.map_entries().unwrap_or_default().iter().filter_map(|(k, _)| k.key_text()).collect()
        }
        _ => Vec::new(),
    }
}

/// metadata.yaml's root, when it parsed into a mapping (other roots are F009's to report).
pub fn metadata_map<'a>(ctx: &LintContext<'a>) -> Option<&'a Node> {
    ctx.metadata().filter(|root| root.is_map())
}

/// metadata.yaml's text, for cutting spans to a line.
pub fn metadata_text<'a>(ctx: &LintContext<'a>) -> &'a str {
    ctx.formula.metadata_file.as_ref().map_or("", |f| f.source.text.as_str())
}

/// Checks a field that must be a non-empty list of strings (`tags`, `categories`). Juju
/// refuses anything but a list of strings (error); `charm proof` also warns about an empty
/// list, which Juju accepts (warning, the rule's level).
pub fn check_string_list(ctx: &LintContext, out: &mut Reporter, field: &str, key: &Node, value: &Node, fill: &str) {
    let path = ctx.metadata_path();
    let text = metadata_text(ctx);
    let Some(items) = value.as_seq() else {
        let span = if value.is_null() { key.span } else { first_line(value.span, text) };
        let diagnostic = out.report(
            &path,
            Some(span),
            format!("`{field}` must be a list of strings, not {}", describe(value, text)),
        );
        diagnostic.severity = Severity::Error;
        diagnostic.help = Some(match value.as_str() {
            Some(one) => format!("make it a list: `{field}: [{one}]`; Juju refuses anything else"),
            None => format!("{fill}; Juju refuses anything but a list"),
        });
        return;
    };
    if items.is_empty() {
        out.report(&path, Some(value.span), format!("`{field}` is an empty list")).help = Some(fill.to_string());
    }
    for item in items.iter().filter(|i| i.as_str().is_none()) {
        let diagnostic = out.report(
            &path,
            Some(first_line(item.span, text)),
            format!("items of `{field}` must be strings, not {}", describe(item, text)),
        );
        diagnostic.severity = Severity::Error;
        if !matches!(item.kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
            diagnostic.help =
                Some(format!("quote it: `\"{}\"`; Juju refuses a list with anything but strings", written(item, text)));
        }
    }
}

/// The path of `shown` relative to the formula's shown directory, for messages.
pub fn relative(formula: &Formula, shown: &Path) -> String {
    shown.strip_prefix(&formula.display_dir).unwrap_or(shown).to_string_lossy().into_owned()
}

/// The file on disk that `shown` (a path under the formula's shown directory) names.
pub fn real_path(formula: &Formula, shown: &Path) -> PathBuf {
    formula.dir.join(shown.strip_prefix(&formula.display_dir).unwrap_or(shown))
}

/// Whether a mapping key is a string, as Juju's schema requires of every field name.
pub fn is_string_key(key: &Node) -> bool {
    matches!(key.kind, NodeKind::Str(_))
}

/// `span` cut at the end of its first line, so that a finding about a whole block points at
/// the line where it starts.
pub fn first_line(span: Span, text: &str) -> Span {
    let start = span.start.offset.min(text.len());
    let rest = text.get(start..span.end.offset.min(text.len()).max(start)).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    if line.len() == rest.len() {
        return span;
    }
    // Leave out a comment that ends the line (`- a  # note`).
    let line = line.find(" #").map_or(line, |i| &line[..i]).trim_end();
    let end =
        Pos { offset: start + line.len(), line: span.start.line, column: span.start.column + line.chars().count() };
    Span { start: span.start, end }
}

/// Lints a formula made of `files` (name, text) with the rule `code` alone, for unit tests.
#[cfg(test)]
pub fn lint_files(code: &str, files: &[(&str, &str)]) -> Vec<crate::Diagnostic> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a directory");
        }
        std::fs::write(path, text).expect("a file");
    }
    let formula = Formula::load(dir.path());
    let selection = crate::lint::Selection { select: vec![code.to_string()], ..Default::default() };
    crate::lint::lint_formula(&formula, &selection)
}

/// The messages of `lint_files`, for short assertions.
#[cfg(test)]
pub fn messages(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    lint_files(code, files).into_iter().map(|d| d.message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_cuts_multi_line_spans() {
        let text = "- a\n- b\n";
        let node = yaml::parse(text).unwrap();
        let span = first_line(node.span, text);
        assert_eq!((span.start.line, span.end.line, span.end.offset), (1, 1, 3));
    }

    #[test]
    fn the_rules_of_this_family_take_any_garbage() {
        let codes = "F003 F004 F005 F006 F007 F008 F009 F101 F102 F103 F104 F106 F107 F108 F109 F110 F111 F112 F113 F114 F115 F116 F117 F118";
        let docs = [
            "", "~", "42", "[1, 2]", "name: [a]\nsummary: {a: 1}\ndescription: 5\n",
            "? [a, b]\n: c\n{x: 1}: y\n", "storage: 5\ndevices: [a]\nmaintainer: {a: 1}\nmaintainers: 7\n",
            "storage: {a: {type: [x], multiple: {range: [1]}, minimum-size: {}, shared: [], properties: 5}}\n",
            "devices: {a: {type: 1, countmin: x, countmax: {}, count: [], description: 5}, 1: 2}\n",
            "tags: {a: 1}\ncategories: 5\nseries: [1, [2]]\ndisplay-name: [x]\n",
            "maintainers: [[a], {b: 1}, ~, '']\nprovides: 5\nformat: 1.5\n",
            "a: &x {b: 1, b: 2}\nc: *x\nd: {<<: *x, b: 3}\n",
            "name: é\nstorage: {é: {type: é, minimum-size: 1é, multiple: {range: 1é}}}\nmaintainer: é, ü <é>\ndisplay-name: \"é  \"\n",
            "devices: {é: {type: é, countmin: é}}\nallow: [é, F1é]\nproof: é\ntags: [é]\n",
        ];
        for doc in docs {
            let files = [
                ("metadata.yaml", doc),
                ("config.yaml", doc),
                ("actions.yaml", doc),
                ("layer.yaml", doc),
                (".formulalint.yaml", doc),
            ];
            for code in codes.split(' ') {
                let _ = lint_files(code, &files);
            }
        }
    }
}
