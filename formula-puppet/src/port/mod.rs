//! The port of a Puppet module into a formula.
//!
//! [`port_module`] reads `manifests/**/*.pp`, `templates/*.erb` and `files/` of a module,
//! walks one class ([`eval`]), and writes a formula: class parameters become options,
//! packages the install hook, files, directories, links and execs config-changed, services
//! start and stop, ERB templates python3 scripts ([`template`]). What it cannot translate is
//! listed in `PORTING.md` with file:line and marked `TODO(port-puppet)` in the hooks.

pub mod eval;
pub mod hooks;
pub mod template;

use super::ast::{Definition, ExprKind};
use super::{erb, parse, ParseError};
use eval::{OptionSpec, Val};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Something left for a person to port.
#[derive(Clone, Debug, PartialEq)]
pub struct Todo {
    /// `manifests/init.pp:12`.
    pub at: String,
    /// What was not translated.
    pub what: String,
    /// What to do about it.
    pub action: String,
    /// How many resources had been found when it was met (places its comment in the hook).
    pub before: usize,
}

/// Why a module could not be ported.
#[derive(Debug)]
pub enum PortError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A manifest or template has a syntax error.
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: ParseError,
    },
    /// The class to port is not in the module.
    NoClass {
        /// The class asked for.
        class: String,
        /// Classes the module has.
        known: Vec<String>,
    },
}

impl std::fmt::Display for PortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            PortError::Syntax { path, error } => {
                write!(f, "{}:{}:{}: {}", path.display(), error.pos.line, error.pos.column, error.message)
            }
            PortError::NoClass { class, known } => {
                write!(f, "class `{class}` is not in the module; its classes: {}", known.join(", "))
            }
        }
    }
}

impl std::error::Error for PortError {}

/// A manifest of the module.
#[derive(Clone, Debug)]
pub struct ModuleFile {
    /// Path relative to the module (`manifests/init.pp`).
    pub path: String,
}

/// A parsed module.
#[derive(Debug, Default)]
pub struct Module {
    /// Its name (`memcached`).
    pub name: String,
    /// Its manifests.
    pub files: Vec<ModuleFile>,
    /// Classes by name: (file index, definition).
    pub classes: BTreeMap<String, (usize, Definition)>,
    /// Defines by name.
    pub defines: BTreeMap<String, (usize, Definition)>,
    /// `metadata.json`'s summary, when there is one.
    pub summary: Option<String>,
    /// `metadata.json`'s author.
    pub author: Option<String>,
}

fn read(path: &Path) -> Result<String, PortError> {
    std::fs::read_to_string(path).map_err(|error| PortError::Io { path: path.to_path_buf(), error })
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).to_string_lossy().into_owned()
}

/// Reads and parses a module's manifests.
pub fn load_module(dir: &Path) -> Result<Module, PortError> {
    let mut module = Module::default();
    let meta = dir.join("metadata.json");
    let from_meta =
        std::fs::read_to_string(&meta).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    module.summary = from_meta.as_ref().and_then(|m| m["summary"].as_str().map(str::to_string));
    module.author = from_meta.as_ref().and_then(|m| m["author"].as_str().map(str::to_string));
    let meta_name = from_meta
        .as_ref()
        .and_then(|m| m["name"].as_str())
        .map(|n| n.rsplit(['-', '/']).next().unwrap_or(n).to_string());
    let dir_name = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    module.name = meta_name.or(dir_name).unwrap_or_else(|| "module".into());
    let mut manifests = Vec::new();
    files_under(&dir.join("manifests"), &mut manifests);
    for path in manifests.into_iter().filter(|p| p.extension().is_some_and(|e| e == "pp")) {
        let text = read(&path)?;
        let manifest = parse(&text).map_err(|error| PortError::Syntax { path: path.clone(), error })?;
        let index = module.files.len();
        module.files.push(ModuleFile { path: rel(&path, dir) });
        collect_definitions(&manifest.body, index, &mut module);
    }
    Ok(module)
}

fn collect_definitions(body: &[super::ast::Expr], file: usize, module: &mut Module) {
    for e in body {
        match &e.kind {
            ExprKind::Class(d) => {
                module.classes.insert(d.name.trim_start_matches("::").to_string(), (file, d.clone()));
                collect_definitions(&d.body, file, module);
            }
            ExprKind::Define(d) => {
                module.defines.insert(d.name.trim_start_matches("::").to_string(), (file, d.clone()));
            }
            _ => {}
        }
    }
}

/// A ported formula: its files, relative path → (content, executable).
#[derive(Debug, Default)]
pub struct Ported {
    /// Files to write.
    pub files: BTreeMap<String, (Vec<u8>, bool)>,
    /// Resources translated.
    pub translated: usize,
    /// Resources seen.
    pub total: usize,
    /// Items in PORTING.md.
    pub todos: Vec<Todo>,
}

impl Ported {
    /// Writes the formula under `out` (created when missing).
    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        for (rel, (content, exec)) in &self.files {
            let path = out.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, content)?;
            let mode = if *exec { 0o755 } else { 0o644 };
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
        }
        Ok(())
    }
}

