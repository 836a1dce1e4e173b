//! Walks a module's manifests from one class: variables, resource defaults, conditionals,
//! included classes and expanded defines become a flat list of resources with evaluated
//! attributes, their relationships, the class parameters (the formula's options) and what
//! was left for a person to port.

use super::{Module, Todo};
use crate::ast::*;
use std::collections::{BTreeMap, BTreeSet};

/// A piece of a value known only when the hook runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// The value of a config option.
    Option(String),
    /// A shell expansion (`$(hostname -f)` for a fact).
    Shell(String),
}

/// An evaluated value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A string (or a bare word).
    Str(String),
    /// A number as written.
    Num(String),
    /// A boolean.
    Bool(bool),
    /// `undef`.
    Undef,
    /// `default` (in selectors and cases).
    Default,
    /// Text known when the hook runs.
    Dyn(Vec<Piece>),
    /// An array.
    Array(Vec<Val>),
    /// A hash.
    Hash(Vec<(String, Val)>),
    /// `Type['title']`.
    Ref(String, String),
    /// `template('m/a.erb', …)`: the templates' paths under the module's templates/.
    Template(Vec<String>),
    /// `file('m/a')` or `puppet:///modules/m/a`: a path under the module's files/.
    ModuleFile(String),
    /// Not known to the port; why.
    Unknown(String),
}

impl Val {
    /// The text of a literal value.
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Str(s) | Val::Num(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as pieces of text (literal or known at run time).
    pub fn pieces(&self) -> Option<Vec<Piece>> {
        match self {
            Val::Dyn(p) => Some(p.clone()),
            Val::Undef => Some(Vec::new()),
            other => other.text().map(|t| vec![Piece::Text(t)]),
        }
    }

    fn truthy(&self) -> bool {
        !matches!(self, Val::Bool(false) | Val::Undef)
    }
}

/// A formula option made from a class parameter.
#[derive(Clone, Debug)]
pub struct OptionSpec {
    /// Option name (the parameter's).
    pub name: String,
    /// `int`, `float`, `boolean` or `string`.
    pub kind: &'static str,
    /// The default, when literal.
    pub default: Option<Val>,
    /// From the class's doc comment.
    pub description: String,
    /// Arrays and hashes travel as JSON text.
    pub json: bool,
    /// A string parameter whose Puppet default is `undef`: empty means `undef` (nil) to the
    /// templates, as the option cannot hold nothing.
    pub empty_is_undef: bool,
}

/// A resource of a type the port translates.
#[derive(Clone, Debug)]
pub struct Res {
    /// `package`, `file`, `service`, `exec`, `user`, `group`.
    pub kind: String,
    /// The title, evaluated.
    pub title: Val,
    /// Attributes after defaults.
    pub attrs: BTreeMap<String, Val>,
    /// Where it was declared.
    pub at: String,
    /// Variables visible where it was declared (for templates).
    pub vars: BTreeMap<String, Val>,
    /// The class (or define) that declared it.
    pub class: String,
}

impl Res {
    /// The key references use: `file[/etc/x]`.
    pub fn key(&self) -> String {
        format!("{}[{}]", self.kind, key_text(&self.title))
    }

    /// Whether a reference names this resource: `file[/etc/x]`, or `class[NAME]` of the
    /// class that declared it (`Class['memcached::config'] ~> Class['memcached::service']`).
    pub fn answers_to(&self, reference: &str) -> bool {
        reference == self.key()
            || reference
                .strip_prefix("class[")
                .and_then(|r| r.strip_suffix(']'))
                .is_some_and(|c| c.trim_start_matches("::") == self.class)
    }
}

fn key_text(v: &Val) -> String {
    match v {
        Val::Dyn(p) => p
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Option(o) => format!("${o}"),
                Piece::Shell(s) => s.clone(),
            })
            .collect(),
        other => other.text().unwrap_or_default(),
    }
}

/// The result of walking a class.
#[derive(Debug, Default)]
pub struct Walked {
    /// Options, in parameter order.
    pub options: Vec<OptionSpec>,
    /// Translated resources, in manifest order.
    pub resources: Vec<Res>,
    /// Relationships: (from key, to key, notifies).
    pub edges: Vec<(String, String, bool)>,
    /// Every resource seen, translated or not.
    pub total: usize,
    /// What a person must port.
    pub todos: Vec<Todo>,
    /// A manifest the walk needed (it holds a class the port includes) that does not parse.
    pub broken: Option<(String, crate::ParseError)>,
    /// Variables of absent classes, and the options that stand for them.
    pub absent: Vec<(String, String)>,
    /// Classes the walk included that are not there.
    pub absent_classes: BTreeSet<String>,
    /// Defined types of modules that are not there (`nrpe::check`), with the attributes
    /// their instances were given.
    pub absent_defines: BTreeMap<String, BTreeSet<String>>,
}

const TRANSLATED: &[&str] = &["package", "file", "service", "exec", "user", "group"];
const META: &[&str] = &["require", "before", "notify", "subscribe"];

/// Why a value (or a part of it) is not known to the port.
fn unknown_in(v: &Val) -> Option<String> {
    match v {
        Val::Unknown(why) => Some(why.clone()),
        Val::Array(items) => items.iter().find_map(unknown_in),
        Val::Hash(pairs) => pairs.iter().find_map(|(_, v)| unknown_in(v)),
        _ => None,
    }
}

/// Attributes the hooks translate (or that need nothing on a unit).
fn known_attribute(kind: &str, attr: &str) -> bool {
    const COMMON: &[&str] =
        &["require", "before", "notify", "subscribe", "name", "ensure", "tag", "alias", "loglevel", "audit"];
    let own: &[&str] = match kind {
        "package" => &["provider"],
        "file" => &[
            "path",
            "content",
            "source",
            "owner",
            "group",
            "mode",
            "target",
            "replace",
            "backup",
            "force",
            "show_diff",
            "selinux_ignore_defaults",
        ],
        "service" => &["enable", "provider", "hasstatus", "hasrestart", "restart", "start", "stop", "status"],
        "exec" => &[
            "command",
            "creates",
            "unless",
            "onlyif",
            "refreshonly",
            "path",
            "cwd",
            "user",
            "environment",
            "timeout",
            "tries",
            "try_sleep",
            "logoutput",
            "provider",
            "returns",
        ],
        "user" => &["gid", "home", "shell", "comment", "system", "managehome", "uid", "groups"],
        "group" => &["system", "gid"],
        _ => &[],
    };
    COMMON.contains(&attr) || own.contains(&attr)
}

