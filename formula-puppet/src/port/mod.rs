//! The port of a Puppet module into a formula.
//!
//! [`port_module`] reads `manifests/**/*.pp`, `templates/` and `files/` of a module, or of
//! every module on a control repository's module path (with its [`hiera`] data), walks one
//! class ([`eval`]), and writes a formula: class parameters become options,
//! packages the install hook, files, directories, links and execs config-changed, services
//! start and stop, ERB and EPP templates python3 scripts ([`template`]). What it cannot translate is
//! listed in `PORTING.md` with file:line and marked `TODO(port-puppet)` in the hooks.

pub mod eval;
pub mod hiera;
pub mod hooks;
pub mod template;

use super::ast::{Definition, ExprKind};
use super::{epp, erb, parse, ParseError};
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
    /// A control repository was given without `--class`.
    NoClassGiven {
        /// Its roles (or, without roles, its classes).
        known: Vec<String>,
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
            PortError::NoClassGiven { known } => {
                write!(f, "a control repository needs `--class`; its roles: {}", known.join(", "))
            }
            PortError::NoClass { class, known } if known.is_empty() => write!(
                f,
                "class `{class}` is not there: no class was found, neither in the module's manifests/ nor on a control repository's module path (environment.conf; for `$basemodulepath`, puppet.conf's setting, give its directories with `--basemodulepath DIR:DIR`)"
            ),
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

/// A parsed module, or the modules of a control repository's module path.
#[derive(Debug, Default)]
pub struct Module {
    /// Its name (`memcached`), or the repository's directory name.
    pub name: String,
    /// The modules read: name → directory (one for a module).
    pub dirs: BTreeMap<String, PathBuf>,
    /// A control repository (its module path) rather than one module.
    pub tree: bool,
    /// Manifests that do not parse: (path as in `files`, error). They stop the port only
    /// when it needs a class from one.
    pub broken: Vec<(String, ParseError)>,
    /// What the reading noted (missing module path directories, hiera levels skipped).
    pub notes: Vec<Todo>,
    /// The hiera data, in a control repository that has some (read for the class ported).
    pub hiera: Option<hiera::Hiera>,
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
    // The directory's name as given (Debian links `modules/mongodb` to a directory of another
    // name), else as resolved (`.`).
    let given = dir.file_name().filter(|n| *n != "." && *n != "..").map(|n| n.to_string_lossy().into_owned());
    let dir_name =
        given.or_else(|| dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())));
    module.name = meta_name.or(dir_name).unwrap_or_else(|| "module".into());
    module.dirs.insert(module.name.clone(), dir.to_path_buf());
    read_manifests(dir, dir, &mut module);
    Ok(module)
}

/// Whether `path` is a control repository (an `environment.conf`, or `modules/` without
/// `manifests/`) rather than a module.
pub fn is_control_repo(path: &Path) -> bool {
    path.join("environment.conf").is_file() || (!path.join("manifests").is_dir() && path.join("modules").is_dir())
}

/// Reads a module, or every module on a control repository's module path.
pub fn load(path: &Path) -> Result<Module, PortError> {
    load_with(path, &[])
}

/// [`load`], with `basemodulepath` standing for `$basemodulepath` in environment.conf (Puppet
/// takes it from puppet.conf, which is not in the repository).
pub fn load_with(path: &Path, basemodulepath: &[PathBuf]) -> Result<Module, PortError> {
    if is_control_repo(path) {
        load_tree_with(path, basemodulepath)
    } else {
        load_module(path)
    }
}

/// The module path of `environment.conf` (`modulepath = modules:vendor_modules:…`), else
/// `modules`.
pub fn module_path(root: &Path) -> Vec<String> {
    let conf = std::fs::read_to_string(root.join("environment.conf")).unwrap_or_default();
    for line in conf.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(value) = line.strip_prefix("modulepath").map(str::trim_start).and_then(|r| r.strip_prefix('=')) {
            return value
                .split(':')
                .map(|d| d.trim().trim_matches('"').to_string())
                .filter(|d| !d.is_empty())
                .collect();
        }
    }
    vec!["modules".into()]
}

/// Reads every module on a control repository's module path (the first directory that holds
/// a module's name wins, as in Puppet).
pub fn load_tree(root: &Path) -> Result<Module, PortError> {
    load_tree_with(root, &[])
}

