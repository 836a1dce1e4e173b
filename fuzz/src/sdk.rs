//! The entry points of formula-sdk that the fuzz targets `yaml`, `formula_load` and `bundle`
//! (and `formula-sdk/tests/random_bytes.rs`, which includes this file as a module) drive with
//! arbitrary bytes.
//!
//! Each function panics only when formula-sdk breaks a promise: it must never panic on any
//! input, and every span it hands to a renderer must lie inside the text it points into.
//!
//! Input layout of [`formula_load`]: the bytes are split at NUL bytes, and the parts become, in
//! order, the files named in [`FORMULA_FILES`]; files after the last part are removed, so the
//! scratch directory holds exactly what the input describes.

use formula_sdk::diagnostic::Diagnostic;
use formula_sdk::format::Formula;
use formula_sdk::lint::{self, Selection};
use formula_sdk::render::{self, Format, Sources};
use formula_sdk::yaml::{self, Node, NodeKind};
use std::path::Path;

/// The files that [`formula_load`] writes, in input order, with whether each is executable.
pub const FORMULA_FILES: &[(&str, bool)] = &[
    ("metadata.yaml", false),
    ("config.yaml", false),
    ("actions.yaml", false),
    ("revision", false),
    ("hooks/install", true),
    ("hooks/db-relation-joined", false),
    (".formulalint.yaml", false),
    ("layer.yaml", false),
    ("actions/backup", true),
];

/// The formula a fuzzed bundle may name as `./f`.
const BUNDLE_FORMULA: &str =
    "name: f\nsummary: s\ndescription: d\nprovides:\n  db:\n    interface: mysql\nrequires:\n  cache: memcache\n";
const BUNDLE_FORMULA_CONFIG: &str = "options:\n  port:\n    type: int\n    default: 80\n    description: p\n";

/// Every rule, pedantic ones included.
pub fn all_rules() -> Selection {
    Selection { select: vec!["all".into()], ..Selection::default() }
}

/// Parses `data` (lossily decoded) as YAML and checks every span of the tree.
pub fn yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match yaml::parse(&text) {
        Ok(root) => {
            check_node(&root, &text);
            let _ = root.to_json();
            let _ = root.map_entries();
        }
        Err(e) => {
            check_offset(e.span.start.offset, &text, "error start");
            check_offset(e.span.end.offset, &text, "error end");
            let _ = e.to_string();
        }
    }
}

fn check_node(node: &Node, text: &str) {
    // An explicit stack: documents may nest up to the parser's depth limit.
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        check_offset(node.span.start.offset, text, "node start");
        check_offset(node.span.end.offset, text, "node end");
        assert!(node.span.start.offset <= node.span.end.offset, "node span runs backwards: {:?}", node.span);
        let _ = node.display_value();
        match &node.kind {
            NodeKind::Seq(items) => stack.extend(items),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let _ = k.key_text();
                    stack.push(k);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

fn check_offset(offset: usize, text: &str, what: &str) {
    assert!(offset <= text.len(), "{what} offset {offset} is past the end ({})", text.len());
    assert!(text.is_char_boundary(offset), "{what} offset {offset} is inside a character");
}

/// Writes `data` as the files of a formula in `dir` (see the module docs), loads it, lints it
/// with every rule and renders the findings in every format (SARIF only when `sarif`: its log
/// carries the whole rule table, the same for every input, and rendering it costs ten times
/// the rest of an execution, so the fuzz targets ask for it on one input in sixteen).
pub fn formula_load(dir: &Path, data: &[u8], sarif: bool) {
    write_formula(dir, data);
    let formula = Formula::load(dir);
    let found = lint::lint_formula(&formula, &all_rules());
    let mut sources = Sources::default();
    sources.add_formula(&formula);
    check_and_render(&found, &sources, sarif);
    let _ = formula.known_hook_names();
    let _ = formula.effective_revision();
    let _ = formula.name();
}

/// Lays out `data` as the formula files in `dir`.
pub fn write_formula(dir: &Path, data: &[u8]) {
    let mut parts = data.split(|b| *b == 0);
    for (name, executable) in FORMULA_FILES {
        let path = dir.join(name);
        match parts.next() {
            Some(part) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("create scratch dir");
                }
                std::fs::write(&path, part).expect("write scratch file");
                set_executable(&path, *executable);
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn set_executable(path: &Path, executable: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod scratch file");
}

/// Writes `data` as `bundle.yaml` in `dir` (beside a small formula `./f` that it may name),
/// lints it with every rule and renders the findings (SARIF only when `sarif`).
pub fn bundle(dir: &Path, data: &[u8], sarif: bool) {
    let formula = dir.join("f");
    if !formula.join("metadata.yaml").exists() {
        std::fs::create_dir_all(&formula).expect("create scratch formula");
        std::fs::write(formula.join("metadata.yaml"), BUNDLE_FORMULA).expect("write scratch formula");
        std::fs::write(formula.join("config.yaml"), BUNDLE_FORMULA_CONFIG).expect("write scratch formula");
    }
    let path = dir.join("bundle.yaml");
    std::fs::write(&path, data).expect("write scratch bundle");
    let shown = Path::new("bundle.yaml");
    let found = lint::lint_bundle(&path, shown, &all_rules());
    let mut sources = Sources::default();
    sources.insert(shown.to_path_buf(), String::from_utf8_lossy(data).into_owned());
    check_and_render(&found, &sources, sarif);
}

/// Checks that every span lies in the text it points into, then renders in every format.
fn check_and_render(found: &[Diagnostic], sources: &Sources, sarif: bool) {
    for d in found {
        assert!(!d.message.is_empty(), "{} reported an empty message", d.code);
        if let (Some(span), Some(text)) = (d.span, sources.get(&d.path)) {
            let what = format!("{} span in {}", d.code, d.path.display());
            check_offset(span.start.offset, text, &what);
            check_offset(span.end.offset, text, &what);
            assert!(span.start.offset <= span.end.offset, "{what} runs backwards: {span:?}");
        }
    }
    for format in [Format::Human, Format::Concise, Format::Json, Format::Sarif, Format::Github] {
        if format == Format::Sarif && !sarif {
            continue;
        }
        let out = render::render(format, found, sources, false);
        // SARIF escapes the same messages through the same serializer; re-parsing its rule
        // table on every input would cost most of the fuzzer's time.
        if format == Format::Json {
            serde_json_check(&out);
        }
    }
    let _ = render::render(Format::Human, found, sources, true);
}

/// JSON output must stay JSON whatever the messages hold.
fn serde_json_check(out: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(out) {
        panic!("JSON output does not parse: {e}");
    }
}