/// Facts of a stock Ubuntu machine, used to decide conditions at port time.
fn ubuntu_fact(name: &str) -> Option<Val> {
    let s = |v: &str| Some(Val::Str(v.to_string()));
    match name {
        "osfamily" | "os.family" => s("Debian"),
        "operatingsystem" | "os.name" | "lsbdistid" => s("Ubuntu"),
        "kernel" => s("Linux"),
        "initsystem" | "service_provider" => s("systemd"),
        "fqdn" | "networking.fqdn" => Some(Val::Dyn(vec![Piece::Shell("$(hostname -f)".into())])),
        "hostname" | "networking.hostname" => Some(Val::Dyn(vec![Piece::Shell("$(hostname)".into())])),
        "ipaddress" | "networking.ip" => Some(Val::Dyn(vec![Piece::Shell("$(unit-get private-address)".into())])),
        "processorcount" | "processors.count" => Some(Val::Dyn(vec![Piece::Shell("$(nproc)".into())])),
        _ => None,
    }
}

struct Scope {
    vars: BTreeMap<String, Val>,
    defaults: BTreeMap<String, BTreeMap<String, Val>>,
    class: String,
}

/// Walks `module` from class `class`.
pub fn walk(module: &Module, class: &str) -> Walked {
    let mut w = Walker {
        module,
        out: Walked::default(),
        qualified: BTreeMap::new(),
        done: BTreeSet::new(),
        file: 0,
        depth: 0,
        option_keys: BTreeMap::new(),
        epp_vars: Vec::new(),
    };
    w.main_class(class);
    w.out
}

struct Walker<'m> {
    module: &'m Module,
    out: Walked,
    /// `class::var` of every class walked.
    qualified: BTreeMap<String, Val>,
    done: BTreeSet<String>,
    file: usize,
    depth: usize,
    /// Options made from hiera keys and absent classes' variables: key → option name.
    option_keys: BTreeMap<String, String>,
    /// Parameters an `epp()` call gave its template (the resource's variables).
    epp_vars: Vec<(String, Val)>,
}