/// [`load_tree`], with `basemodulepath` for `$basemodulepath`.
pub fn load_tree_with(root: &Path, basemodulepath: &[PathBuf]) -> Result<Module, PortError> {
    let mut module = Module { tree: true, ..Default::default() };
    let root_name = root.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    module.name = root_name.unwrap_or_else(|| "control".into());
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for entry in module_path(root) {
        if entry == "$basemodulepath" && !basemodulepath.is_empty() {
            entries.extend(basemodulepath.iter().map(|dir| (dir.display().to_string(), root.join(dir))));
        } else {
            entries.push((entry.clone(), root.join(&entry)));
        }
    }
    for (entry, dir) in entries {
        if entry.starts_with('$') || !dir.is_dir() {
            let action = if entry == "$basemodulepath" {
                "skipped: it is puppet.conf's setting; give its directories with `--basemodulepath DIR:DIR`"
            } else {
                "skipped; its classes are listed below where the port needs them"
            };
            module.notes.push(Todo {
                at: "environment.conf".into(),
                what: format!("module path directory `{entry}` is not there"),
                action: action.into(),
                before: usize::MAX,
            });
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
        dirs.sort();
        for m in dirs {
            let Some(name) = m.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            if module.dirs.contains_key(&name) {
                continue;
            }
            module.dirs.insert(name, m.clone());
            read_manifests(&m, root, &mut module);
        }
    }
    Ok(module)
}

/// Parses the manifests of the module at `dir` into `module` (paths relative to `base`); a
/// manifest that does not parse is kept aside in `module.broken`.
fn read_manifests(dir: &Path, base: &Path, module: &mut Module) {
    let mut manifests = Vec::new();
    files_under(&dir.join("manifests"), &mut manifests);
    for path in manifests.into_iter().filter(|p| p.extension().is_some_and(|e| e == "pp")) {
        let shown = rel(&path, base);
        let parsed = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => parse(&text),
                Err(_) => Err(ParseError { pos: crate::pos_at("", 0), message: "not UTF-8 text".into() }),
            },
            Err(e) => Err(ParseError { pos: crate::pos_at("", 0), message: e.to_string() }),
        };
        match parsed {
            Ok(manifest) => {
                let index = module.files.len();
                module.files.push(ModuleFile { path: shown });
                collect_definitions(&manifest.body, index, module);
            }
            Err(error) => module.broken.push((shown, error)),
        }
    }
}

impl Module {
    /// The manifest that would hold `class` (Puppet's autoloader layout:
    /// `MODULE/manifests/a/b.pp` for `MODULE::a::b`) when it is one that does not parse.
    pub fn broken_for(&self, class: &str) -> Option<&(String, ParseError)> {
        let class = class.trim_start_matches("::");
        let mut parts = class.split("::");
        let module = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        let file = if rest.is_empty() { "init.pp".to_string() } else { format!("{}.pp", rest.join("/")) };
        let dir = self.dirs.get(module)?;
        let wanted = dir.join("manifests").join(file);
        self.broken.iter().find(|(shown, _)| wanted.ends_with(shown))
    }

    /// Where a file of module `m` (`m/x` as `template()` and `puppet:///modules/` name it)
    /// goes in the formula, under `kind` (`templates`, `files`): `kind/x` for a module,
    /// `kind/m/x` for a control repository.
    pub fn formula_path(&self, kind: &str, module_and_path: &str) -> Option<(PathBuf, String)> {
        let (m, local) = module_and_path.trim_start_matches('/').split_once('/')?;
        let dir = self.dirs.get(m)?;
        let source = dir.join(kind).join(local);
        let target = if self.tree { format!("{kind}/{m}/{local}") } else { format!("{kind}/{local}") };
        Some((source, target))
    }
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
    /// The formula's name (the default directory to write it to).
    pub name: String,
    /// The class ported.
    pub class: String,
    /// The files the formula manages: (path on the unit, a directory tree copied whole).
    pub managed: Vec<(String, bool)>,
    /// Variables of classes that are not there (`passwords::etherpad::etherpad_db_pass`) and
    /// the options without a default that stand for them.
    pub absent: Vec<(String, String)>,
    /// Classes the class includes that are not there.
    pub absent_classes: Vec<String>,
    /// Defined types of modules that are not there, with the attributes given to them.
    pub absent_defines: BTreeMap<String, Vec<String>>,
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
    port_module_with(dir, class, &[])
}

/// [`port_module`], with `basemodulepath` for a control repository's `$basemodulepath`.
pub fn port_module_with(dir: &Path, class: Option<&str>, basemodulepath: &[PathBuf]) -> Result<Ported, PortError> {
    // The walk recurses as deep as the manifests nest: give it the parser's stack.
    super::with_stack(|| port_on_this_thread(dir, class, basemodulepath)).unwrap_or_else(|| {
        Err(PortError::Io { path: dir.to_path_buf(), error: std::io::Error::other("cannot start the port's thread") })
    })
}