/// Ports `class` (default: the module's own class) of the module at `dir`.
pub fn port_module(dir: &Path, class: Option<&str>) -> Result<Ported, PortError> {
    // The walk recurses as deep as the manifests nest: give it the parser's stack.
    super::with_stack(|| port_on_this_thread(dir, class)).unwrap_or_else(|| {
        Err(PortError::Io { path: dir.to_path_buf(), error: std::io::Error::other("cannot start the port's thread") })
    })
}

fn port_on_this_thread(dir: &Path, class: Option<&str>) -> Result<Ported, PortError> {
    let module = load_module(dir)?;
    let class = class.map(|c| c.trim_start_matches("::").to_string()).unwrap_or_else(|| module.name.clone());
    if !module.classes.contains_key(&class) {
        return Err(PortError::NoClass { class, known: module.classes.keys().cloned().collect() });
    }
    let walked = eval::walk(&module, &class);
    let mut ported = Ported::default();
    let mut todos = walked.todos.clone();

    // Templates the resources use → python3 scripts.
    let mut templates = BTreeMap::new();
    let mut template_ports = Vec::new();
    for r in &walked.resources {
        for v in [r.attrs.get("content"), r.attrs.get("source")].into_iter().flatten() {
            let Val::Template(paths) = v else { continue };
            for p in paths {
                if templates.contains_key(p) {
                    continue;
                }
                let Some(local) = p.strip_prefix(&format!("{}/", module.name)) else {
                    todos.push(Todo {
                        at: r.at.clone(),
                        what: format!("template `{p}` of another module"),
                        action: "copy and port that template".into(),
                        before: 0,
                    });
                    continue;
                };
                let src = dir.join("templates").join(local);
                let text = read(&src)?;
                let nodes = erb::parse(&text).map_err(|error| PortError::Syntax { path: src.clone(), error })?;
                let rendered = template::render_script(&format!("templates/{local}"), &nodes);
                for (pos, what) in rendered.gaps {
                    todos.push(Todo {
                        at: format!("templates/{local}:{}", pos.line),
                        what,
                        action: "edit the rendered script by hand".into(),
                        before: usize::MAX,
                    });
                }
                template_ports.extend(literal_ports(&text));
                let script_path = format!("templates/{}.py", local.trim_end_matches(".erb"));
                ported.files.insert(script_path.clone(), (rendered.script.into_bytes(), true));
                templates.insert(p.clone(), (script_path, rendered.variables));
            }
        }
        // Files the module ships.
        for v in [r.attrs.get("source"), r.attrs.get("content")].into_iter().flatten() {
            let items = match v {
                Val::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for item in items {
                if let Val::ModuleFile(p) = item {
                    match p.strip_prefix(&format!("{}/", module.name)) {
                        Some(local) => {
                            let src = dir.join("files").join(local);
                            let bytes =
                                std::fs::read(&src).map_err(|error| PortError::Io { path: src.clone(), error })?;
                            ported.files.insert(format!("files/{local}"), (bytes, false));
                        }
                        None => todos.push(Todo {
                            at: r.at.clone(),
                            what: format!("file `{p}` of another module"),
                            action: "copy it into files/".into(),
                            before: 0,
                        }),
                    }
                }
            }
        }
    }
    template_ports.sort_unstable();
    template_ports.dedup();
    let option_ports: Vec<String> =
        walked.options.iter().filter_map(|o| o.default.as_ref().and_then(Val::text)).collect();
    template_ports.retain(|p| !option_ports.contains(&p.to_string()));

    let input = hooks::HookInput {
        walked: &walked,
        module: &module.name,
        templates: &templates,
        template_ports: &template_ports,
    };
    let hook_todos: Vec<Todo> = todos.iter().filter(|t| t.before != usize::MAX).cloned().collect();
    let exec = |s: String| (s.into_bytes(), true);
    ported.files.insert("hooks/install".into(), exec(hooks::install(&input)));
    ported.files.insert("hooks/config-changed".into(), exec(hooks::config_changed(&input, &hook_todos)));
    ported.files.insert("hooks/start".into(), exec(hooks::start(&input)));
    ported.files.insert("hooks/stop".into(), exec(hooks::stop(&input)));
    ported.files.insert(
        "hooks/upgrade-charm".into(),
        exec("#!/bin/bash\n# upgrade-charm: install again (packages are idempotent); config-changed follows.\nset -eu\nexec \"$CHARM_DIR/hooks/install\"\n".into()),
    );
    ported.files.insert("lib/port-puppet.sh".into(), (hooks::SHELL_LIBRARY.as_bytes().to_vec(), false));

    let formula_name = formula_name(&module.name);
    let summary = module
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} (ported from the Puppet module `{}`)", module.name, module.name));
    let maintainer = match &module.author {
        Some(a) if a.contains('<') && a.contains('@') => a.clone(),
        author => {
            let who = author.clone().unwrap_or_else(|| format!("Authors of the Puppet module {}", module.name));
            todos.push(Todo {
                at: "metadata.yaml".into(),
                what: "maintainer e-mail unknown".into(),
                action: "put the maintainer's address in metadata.yaml".into(),
                before: usize::MAX,
            });
            format!("{who} <maintainers@example.org>")
        }
    };
    let metadata = format!(
        "name: {formula_name}\ndisplay-name: {}\nsummary: {}\nmaintainer: {}\ndescription: |\n  Ported from the Puppet module `{}` (class `{class}`) by `formula port-puppet`.\n  See PORTING.md for what is left to port by hand.\ntags: [misc]\nseries: [jammy]\n",
        yaml_str(&module.name),
        yaml_str(&summary),
        yaml_str(&maintainer),
        module.name
    );
    ported.files.insert("metadata.yaml".into(), (metadata.into_bytes(), false));
    ported.files.insert("config.yaml".into(), (config_yaml(&walked.options).into_bytes(), false));
    ported.files.insert("revision".into(), (b"1\n".to_vec(), false));
    ported.files.insert(
        "copyright".into(),
        (
            format!("Ported from the Puppet module `{}`; the module's licence applies.\n", module.name).into_bytes(),
            false,
        ),
    );
    ported.files.insert(
        "README.md".into(),
        (format!("# {formula_name}\n\n{summary}\n\nWritten by `formula port-puppet` from class `{class}`; see PORTING.md.\n").into_bytes(), false),
    );
    ported.translated = walked.resources.len();
    ported.total = walked.total;
    ported.files.insert("PORTING.md".into(), (porting_md(&module.name, &class, &walked, &todos).into_bytes(), false));
    ported.todos = todos;
    Ok(ported)
}