impl Walker<'_> {
    fn at(&self, e: &Expr) -> String {
        format!("{}:{}", self.module.files.get(self.file).map(|f| f.path.as_str()).unwrap_or("?"), e.span.start.line)
    }

    fn todo(&mut self, e: &Expr, what: impl Into<String>, action: impl Into<String>) {
        let at = self.at(e);
        // One line: it is a table row in PORTING.md and a comment in the hook.
        let what = what.into().split_whitespace().collect::<Vec<_>>().join(" ");
        if !self.out.todos.iter().any(|t| t.at == at && t.what == what) {
            let before = self.out.resources.len();
            self.out.todos.push(Todo { at, what, action: action.into(), before });
        }
    }

    fn main_class(&mut self, name: &str) {
        let Some((file, def)) = self.module.classes.get(name).cloned() else { return };
        self.done.insert(name.to_string());
        let mut scope = Scope { vars: BTreeMap::new(), defaults: BTreeMap::new(), class: name.to_string() };
        self.file = file;
        if let Some(parent) = &def.parent {
            self.inherit(parent, &mut scope, &def);
        }
        self.file = file;
        let docs = param_docs(&def.doc);
        for p in &def.params {
            let key = format!("{name}::{}", p.name);
            let from_hiera = self.hiera(&key);
            let default = match &from_hiera {
                Some(found) => Some(found.value.clone()),
                None => p.default.as_ref().map(|d| self.eval(d, &mut scope)),
            };
            let literal = default.as_ref().filter(|v| is_literal(v)).cloned();
            let (kind, json) = option_kind(p.type_expr.as_ref(), literal.as_ref());
            // An unset string option reads as "" (config-get), as an undef parameter would.
            let empty_is_undef =
                literal.is_none() && kind == "string" && !json && matches!(default, Some(Val::Undef) | None);
            let literal = if empty_is_undef { Some(Val::Str(String::new())) } else { literal };
            if let (Some(d), None, None) = (&p.default, &literal, &from_hiera) {
                if !matches!(default, Some(Val::Undef)) {
                    let e = d.clone();
                    self.todo(
                        &e,
                        format!("default of `${}` is not a literal", p.name),
                        "set the option's default in config.yaml by hand",
                    );
                }
            }
            let mut description = docs
                .get(&p.name)
                .cloned()
                .unwrap_or_else(|| format!("Parameter `${}` of Puppet class `{}`.", p.name, def.name));
            if let Some(found) = &from_hiera {
                description.push_str(&format!(" Default from hiera ({}).", found.file));
            }
            self.option_keys.insert(key, p.name.clone());
            self.out.options.push(OptionSpec {
                name: p.name.clone(),
                kind,
                default: literal,
                description,
                json,
                empty_is_undef,
            });
            let v = Val::Dyn(vec![Piece::Option(p.name.clone())]);
            self.qualified.insert(format!("{name}::{}", p.name), v.clone());
            scope.vars.insert(p.name.clone(), v);
        }
        self.block(&def.body, &mut scope);
    }

    fn inherit(&mut self, parent: &str, scope: &mut Scope, child: &Definition) {
        let parent = parent.trim_start_matches("::");
        match self.module.classes.get(parent).cloned() {
            Some((file, def)) => {
                self.file = file;
                self.done.insert(parent.to_string());
                let mut inner = Scope { vars: BTreeMap::new(), defaults: BTreeMap::new(), class: parent.to_string() };
                self.block(&def.body, &mut inner);
                scope.vars.extend(inner.vars);
            }
            None => {
                let e = child.body.first().cloned().unwrap_or(Expr { kind: ExprKind::Undef, span: Default::default() });
                self.todo(
                    &e,
                    format!("parent class `{parent}` is not in this module"),
                    "port the parent class, or inline what it sets",
                );
            }
        }
    }

    /// Walks `name` (a class of this module) once, with parameters given by `class { … }`.
    fn include(&mut self, name: &str, given: BTreeMap<String, Val>, at: &Expr) {
        let name = name.trim_start_matches("::").to_string();
        if self.done.contains(&name) {
            return;
        }
        let Some((file, def)) = self.module.classes.get(&name).cloned() else {
            if let Some(broken) = self.module.broken_for(&name) {
                self.out.broken.get_or_insert_with(|| broken.clone());
                return;
            }
            self.out.absent_classes.insert(name.clone());
            if self.module.tree {
                self.absent(&name, at);
            } else {
                self.todo(
                    at,
                    format!("class `{name}` from another module"),
                    "port that module too, or install what it provides in the install hook",
                );
            }
            return;
        };
        self.done.insert(name.clone());
        let saved = self.file;
        self.file = file;
        let mut scope = Scope { vars: BTreeMap::new(), defaults: BTreeMap::new(), class: name.clone() };
        if let Some(parent) = &def.parent {
            self.inherit(parent, &mut scope, &def);
            self.file = file;
        }
        for p in &def.params {
            let key = format!("{name}::{}", p.name);
            let v = match (given.get(&p.name), self.hiera(&key)) {
                (Some(v), _) => v.clone(),
                // Automatic parameter lookup: `CLASS::PARAM` in hiera.
                (None, Some(found)) => {
                    let description = format!("`{key}`, from hiera ({}).", found.file);
                    self.hiera_option(&key, Some(found.value), p.type_expr.as_ref(), description)
                }
                (None, None) => p.default.as_ref().map(|d| self.eval(d, &mut scope)).unwrap_or(Val::Undef),
            };
            self.qualified.insert(key, v.clone());
            scope.vars.insert(p.name.clone(), v);
        }
        self.block(&def.body, &mut scope);
        self.file = saved;
    }

    /// `key` in the hiera data, when the port reads a control repository that has some.
    fn hiera(&self, key: &str) -> Option<super::hiera::Found> {
        self.module.hiera.as_ref()?.lookup(key)
    }

    /// The option for hiera key (or absent variable) `key`, made on first use: named after
    /// the key's last segment (`listen_ip` for `profile::etherpad::listen_ip`), or more of
    /// it when an option has that name already (`etherpad_listen_ip`).
    fn hiera_option(&mut self, key: &str, value: Option<Val>, type_expr: Option<&Expr>, description: String) -> Val {
        let key = key.trim_start_matches("::");
        if let Some(name) = self.option_keys.get(key) {
            return Val::Dyn(vec![Piece::Option(name.clone())]);
        }
        let literal = value.filter(is_literal);
        let (kind, json) = option_kind(type_expr, literal.as_ref());
        let parts: Vec<&str> = key.split("::").collect();
        let taken = |n: &str| self.out.options.iter().any(|o| o.name == n);
        let name =
            (1..=parts.len()).map(|k| parts[parts.len() - k..].join("_")).find(|n| !taken(n)).unwrap_or_else(|| {
                (2..).map(|i| format!("{}_{i}", parts.join("_"))).find(|n| !taken(n)).unwrap_or_default()
            });
        self.option_keys.insert(key.to_string(), name.clone());
        self.out.options.push(OptionSpec {
            name: name.clone(),
            kind,
            default: literal,
            description,
            json,
            empty_is_undef: false,
        });
        Val::Dyn(vec![Piece::Option(name)])
    }

    /// A class that is not on the module path (a private module): listed once.
    fn absent(&mut self, class: &str, at: &Expr) {
        self.out.absent_classes.insert(class.to_string());
        let what = format!("class `{class}` is not on the module path (a private module?)");
        if !self.out.todos.iter().any(|t| t.what == what) {
            self.todo(at, what, "the values it provides are options without a default: set them");
        }
    }

    fn block(&mut self, body: &[Expr], scope: &mut Scope) -> Vec<String> {
        let mut keys = Vec::new();
        for e in body {
            keys.extend(self.statement(e, scope));
        }
        keys
    }

    /// Walks a statement; answers the keys of resources it declared (for chains).
    fn statement(&mut self, e: &Expr, scope: &mut Scope) -> Vec<String> {
        self.depth += 1;
        let keys = if self.depth > 64 {
            self.todo(e, "nesting too deep to follow", "port this part by hand");
            Vec::new()
        } else {
            self.statement_inner(e, scope)
        };
        self.depth -= 1;
        keys
    }

    fn statement_inner(&mut self, e: &Expr, scope: &mut Scope) -> Vec<String> {
        match &e.kind {
            ExprKind::Assign(_, target, value) => {
                let v = self.eval(value, scope);
                if let ExprKind::Var(name) = &target.kind {
                    self.qualified.insert(format!("{}::{name}", scope.class), v.clone());
                    scope.vars.insert(name.clone(), v);
                }
                Vec::new()
            }
            ExprKind::Resource { virtuality, type_name, bodies } => {
                if *virtuality != Virtuality::Real {
                    let type_name = type_name.trim_start_matches("::").to_lowercase();
                    if type_name.contains("::") && !self.module.defines.contains_key(&type_name) {
                        let attrs = bodies.iter().flat_map(|b| &b.attrs).map(|a| a.name.clone());
                        let attrs = attrs.filter(|a| !META.contains(&a.as_str()) && a != "*");
                        self.out.absent_defines.entry(type_name.clone()).or_default().extend(attrs);
                    }
                    let what = if *virtuality == Virtuality::Virtual { "virtual" } else { "exported" };
                    self.out.total += bodies.len();
                    self.todo(
                        e,
                        format!("{what} resource `{type_name}`"),
                        "declare it for real where it is realized, or use a relation to share it",
                    );
                    return Vec::new();
                }
                let mut keys = Vec::new();
                for body in bodies {
                    let title = self.eval(&body.title, scope);
                    let titles = match title {
                        Val::Array(items) => items,
                        other => vec![other],
                    };
                    for title in titles {
                        keys.extend(self.resource(e, type_name, title, &body.attrs, scope));
                    }
                }
                keys
            }
            ExprKind::ResourceDefaults(type_name, attrs) => {
                let mut evaluated = scope.defaults.get(&type_name.to_lowercase()).cloned().unwrap_or_default();
                for a in attrs {
                    let v = self.eval(&a.value, scope);
                    evaluated.insert(a.name.clone(), v);
                }
                scope.defaults.insert(type_name.to_lowercase(), evaluated);
                Vec::new()
            }
            ExprKind::ResourceOverride(..) => {
                self.todo(e, "resource override", "change the attributes on the resource itself");
                Vec::new()
            }
            ExprKind::Collector { type_name, exported, .. } => {
                let what = if *exported { "exported collector" } else { "collector" };
                self.todo(
                    e,
                    format!("{what} `{type_name} <| |>`"),
                    "realize the resources by hand, or share them through a relation",
                );
                Vec::new()
            }
            ExprKind::Call { name, args, lambda } => self.call_statement(e, name, args, lambda.as_deref(), scope),
            ExprKind::MethodCall { receiver, name, lambda: Some(lambda), .. } if name == "each" => {
                let coll = self.eval(receiver, scope);
                self.each(e, coll, lambda, scope)
            }
            ExprKind::If { cond, negated, then, otherwise } => {
                let v = self.condition(cond, scope);
                let take = v != *negated;
                self.block(if take { then } else { otherwise }, scope)
            }
            ExprKind::Case(subject, options) => {
                let subject_val = self.decided(subject, scope);
                for option in options {
                    for value in &option.values {
                        let v = self.eval(value, scope);
                        if matches(&subject_val, &v) {
                            return self.block(&option.body, scope);
                        }
                    }
                }
                Vec::new()
            }
            ExprKind::Chain(op, left, right) => {
                let l = self.chain_side(left, scope);
                let r = self.chain_side(right, scope);
                let notify = matches!(*op, "~>" | "<~");
                for a in &l {
                    for b in &r {
                        let (from, to) =
                            if op.starts_with('<') { (b.clone(), a.clone()) } else { (a.clone(), b.clone()) };
                        self.out.edges.push((from, to, notify));
                    }
                }
                l.into_iter().chain(r).collect()
            }
            ExprKind::Class(_) | ExprKind::Define(_) => Vec::new(),
            ExprKind::Node(..) => {
                self.todo(
                    e,
                    "node definition",
                    "node definitions choose classes per machine; deploy the formula where it belongs instead",
                );
                Vec::new()
            }
            ExprKind::Block(body) => self.block(body, scope),
            ExprKind::Opaque(_) => {
                self.todo(e, "construct the port does not model", "port it by hand");
                Vec::new()
            }
            _ => {
                self.eval(e, scope);
                Vec::new()
            }
        }
    }

    fn chain_side(&mut self, e: &Expr, scope: &mut Scope) -> Vec<String> {
        match &e.kind {
            ExprKind::Resource { .. } | ExprKind::Chain(..) => self.statement(e, scope),
            _ => refs(&self.eval(e, scope)),
        }
    }

    fn each(&mut self, e: &Expr, coll: Val, lambda: &Lambda, scope: &mut Scope) -> Vec<String> {
        let items: Vec<Vec<Val>> = match coll {
            Val::Array(items) => items.into_iter().map(|v| vec![v]).collect(),
            Val::Hash(pairs) => pairs.into_iter().map(|(k, v)| vec![Val::Str(k), v]).collect(),
            _ => {
                self.todo(e, "`each` over a value known only at run time", "loop in the hook by hand");
                return Vec::new();
            }
        };
        let mut keys = Vec::new();
        for item in items {
            let saved = scope.vars.clone();
            let values = if lambda.params.len() == 1 && item.len() == 2 { vec![Val::Array(item)] } else { item };
            for (p, v) in lambda.params.iter().zip(values) {
                scope.vars.insert(p.name.clone(), v);
            }
            keys.extend(self.block(&lambda.body, scope));
            scope.vars = saved;
        }
        keys
    }

    fn call_statement(
        &mut self,
        e: &Expr,
        name: &str,
        args: &[Expr],
        lambda: Option<&Lambda>,
        scope: &mut Scope,
    ) -> Vec<String> {
        match name {
            "include" | "contain" | "require" | "class" => {
                for a in args {
                    let v = self.eval(a, scope);
                    for n in class_names(&v) {
                        self.include(&n, BTreeMap::new(), e);
                    }
                }
            }
            "each" => {
                if let (Some(first), Some(l)) = (args.first(), lambda) {
                    let coll = self.eval(first, scope);
                    return self.each(e, coll, l, scope);
                }
            }
            "fail" => {
                let msg = args.first().map(|a| self.eval(a, scope)).and_then(|v| v.text()).unwrap_or_default();
                self.todo(
                    e,
                    format!("`fail` reached with the defaults: {msg}"),
                    "check the options: the module refuses this combination",
                );
            }
            "hiera_include" | "create_resources" | "realize" => {
                self.todo(e, format!("`{name}`"), "declare the resources it would create by hand");
            }
            // stdlib's `ensure_packages` and Wikimedia's `require_package` declare packages.
            "ensure_packages" | "stdlib::ensure_packages" | "require_package" => {
                let mut keys = Vec::new();
                // The packages are the first argument (the second holds their attributes); an
                // option's list is taken with its default.
                for a in args.iter().take(1) {
                    let v = self.eval(a, scope);
                    let v = if matches!(v, Val::Dyn(_)) { self.with_defaults(v, a) } else { v };
                    let titles = match v {
                        Val::Array(items) => items,
                        Val::Hash(pairs) => pairs.into_iter().map(|(k, _)| Val::Str(k)).collect(),
                        other => vec![other],
                    };
                    for title in titles {
                        // Like `ensure_resource`: a package declared already is left alone.
                        let key = format!("package[{}]", key_text(&title));
                        if !self.out.resources.iter().any(|r| r.key() == key) {
                            keys.extend(self.resource(e, "package", title, &[], scope));
                        }
                    }
                }
                return keys;
            }
            n if n.starts_with("validate_") || n.starts_with("assert_") => {}
            "notice" | "info" | "warning" | "debug" | "err" | "alert" | "crit" | "emerg" | "tag" => {}
            _ => {
                for a in args {
                    self.eval(a, scope);
                }
                self.todo(e, format!("function `{name}` called"), "do what it does in the hook");
            }
        }
        Vec::new()
    }

    /// Declares one resource; answers its key when translated.
    fn resource(&mut self, e: &Expr, type_name: &str, title: Val, attrs: &[Attr], scope: &mut Scope) -> Vec<String> {
        let type_name = type_name.trim_start_matches("::").to_lowercase();
        self.epp_vars.clear();
        let mut values: BTreeMap<String, Val> = scope.defaults.get(&type_name).cloned().unwrap_or_default();
        for a in attrs {
            let v = self.eval(&a.value, scope);
            if a.name == "*" {
                if let Val::Hash(pairs) = v {
                    values.extend(pairs);
                }
            } else {
                values.insert(a.name.clone(), v);
            }
        }
        if type_name == "class" {
            for n in class_names(&title) {
                let given = values
                    .iter()
                    .filter(|(k, _)| !META.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.include(&n, given, e);
            }
            return Vec::new();
        }
        if let Some((file, def)) = self.module.defines.get(&type_name).cloned() {
            return self.expand(e, &def, file, title, values);
        }
        self.out.total += 1;
        if type_name.contains("::") {
            let attrs = values.keys().filter(|k| !META.contains(&k.as_str()) && *k != "*").cloned();
            self.out.absent_defines.entry(type_name.clone()).or_default().extend(attrs);
        }
        if !TRANSLATED.contains(&type_name.as_str()) {
            self.todo(
                e,
                format!("resource `{type_name}` `{}` is not translated", key_text(&title)),
                "write its equivalent in a hook",
            );
            return Vec::new();
        }
        // Templates see the resource's scope, and other classes' variables by qualified name.
        let mut vars = self.qualified.clone();
        vars.extend(scope.vars.clone());
        vars.extend(std::mem::take(&mut self.epp_vars));
        let res = Res { kind: type_name, title, attrs: values, at: self.at(e), vars, class: scope.class.clone() };
        for (attr, value) in &res.attrs {
            if let Some(why) = unknown_in(value) {
                let what = format!(
                    "attribute `{attr}` of {} `{}` is not known at port time ({why})",
                    res.kind,
                    key_text(&res.title)
                );
                self.todo(e, what, "give it a value in the hook");
            }
            let copied_tree = attr == "recurse" && matches!(res.attrs.get("source"), Some(Val::ModuleFile(_)));
            if !known_attribute(&res.kind, attr) && !copied_tree {
                let what = format!("attribute `{attr}` of {} `{}`", res.kind, key_text(&res.title));
                self.todo(e, what, "the port ignores it; add its effect to the hook");
            }
        }
        let key = res.key();
        self.relationships(&key, &res.attrs);
        self.out.resources.push(res);
        vec![key]
    }

    fn relationships(&mut self, key: &str, attrs: &BTreeMap<String, Val>) {
        for meta in META {
            if let Some(v) = attrs.get(*meta) {
                for other in refs(v) {
                    let edge = match *meta {
                        "require" => (other, key.to_string(), false),
                        "subscribe" => (other, key.to_string(), true),
                        "before" => (key.to_string(), other, false),
                        _ => (key.to_string(), other, true),
                    };
                    self.out.edges.push(edge);
                }
            }
        }
    }

    /// Expands one instance of a define: its body with `$title`, `$name` and the instance's
    /// parameters.
    fn expand(
        &mut self,
        e: &Expr,
        def: &Definition,
        file: usize,
        title: Val,
        values: BTreeMap<String, Val>,
    ) -> Vec<String> {
        let saved = self.file;
        self.file = file;
        let mut scope = Scope { vars: BTreeMap::new(), defaults: BTreeMap::new(), class: def.name.clone() };
        scope.vars.insert("title".into(), title.clone());
        scope.vars.insert("name".into(), values.get("name").cloned().unwrap_or(title.clone()));
        for p in &def.params {
            let v = match values.get(&p.name) {
                Some(v) => v.clone(),
                None => match &p.default {
                    Some(d) => self.eval(d, &mut scope),
                    None => {
                        self.file = saved;
                        self.todo(
                            e,
                            format!("`{}` instance misses parameter `${}`", def.name, p.name),
                            "give the parameter a value",
                        );
                        self.file = file;
                        Val::Undef
                    }
                },
            };
            scope.vars.insert(p.name.clone(), v);
        }
        let keys = self.block(&def.body, &mut scope);
        self.file = saved;
        // Relationships written on the instance apply to everything it declared.
        let instance = format!("{}[{}]", def.name, key_text(&title));
        for meta in META {
            if let Some(v) = values.get(*meta) {
                for k in &keys {
                    let mut one = BTreeMap::new();
                    one.insert(meta.to_string(), v.clone());
                    self.relationships(k, &one);
                }
            }
        }
        // Edges that name the instance point at its resources.
        for k in &keys {
            let pointing: Vec<_> = self.out.edges.iter().filter(|(_, to, _)| *to == instance).cloned().collect();
            for (from, _, n) in pointing {
                self.out.edges.push((from, k.clone(), n));
            }
        }
        keys
    }

    /// Decides a condition at port time; conditions on options use the option's default
    /// and are listed in PORTING.md.
    fn condition(&mut self, cond: &Expr, scope: &mut Scope) -> bool {
        self.decided(cond, scope).truthy()
    }

    /// Evaluates `e` with options replaced by their defaults (noted as a to-do).
    fn decided(&mut self, e: &Expr, scope: &mut Scope) -> Val {
        let v = self.eval(e, scope);
        let v = self.with_defaults(v, e);
        if let Val::Unknown(why) = &v {
            let why = why.clone();
            self.todo(
                e,
                format!("condition not known at port time ({why}); its first branch is taken"),
                "check the branch chosen",
            );
        }
        v
    }

    fn with_defaults(&mut self, v: Val, at: &Expr) -> Val {
        match v {
            Val::Dyn(pieces) => {
                let mut text = String::new();
                for p in &pieces {
                    match p {
                        Piece::Text(t) => text.push_str(t),
                        Piece::Option(o) => {
                            let opt = self.out.options.iter().find(|x| x.name == *o).cloned();
                            self.todo(
                                at,
                                format!("decided at port time with option `{o}`'s default"),
                                "make the hook test the option if it must change at run time",
                            );
                            // An empty string standing for `undef` is `undef` again.
                            let opt = opt.filter(|x| !(x.empty_is_undef && x.default == Some(Val::Str(String::new()))));
                            match opt.and_then(|x| x.default) {
                                Some(d) if pieces.len() == 1 => return d,
                                Some(d) => text.push_str(&d.text().unwrap_or_default()),
                                None => return Val::Undef,
                            }
                        }
                        Piece::Shell(_) => return Val::Unknown("a fact known only on the machine".into()),
                    }
                }
                Val::Str(text)
            }
            other => other,
        }
    }

    fn lookup(&mut self, name: &str, e: &Expr, scope: &Scope) -> Val {
        if let Some(qualified) = name.strip_prefix("::").filter(|n| n.contains("::")) {
            return self.lookup(qualified, e, scope);
        }
        if let Some(fact) = name.strip_prefix("::") {
            if let Some(v) = self.qualified.get(fact).cloned() {
                return v;
            }
            return self.fact(fact, e);
        }
        if name == "facts" || name == "trusted" {
            return Val::Hash(Vec::new());
        }
        // Puppet's own: the module of the class being evaluated.
        if name == "module_name" {
            return Val::Str(scope.class.split("::").next().unwrap_or("").to_string());
        }
        if let Some(v) = scope.vars.get(name) {
            return v.clone();
        }
        if let Some(v) = self.qualified.get(name) {
            return v.clone();
        }
        if let Some((class, _)) = name.rsplit_once("::") {
            // A variable of a class that is not there (passwords in a private module): an
            // option without a default.
            if self.module.tree && !self.module.classes.contains_key(class) && self.module.broken_for(class).is_none() {
                self.absent(class, e);
                let description = format!("`${name}`, which class `{class}` (not on the module path) provides.");
                let v = self.hiera_option(name, None, None, description);
                if let Val::Dyn(pieces) = &v {
                    if let [Piece::Option(option)] = pieces.as_slice() {
                        let entry = (name.to_string(), option.clone());
                        if !self.out.absent.contains(&entry) {
                            self.out.absent.push(entry);
                        }
                    }
                }
                return v;
            }
            self.todo(e, format!("variable `${name}` from another class"), "set it in the hook, or make it an option");
            return Val::Unknown(format!("`${name}`"));
        }
        self.fact(name, e)
    }

    fn fact(&mut self, name: &str, e: &Expr) -> Val {
        match ubuntu_fact(name) {
            Some(v) => {
                self.todo(e, format!("fact `{name}`"), "the port assumes a stock Ubuntu unit; check it");
                v
            }
            None => {
                self.todo(e, format!("fact or unknown variable `{name}`"), "find its value on the unit in the hook");
                Val::Unknown(format!("fact `{name}`"))
            }
        }
    }

    fn eval(&mut self, e: &Expr, scope: &mut Scope) -> Val {
        self.depth += 1;
        let v = if self.depth > 128 { Val::Unknown("too deep".into()) } else { self.eval_inner(e, scope) };
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &Expr, scope: &mut Scope) -> Val {
        match &e.kind {
            ExprKind::Str(s) => match s.strip_prefix("puppet:///modules/") {
                Some(rest) => Val::ModuleFile(rest.to_string()),
                None => Val::Str(s.clone()),
            },
            ExprKind::Name(s) => Val::Str(s.clone()),
            ExprKind::Number(n) => Val::Num(n.clone()),
            ExprKind::Bool(b) => Val::Bool(*b),
            ExprKind::Undef => Val::Undef,
            ExprKind::Default => Val::Default,
            ExprKind::Regex(r) => Val::Str(r.clone()),
            ExprKind::TypeRef(t) => Val::Str(t.clone()),
            ExprKind::Var(v) => self.lookup(v, e, scope),
            ExprKind::Interp(parts) => {
                let mut pieces = Vec::new();
                for part in parts {
                    match part {
                        StrPart::Text(t) => pieces.push(Piece::Text(t.clone())),
                        StrPart::Expr(x) => match self.eval(x, scope).pieces() {
                            Some(p) => pieces.extend(p),
                            None => return Val::Unknown("an interpolation the port cannot follow".into()),
                        },
                    }
                }
                simplify(pieces)
            }
            ExprKind::Array(items) => Val::Array(items.iter().map(|i| self.eval(i, scope)).collect()),
            ExprKind::Hash(pairs) => {
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let key = self.eval(k, scope).text().unwrap_or_default();
                    let value = self.eval(v, scope);
                    out.push((key, value));
                }
                Val::Hash(out)
            }
            ExprKind::Access(target, index) => {
                if let ExprKind::TypeRef(t) = &target.kind {
                    let titles: Vec<Val> = index.iter().map(|i| self.eval(i, scope)).collect();
                    let refs: Vec<Val> = titles
                        .into_iter()
                        .flat_map(|v| match v {
                            Val::Array(a) => a,
                            other => vec![other],
                        })
                        .map(|v| Val::Ref(t.to_lowercase(), key_text(&v)))
                        .collect();
                    return if refs.len() == 1 {
                        refs.into_iter().next().unwrap_or(Val::Undef)
                    } else {
                        Val::Array(refs)
                    };
                }
                if let Some(path) = fact_path(e) {
                    return match ubuntu_fact(&path) {
                        Some(v) => {
                            self.todo(e, format!("fact `{path}`"), "the port assumes a stock Ubuntu unit; check it");
                            v
                        }
                        None => {
                            self.todo(e, format!("fact `{path}`"), "find its value on the unit in the hook");
                            Val::Unknown(format!("fact `{path}`"))
                        }
                    };
                }
                let base = self.eval(target, scope);
                let key = index.first().map(|i| self.eval(i, scope));
                match (base, key) {
                    (Val::Hash(pairs), Some(k)) => {
                        let k = k.text().unwrap_or_default();
                        pairs.into_iter().find(|(pk, _)| *pk == k).map(|(_, v)| v).unwrap_or(Val::Undef)
                    }
                    (Val::Array(items), Some(Val::Num(n))) => {
                        n.parse::<usize>().ok().and_then(|i| items.get(i).cloned()).unwrap_or(Val::Undef)
                    }
                    _ => Val::Unknown("an index the port cannot follow".into()),
                }
            }
            ExprKind::Call { name, args, .. } => {
                let mut vals: Vec<Val> = args.iter().map(|a| self.eval(a, scope)).collect();
                // Which template or file: decided at port time, an option by its default.
                if matches!(name.as_str(), "template" | "epp" | "file") {
                    if let Some(first) = vals.first_mut() {
                        if matches!(first, Val::Dyn(_)) {
                            *first = self.with_defaults(first.clone(), e);
                        }
                    }
                }
                match name.as_str() {
                    "template" => {
                        if vals.iter().any(|v| v.text().is_none()) {
                            self.todo(
                                e,
                                "`template` with a path known only at run time",
                                "name the template, or render it by hand",
                            );
                        }
                        Val::Template(vals.iter().filter_map(Val::text).collect())
                    }
                    "file" => vals.first().and_then(Val::text).map(Val::ModuleFile).unwrap_or(Val::Undef),
                    "hiera" | "lookup" | "hiera_array" | "hiera_hash" if self.module.hiera.is_some() => {
                        self.lookup_call(e, name, args, vals)
                    }
                    "epp" => {
                        if let Some(Val::Hash(pairs)) = vals.get(1) {
                            self.epp_vars.extend(pairs.iter().cloned());
                        }
                        match vals.first().and_then(Val::text) {
                            Some(path) => Val::Template(vec![path]),
                            None => {
                                self.todo(
                                    e,
                                    "`epp` with a path known only at run time",
                                    "name the template, or render it by hand",
                                );
                                Val::Unknown("`epp` with a path known only at run time".into())
                            }
                        }
                    }
                    "hiera" | "lookup" | "hiera_array" | "hiera_hash" => {
                        let key = vals.first().and_then(Val::text).unwrap_or_default();
                        self.todo(
                            e,
                            format!("`{name}('{key}')`"),
                            "make it a config option, or set the value in the hook",
                        );
                        Val::Unknown(format!("`{name}('{key}')`"))
                    }
                    n if n.starts_with("validate_") || n.starts_with("assert_") => Val::Undef,
                    "fail" => {
                        self.call_statement(e, name, args, None, scope);
                        Val::Undef
                    }
                    "include" | "contain" | "require" => {
                        self.call_statement(e, name, args, None, scope);
                        Val::Undef
                    }
                    _ => {
                        self.todo(e, format!("function `{name}`"), "compute the value in the hook");
                        Val::Unknown(format!("function `{name}`"))
                    }
                }
            }
            ExprKind::Unary("!", inner) => {
                let v = self.eval(inner, scope);
                match v {
                    Val::Dyn(_) | Val::Unknown(_) => Val::Unknown("a negation known at run time".into()),
                    other => Val::Bool(!other.truthy()),
                }
            }
            ExprKind::Unary("-", inner) => match self.eval(inner, scope) {
                Val::Num(n) => Val::Num(format!("-{n}")),
                _ => Val::Unknown("a negative".into()),
            },
            ExprKind::Binary(op, l, r) => {
                let a = self.eval(l, scope);
                // `and` and `or` stop at a left side that decides (`$syslog and str2bool($x)`).
                if matches!(*op, "and" | "or") {
                    let decided = if matches!(a, Val::Dyn(_)) { self.with_defaults(a.clone(), l) } else { a.clone() };
                    if is_literal(&decided) || decided == Val::Undef {
                        match (*op, decided.truthy()) {
                            ("and", false) => return Val::Bool(false),
                            ("or", true) => return Val::Bool(true),
                            _ => {}
                        }
                    }
                }
                let b = self.eval(r, scope);
                let (a, b) = if matches!(a, Val::Dyn(_)) || matches!(b, Val::Dyn(_)) {
                    (self.with_defaults(a, l), self.with_defaults(b, r))
                } else {
                    (a, b)
                };
                binary(op, a, b)
            }
            ExprKind::Selector(subject, options) => {
                let s = self.decided(subject, scope);
                for (k, v) in options {
                    let kv = self.eval(k, scope);
                    if matches(&s, &kv) {
                        return self.eval(v, scope);
                    }
                }
                Val::Undef
            }
            ExprKind::If { .. } | ExprKind::Case(..) | ExprKind::Resource { .. } | ExprKind::Chain(..) => {
                self.statement(e, scope);
                Val::Undef
            }
            _ => Val::Unknown("an expression the port does not model".into()),
        }
    }
}