fn port_on_this_thread(dir: &Path, class: Option<&str>, basemodulepath: &[PathBuf]) -> Result<Ported, PortError> {
    let mut module = load_with(dir, basemodulepath)?;
    let class = match class {
        Some(c) => c.trim_start_matches("::").to_string(),
        None if module.tree => return Err(PortError::NoClassGiven { known: known_roles(&module) }),
        None => module.name.clone(),
    };
    if !module.classes.contains_key(&class) {
        if let Some((path, error)) = module.broken_for(&class) {
            return Err(PortError::Syntax { path: dir.join(path), error: error.clone() });
        }
        let known = if module.tree { known_roles(&module) } else { module.classes.keys().cloned().collect() };
        return Err(PortError::NoClass { class, known });
    }
    if module.tree {
        module.hiera = hiera::Hiera::load(dir, &class);
    }
    let walked = eval::walk(&module, &class);
    if let Some((path, error)) = &walked.broken {
        return Err(PortError::Syntax { path: dir.join(path), error: error.clone() });
    }
    let mut ported = Ported::default();
    let mut todos = module.notes.clone();
    if let Some(h) = &module.hiera {
        for note in &h.notes {
            todos.push(Todo {
                at: "hiera.yaml".into(),
                what: note.clone(),
                action: "set the options these values would have given by hand".into(),
                before: usize::MAX,
            });
        }
    }
    todos.extend(walked.todos.clone());

    // Templates the resources use → python3 scripts.
    let mut templates = BTreeMap::new();
    let mut template_ports = Vec::new();
    let mut module_files: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for r in &walked.resources {
        for v in [r.attrs.get("content"), r.attrs.get("source")].into_iter().flatten() {
            let Val::Template(paths) = v else { continue };
            for p in paths {
                if templates.contains_key(p) {
                    continue;
                }
                let Some((src, target)) = module.formula_path("templates", p) else {
                    todos.push(Todo {
                        at: r.at.clone(),
                        what: format!("template `{p}` of a module that is not here"),
                        action: "copy and port that template".into(),
                        before: 0,
                    });
                    continue;
                };
                let text = match std::fs::read_to_string(&src) {
                    Ok(t) => t,
                    Err(e) => {
                        todos.push(Todo {
                            at: r.at.clone(),
                            what: format!("template `{p}` cannot be read ({e})"),
                            action: "write the file by hand".into(),
                            before: 0,
                        });
                        continue;
                    }
                };
                let epp = p.ends_with(".epp");
                // A template the reader cannot read is left to write by hand, not the port's end.
                let nodes = match if epp { epp::parse(&text) } else { erb::parse(&text) } {
                    Ok(nodes) => nodes,
                    Err(error) => {
                        todos.push(Todo {
                            at: format!("{target}:{}:{}", error.pos.line, error.pos.column),
                            what: format!("the template does not read here: {}", error.message),
                            action: "write the file it renders by hand".into(),
                            before: 0,
                        });
                        continue;
                    }
                };
                let mut rendered = template::render_script(&target, &nodes);
                if epp {
                    rendered.script = rendered.script.replacen("(an ERB template", "(an EPP template", 1);
                }
                for (pos, what) in rendered.gaps {
                    todos.push(Todo {
                        at: format!("{target}:{}", pos.line),
                        what,
                        action: "edit the rendered script by hand".into(),
                        before: usize::MAX,
                    });
                }
                template_ports.extend(literal_ports(&text));
                let script_path = format!("{}.py", target.trim_end_matches(".erb").trim_end_matches(".epp"));
                ported.files.insert(script_path.clone(), (rendered.script.into_bytes(), true));
                templates.insert(p.clone(), (script_path, rendered.variables));
            }
        }
        // Files the module ships: a file, or a whole directory (`recurse`).
        for v in [r.attrs.get("source"), r.attrs.get("content")].into_iter().flatten() {
            let items = match v {
                Val::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for item in items {
                let Val::ModuleFile(p) = item else { continue };
                if module_files.contains_key(&p) {
                    continue;
                }
                let found = module.formula_path("files", &p).filter(|(src, _)| src.exists());
                let Some((src, target)) = found else {
                    todos.push(Todo {
                        at: r.at.clone(),
                        what: format!("file `{p}` is not here (a module not on the path, or a file it lacks)"),
                        action: "copy it into files/".into(),
                        before: 0,
                    });
                    continue;
                };
                let is_dir = src.is_dir();
                let mut found = Vec::new();
                if is_dir {
                    files_under(&src, &mut found);
                } else {
                    found.push(src.clone());
                }
                for f in found {
                    let bytes = std::fs::read(&f).map_err(|error| PortError::Io { path: f.clone(), error })?;
                    let inside = f.strip_prefix(&src).ok().filter(|r| !r.as_os_str().is_empty());
                    let to = match inside {
                        Some(r) => format!("{target}/{}", r.to_string_lossy()),
                        None => target.clone(),
                    };
                    ported.files.insert(to, (bytes, false));
                }
                module_files.insert(p.clone(), (target, is_dir));
            }
        }
    }
    template_ports.sort_unstable();
    template_ports.dedup();
    let option_ports: Vec<String> =
        walked.options.iter().filter_map(|o| o.default.as_ref().and_then(Val::text)).collect();
    template_ports.retain(|p| !option_ports.contains(&p.to_string()));

    let origin = match module.tree {
        true => format!("the control repository `{}`", module.name),
        false => format!("the Puppet module `{}`", module.name),
    };
    let input = hooks::HookInput {
        walked: &walked,
        origin: &origin,
        templates: &templates,
        module_files: &module_files,
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

    // A control repository's formula is named after the class (`etherpad` for
    // `role::etherpad`), a module's after the module.
    let (display, source) = if module.tree {
        let last = class.rsplit("::").next().unwrap_or(&class).to_string();
        (last, format!("class `{class}` of the control repository `{}`", module.name))
    } else {
        (module.name.clone(), format!("the Puppet module `{}`", module.name))
    };
    let formula_name = formula_name(&display);
    let summary = module.summary.clone().unwrap_or_else(|| match module.tree {
        true => format!("{display} (ported from the Puppet class `{class}`)"),
        false => format!("{display} (ported from {source})"),
    });
    let maintainer = match &module.author {
        Some(a) if a.contains('<') && a.contains('@') => a.clone(),
        author => {
            let who = author.clone().unwrap_or_else(|| {
                let what = if module.tree { "control repository" } else { "Puppet module" };
                format!("Authors of the {what} {}", module.name)
            });
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
        "name: {formula_name}\ndisplay-name: {}\nsummary: {}\nmaintainer: {}\ndescription: |\n  Ported from {} by `formula port-puppet`.\n  See PORTING.md for what is left to port by hand.\ntags: [misc]\nseries: [jammy]\n",
        yaml_str(&display),
        yaml_str(&summary),
        yaml_str(&maintainer),
        if module.tree { source.clone() } else { format!("{source} (class `{class}`)") }
    );
    ported.files.insert("metadata.yaml".into(), (metadata.into_bytes(), false));
    ported.files.insert("config.yaml".into(), (config_yaml(&walked.options).into_bytes(), false));
    ported.files.insert("revision".into(), (b"1\n".to_vec(), false));
    ported.files.insert(
        "copyright".into(),
        (
            if module.tree {
                format!("Ported from {source}; the licences of its modules apply.\n")
            } else {
                format!("Ported from {source}; the module's licence applies.\n")
            }
            .into_bytes(),
            false,
        ),
    );
    ported.files.insert(
        "README.md".into(),
        (format!("# {formula_name}\n\n{summary}\n\nWritten by `formula port-puppet` from class `{class}`; see PORTING.md.\n").into_bytes(), false),
    );
    ported.translated = walked.resources.len();
    ported.total = walked.total;
    ported.files.insert("PORTING.md".into(), (porting_md(&display, &class, &walked, &todos).into_bytes(), false));
    ported.todos = todos;
    ported.name = formula_name;
    ported.class = class.clone();
    ported.absent = walked.absent.clone();
    ported.absent_classes = walked.absent_classes.iter().cloned().collect();
    ported.absent_defines =
        walked.absent_defines.iter().map(|(k, v)| (k.clone(), v.iter().cloned().collect())).collect();
    // A path made of options is taken with their defaults (as the formula's first run has it).
    let with_defaults = |v: &Val| match v {
        Val::Dyn(pieces) => pieces
            .iter()
            .map(|p| match p {
                eval::Piece::Text(t) => Some(t.clone()),
                eval::Piece::Option(o) => {
                    walked.options.iter().find(|x| x.name == *o).and_then(|x| x.default.as_ref()?.text())
                }
                eval::Piece::Shell(_) => None,
            })
            .collect::<Option<String>>(),
        other => other.text(),
    };
    for r in walked.resources.iter().filter(|r| r.kind == "file") {
        let path = r.attrs.get("path").and_then(with_defaults).or_else(|| with_defaults(&r.title));
        if let Some(path) = path.filter(|p| p.starts_with('/')) {
            let tree = matches!(r.attrs.get("source"), Some(Val::ModuleFile(p)) if module_files.get(p).is_some_and(|(_, dir)| *dir));
            ported.managed.push((path, tree));
        }
    }
    Ok(ported)
}

/// The roles of a control repository (`role::…` classes), else all its classes.
fn known_roles(module: &Module) -> Vec<String> {
    let roles: Vec<String> = module.classes.keys().filter(|c| c.starts_with("role::")).cloned().collect();
    if roles.is_empty() {
        module.classes.keys().cloned().collect()
    } else {
        roles
    }
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