/// The formula name for a module name: lowercase, hyphens for anything else.
pub fn formula_name(module: &str) -> String {
    let mut name: String =
        module.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "puppet-");
    }
    name.trim_end_matches('-').to_string()
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn config_yaml(options: &[OptionSpec]) -> String {
    if options.is_empty() {
        return "options: {}\n".into();
    }
    let mut s = String::from("options:\n");
    for o in options {
        let _ = writeln!(s, "  {}:\n    type: {}", o.name, o.kind);
        let default = match (&o.default, o.json) {
            (Some(v), true) => Some(yaml_str(&to_json(v).to_string())),
            (Some(Val::Str(t)), _) => Some(yaml_str(t)),
            (Some(v), _) if o.kind == "string" => v.text().map(|t| yaml_str(&t)),
            (Some(v), _) => v.text(),
            (None, _) => None,
        };
        if let Some(d) = default {
            let _ = writeln!(s, "    default: {d}");
        }
        let mut description = o.description.clone();
        if o.json {
            description.push_str(" (JSON text: the Puppet value is an array or a hash)");
        }
        let _ = writeln!(s, "    description: {}", yaml_str(&description));
    }
    s
}

fn to_json(v: &Val) -> serde_json::Value {
    match v {
        Val::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Val::Hash(pairs) => serde_json::Value::Object(pairs.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Val::Num(n) => {
            n.parse::<i64>().map(serde_json::Value::from).unwrap_or_else(|_| serde_json::Value::from(n.clone()))
        }
        Val::Bool(b) => serde_json::Value::Bool(*b),
        other => other.text().map(serde_json::Value::from).unwrap_or(serde_json::Value::Null),
    }
}

/// Ports written literally in a template (`port 11211`, `Listen 80`, `listen_port = 8080`).
fn literal_ports(text: &str) -> Vec<u16> {
    let re = regex::Regex::new(r"(?im)^\s*(?:listen|port|listen_port|\w+_port)\s*[=:]?\s*(\d{2,5})\s*$");
    let Ok(re) = re else { return Vec::new() };
    re.captures_iter(text).filter_map(|c| c.get(1)?.as_str().parse().ok()).collect()
}

fn porting_md(module: &str, class: &str, walked: &eval::Walked, todos: &[Todo]) -> String {
    let mut s = format!(
        "# Porting `{module}`\n\nCoverage: {} of {} resources translated (class `{class}`).\n\n",
        walked.resources.len(),
        walked.total
    );
    if todos.is_empty() {
        s.push_str("Nothing is left to port by hand.\n");
    } else {
        let _ = writeln!(
            s,
            "Left to port by hand ({}); each is marked `TODO(port-puppet)` in the hook or script:\n",
            todos.len()
        );
        s.push_str("| where | what | what to do |\n|---|---|---|\n");
        for t in todos {
            let _ = writeln!(s, "| {} | {} | {} |", t.at, t.what.replace('|', "\\|"), t.action.replace('|', "\\|"));
        }
    }
    s.push_str("\n## Translated\n\n");
    for r in &walked.resources {
        let _ = writeln!(
            s,
            "- {} `{}` ({})",
            r.kind,
            r.key().split_once('[').map(|(_, t)| t.trim_end_matches(']')).unwrap_or(""),
            r.at
        );
    }
    s
}