impl Walker<'_> {
    /// `lookup('key')`, `lookup('key', Type, 'first', default)`, `lookup({'name' => …,
    /// 'default_value' => …})`, `hiera('key', default)`: an option whose default is the
    /// value in hiera, else the call's default.
    fn lookup_call(&mut self, e: &Expr, name: &str, args: &[Expr], vals: Vec<Val>) -> Val {
        let (key, default, type_expr) = match (vals.first(), vals.get(1)) {
            (Some(Val::Hash(pairs)), _) => {
                let get = |k: &str| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone());
                (get("name").and_then(|v| v.text()), get("default_value"), None)
            }
            // `lookup('key', { 'default_value' => … })`.
            (first, Some(Val::Hash(options))) if name == "lookup" => {
                let default = options.iter().find(|(k, _)| k == "default_value").map(|(_, v)| v.clone());
                (first.and_then(Val::text), default, None)
            }
            (first, _) => {
                let default = if name == "lookup" { vals.get(3).cloned() } else { vals.get(1).cloned() };
                let type_expr = if name == "lookup" { args.get(1) } else { None };
                (first.and_then(Val::text), default, type_expr)
            }
        };
        let Some(key) = key else {
            self.todo(e, format!("`{name}` of a key known only at run time"), "make it a config option by hand");
            return Val::Unknown(format!("`{name}` of a key known only at run time"));
        };
        let type_expr = type_expr.filter(|t| matches!(t.kind, ExprKind::TypeRef(_) | ExprKind::Access(..)));
        match self.hiera(&key) {
            Some(found) => {
                let description = format!("`{key}`, from hiera ({}).", found.file);
                self.hiera_option(&key, Some(found.value), type_expr, description)
            }
            None => {
                let description = match &default {
                    Some(_) => format!("`{key}`: not in hiera; the default of `{name}`."),
                    None => format!("`{key}`: not in hiera and without a default."),
                };
                if default.is_none() {
                    self.todo(e, format!("`{name}('{key}')` has no value in hiera"), "set the option");
                }
                self.hiera_option(&key, default, type_expr, description)
            }
        }
    }
}

fn simplify(pieces: Vec<Piece>) -> Val {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    match out.as_slice() {
        [] => Val::Str(String::new()),
        [Piece::Text(t)] => Val::Str(t.clone()),
        _ => Val::Dyn(out),
    }
}

/// `$facts['os']['family']` → `os.family`.
fn fact_path(e: &Expr) -> Option<String> {
    let ExprKind::Access(target, index) = &e.kind else { return None };
    let key = match &index.first()?.kind {
        ExprKind::Str(s) => s.clone(),
        _ => return None,
    };
    match &target.kind {
        ExprKind::Var(v) if v == "facts" || v == "::facts" => Some(key),
        ExprKind::Access(..) => fact_path(target).map(|p| format!("{p}.{key}")),
        _ => None,
    }
}

fn binary(op: &str, a: Val, b: Val) -> Val {
    if let Val::Unknown(w) = &a {
        return Val::Unknown(w.clone());
    }
    if let Val::Unknown(w) = &b {
        return Val::Unknown(w.clone());
    }
    let num = |v: &Val| v.text().and_then(|t| t.parse::<f64>().ok());
    match op {
        "==" => Val::Bool(matches(&a, &b) && !matches!(b, Val::Default)),
        "!=" => Val::Bool(!matches(&a, &b)),
        "and" => Val::Bool(a.truthy() && b.truthy()),
        "or" => Val::Bool(a.truthy() || b.truthy()),
        "=~" | "!~" => match (a.text(), b.text()) {
            (Some(s), Some(re)) => {
                let hit = regex::Regex::new(&re).map(|r| r.is_match(&s)).unwrap_or(false);
                Val::Bool(hit == (op == "=~"))
            }
            _ => Val::Unknown("a match".into()),
        },
        "in" => match b {
            Val::Array(items) => Val::Bool(items.iter().any(|i| matches(&a, i))),
            Val::Str(s) => Val::Bool(a.text().is_some_and(|t| s.contains(&t))),
            _ => Val::Unknown("`in`".into()),
        },
        ">" | "<" | ">=" | "<=" => match (num(&a), num(&b)) {
            (Some(x), Some(y)) => Val::Bool(match op {
                ">" => x > y,
                "<" => x < y,
                ">=" => x >= y,
                _ => x <= y,
            }),
            _ => Val::Unknown("a comparison".into()),
        },
        "+" | "-" | "*" => match (num(&a), num(&b)) {
            (Some(x), Some(y)) => {
                let r = match op {
                    "+" => x + y,
                    "-" => x - y,
                    _ => x * y,
                };
                Val::Num(if r.fract() == 0.0 { format!("{}", r as i64) } else { r.to_string() })
            }
            _ => match (op, a, b) {
                ("+", Val::Array(mut x), Val::Array(y)) => {
                    x.extend(y);
                    Val::Array(x)
                }
                _ => Val::Unknown("arithmetic".into()),
            },
        },
        _ => Val::Unknown(format!("operator `{op}`")),
    }
}

/// Puppet's case/selector matching: `default` matches all, strings compare without case.
fn matches(subject: &Val, option: &Val) -> bool {
    match (subject, option) {
        (_, Val::Default) => true,
        (Val::Unknown(_), _) => true,
        (Val::Undef, Val::Undef) => true,
        (s, Val::Array(items)) if !matches!(s, Val::Array(_)) => items.iter().any(|i| matches(s, i)),
        (a, b) => match (a.text(), b.text()) {
            (Some(x), Some(y)) => {
                x.eq_ignore_ascii_case(&y)
                    || x.parse::<f64>().ok().zip(y.parse::<f64>().ok()).is_some_and(|(p, q)| p == q)
                    || regex::Regex::new(&format!("^(?:{y})$"))
                        .is_ok_and(|r| y.contains(['^', '$', '*', '+', '|', '[']) && r.is_match(&x))
            }
            _ => false,
        },
    }
}

fn refs(v: &Val) -> Vec<String> {
    match v {
        Val::Ref(t, title) => vec![format!("{t}[{title}]")],
        Val::Array(items) => items.iter().flat_map(refs).collect(),
        _ => Vec::new(),
    }
}

fn class_names(v: &Val) -> Vec<String> {
    match v {
        Val::Array(items) => items.iter().flat_map(class_names).collect(),
        Val::Ref(_, title) => vec![title.clone()],
        other => other.text().into_iter().collect(),
    }
}

fn is_literal(v: &Val) -> bool {
    match v {
        Val::Str(_) | Val::Num(_) | Val::Bool(_) => true,
        Val::Array(items) => items.iter().all(is_literal),
        Val::Hash(pairs) => pairs.iter().all(|(_, v)| is_literal(v)),
        _ => false,
    }
}

/// The option type for a Puppet type (or, without one, for the default).
fn option_kind(type_expr: Option<&Expr>, default: Option<&Val>) -> (&'static str, bool) {
    fn from_type(e: &Expr) -> Option<(&'static str, bool)> {
        match &e.kind {
            ExprKind::TypeRef(t) => Some(match t.as_str() {
                "Integer" | "Stdlib::Port" | "Port" | "Stdlib::Port::Unprivileged" | "Stdlib::Port::Privileged" => {
                    ("int", false)
                }
                "Float" | "Numeric" => ("float", false),
                "Boolean" => ("boolean", false),
                "Array" | "Hash" | "Tuple" | "Struct" => ("string", true),
                _ => ("string", false),
            }),
            ExprKind::Access(inner, args) => match &inner.kind {
                ExprKind::TypeRef(t) if t == "Optional" => args.first().and_then(from_type),
                ExprKind::TypeRef(t) if t == "Variant" => {
                    let kinds: Vec<_> = args.iter().filter_map(from_type).collect();
                    let first = kinds.first().copied();
                    if kinds.iter().all(|k| Some(*k) == first) {
                        first
                    } else {
                        Some(("string", false))
                    }
                }
                _ => from_type(inner),
            },
            _ => None,
        }
    }
    if let Some(k) = type_expr.and_then(from_type) {
        return k;
    }
    match default {
        Some(Val::Num(n)) if n.contains('.') => ("float", false),
        Some(Val::Num(_)) => ("int", false),
        Some(Val::Bool(_)) => ("boolean", false),
        Some(Val::Array(_) | Val::Hash(_)) => ("string", true),
        _ => ("string", false),
    }
}

/// Parameter descriptions from a doc comment: puppet-strings `@param name text` or the older
/// `[*name*]` followed by indented lines.
fn param_docs(doc: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("@param") {
            let rest = rest.trim();
            let (name, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let name = name.trim_start_matches('$').to_string();
            out.insert(name.clone(), text.trim().to_string());
            current = Some(name);
        } else if let Some(name) = t.strip_prefix("[*").and_then(|r| r.split_once("*]")).map(|(n, _)| n.to_string()) {
            out.insert(name.clone(), String::new());
            current = Some(name);
        } else if t.is_empty() || t.starts_with('@') || t.starts_with("===") {
            current = None;
        } else if let Some(name) = &current {
            let entry = out.entry(name.clone()).or_default();
            if !entry.is_empty() {
                entry.push(' ');
            }
            entry.push_str(t);
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}
