//! `relation-get`, `relation-set`, `relation-list`, `relation-ids`
//! (spec §4.3; Juju 3.x `jujuc/relation-*.go`).

use super::command::{check_empty, io_error, relation, Command, DeprecatedFormat, Env, Info, Output, RelationFlag};
use super::context::{BagScope, BagTarget, HookContext};
use super::flags::{FlagSpec, FlagValue};
use super::keyvalues;
use crate::model::{SettingsChanges, Value};
use formula_sdk::format::names;

/// The application a unit belongs to (everything before the `/`).
pub(crate) fn app_of(unit: &str) -> &str {
    unit.split_once('/').map_or(unit, |(app, _)| app)
}

/// `relation-get [options] [<key>|- [<unit-or-app>]]`.
pub(crate) struct RelationGet {
    relation: RelationFlag,
    app: bool,
    key: String,
    target: String,
    out: Output,
}

impl RelationGet {
    pub fn new(ctx: &dyn HookContext) -> RelationGet {
        RelationGet {
            relation: RelationFlag::new(ctx),
            app: false,
            key: String::new(),
            target: String::new(),
            out: Output::default(),
        }
    }

    /// Who to read when no unit is named: the hook's remote unit, else the
    /// hook's remote application (implying `--app`).
    fn default_target(&mut self, ctx: &dyn HookContext) -> Result<(), String> {
        if self.app {
            self.target = ctx.remote_app().ok_or("no unit or application specified")?;
            return Ok(());
        }
        if let Some(unit) = ctx.remote_unit() {
            self.target = unit;
        } else if let Some(app) = ctx.remote_app() {
            self.target = app;
            self.app = true;
        } else {
            return Err("no unit or application specified".to_string());
        }
        Ok(())
    }
}

impl Command for RelationGet {
    fn info(&self, name: &str, ctx: &dyn HookContext) -> Info {
        let mut doc = "Prints one setting of a unit's (or, with --app, an application's) \
            relation data, or all of them when the key is \"-\" or missing.\n\
            Read your own unit's data, including this hook's relation-set changes, \
            by naming your own unit."
            .to_string();
        let args = match ctx.remote_unit() {
            Some(unit) => {
                doc.push_str(&format!("\nThe default unit here is {}.", formula_sdk::go::strconv::quote(&unit)));
                "[<key> [<unit id>]]"
            }
            None => "<key> <unit id>",
        };
        Info { name: name.to_string(), args: args.to_string(), purpose: "read relation data", doc }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![self.relation.spec(), FlagSpec::bool(&["app"], "read the application's data instead of a unit's")]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("r", FlagValue::Str(v)) => self.relation.set(ctx, v),
            ("app", FlagValue::Bool(b)) => {
                self.app = b;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn init(&mut self, ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        self.relation.require()?;
        let mut args = args.into_iter();
        if let Some(key) = args.next() {
            self.key = if key == "-" { String::new() } else { key };
        }
        match args.next() {
            Some(given) if self.app => {
                // With --app a unit name stands for its application.
                self.target = if names::is_valid_application_name(&given) {
                    given
                } else {
                    names::unit_application(&given).map_or(given.clone(), str::to_string)
                };
            }
            Some(given) => self.target = given,
            None => self.default_target(ctx)?,
        }
        check_empty(&args.collect::<Vec<_>>())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let id = self.relation.require()?;
        relation(env.ctx, id)?;
        let own_unit = env.ctx.unit_name().to_string();
        let own_app = app_of(&own_unit).to_string();
        // Own unit, or own application when leader: the local view with this
        // hook's writes; anything else: the controller's (frozen) view.
        let local = if self.target == own_unit {
            true
        } else if self.target == own_app {
            env.ctx.is_leader().map_err(|e| format!("cannot determine leadership status: {e}"))?
        } else {
            false
        };
        let settings = if local {
            let scope = if self.app { BagScope::App } else { BagScope::Unit };
            env.ctx.local_settings(id, scope)
        } else {
            let target =
                if self.app { BagTarget::App(self.target.clone()) } else { BagTarget::Unit(self.target.clone()) };
            env.ctx.remote_settings(id, &target)
        }
        .map_err(|e| e.to_string())?;
        let value = if self.key.is_empty() {
            Value::string_map(&settings)
        } else {
            settings.get(&self.key).map_or(Value::Null, |v| Value::Str(v.clone()))
        };
        self.out.write(env, &value)
    }
}

/// Reads `--file`: a path relative to the hook's directory, or `-` for stdin.
pub(crate) fn read_settings_file(
    env: &mut Env<'_>,
    path: &str,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let bytes = if path == "-" {
        env.read_stdin()?
    } else {
        env.ctx.read_file(path).map_err(|e| io_error("open", &env.ctx.resolve_path(path).display().to_string(), &e))?
    };
    keyvalues::parse_settings_file(&bytes)
}

/// `relation-set [options] key=value [key=value ...]`.
pub(crate) struct RelationSet {
    relation: RelationFlag,
    app: bool,
    file: String,
    format: DeprecatedFormat,
    settings: std::collections::BTreeMap<String, String>,
}

impl RelationSet {
    pub fn new(ctx: &dyn HookContext) -> RelationSet {
        RelationSet {
            relation: RelationFlag::new(ctx),
            app: false,
            file: String::new(),
            format: DeprecatedFormat::default(),
            settings: Default::default(),
        }
    }
}

impl Command for RelationSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "key=value [key=value ...]".to_string(),
            purpose: "write relation data",
            doc: "Writes this unit's relation data (with --app and leadership, the \
                application's). Values are stored as given; an empty value removes the key; \
                a key may appear once. The changes are published when the hook succeeds.\n\
                --file reads a YAML map of strings from a file (\"-\" is stdin); \
                arguments override its keys."
                .to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            self.relation.spec(),
            FlagSpec::var(&["file"], "", "read key-value pairs from this YAML file (\"-\": stdin)"),
            FlagSpec::bool(&["app"], "write the application's data (leader only)"),
            DeprecatedFormat::spec(),
        ]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if self.format.set(key, value) {
            return Ok(());
        }
        match (key, value) {
            ("r", FlagValue::Str(v)) => self.relation.set(ctx, v),
            ("file", FlagValue::Str(v)) => {
                self.file = v.to_string();
                Ok(())
            }
            ("app", FlagValue::Bool(b)) => {
                self.app = b;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        self.relation.require()?;
        self.settings = keyvalues::parse(&args, true)?;
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        self.format.warn(env, "relation-set");
        if !self.file.is_empty() {
            let mut merged = read_settings_file(env, &self.file)?;
            merged.extend(std::mem::take(&mut self.settings));
            self.settings = merged;
        }
        let id = self.relation.require()?;
        relation(env.ctx, id)?;
        let scope = if self.app {
            match env.ctx.is_leader() {
                Err(e) => return Err(format!("cannot determine leadership status: {e}")),
                Ok(false) => return Err("cannot write relation settings".to_string()),
                Ok(true) => BagScope::App,
            }
        } else {
            BagScope::Unit
        };
        let changes: SettingsChanges =
            self.settings.iter().map(|(k, v)| (k.clone(), (!v.is_empty()).then(|| v.clone()))).collect();
        env.ctx.set_local_settings(id, scope, &changes).map_err(|e| {
            let what = if scope == BagScope::App {
                "cannot read relation application settings"
            } else {
                "cannot read relation settings"
            };
            format!("{what}: {e}")
        })
    }
}

/// `relation-list [-r id] [--app]`.
pub(crate) struct RelationList {
    relation: RelationFlag,
    app: bool,
    out: Output,
}

impl RelationList {
    pub fn new(ctx: &dyn HookContext) -> RelationList {
        RelationList { relation: RelationFlag::new(ctx), app: false, out: Output::default() }
    }
}

impl Command for RelationList {
    fn info(&self, name: &str, ctx: &dyn HookContext) -> Info {
        let doc = if ctx.hook_relation().is_some() {
            String::new()
        } else {
            "-r is required outside a relation hook.".to_string()
        };
        Info { name: name.to_string(), args: String::new(), purpose: "list the remote units of a relation", doc }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![self.relation.spec(), FlagSpec::bool(&["app"], "print the remote application instead of its units")]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("r", FlagValue::Str(v)) => self.relation.set(ctx, v),
            ("app", FlagValue::Bool(b)) => {
                self.app = b;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        self.relation.require()?;
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let id = self.relation.require()?;
        let info = relation(env.ctx, id)?;
        let value = if self.app {
            Value::Str(info.remote_app)
        } else {
            Value::Lines(env.ctx.relation_members(id).map_err(|e| e.to_string())?)
        };
        self.out.write(env, &value)
    }
}

/// `relation-ids [<endpoint>]`.
pub(crate) struct RelationIds {
    endpoint: String,
    out: Output,
}

impl RelationIds {
    pub fn new(ctx: &dyn HookContext) -> RelationIds {
        RelationIds { endpoint: ctx.hook_relation().map(|r| r.endpoint).unwrap_or_default(), out: Output::default() }
    }
}

impl Command for RelationIds {
    fn info(&self, name: &str, ctx: &dyn HookContext) -> Info {
        let (args, doc) = match ctx.hook_relation() {
            Some(r) => {
                ("[<name>]", format!("The default endpoint here is {}.", formula_sdk::go::strconv::quote(&r.endpoint)))
            }
            None => ("<name>", String::new()),
        };
        Info { name: name.to_string(), args: args.to_string(), purpose: "list the relation ids of an endpoint", doc }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let mut args = args.into_iter();
        match args.next() {
            Some(name) => self.endpoint = name,
            None if self.endpoint.is_empty() => return Err("no relation name specified".to_string()),
            None => {}
        }
        check_empty(&args.collect::<Vec<_>>())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let mut ids: Vec<String> =
            env.ctx.relations().into_iter().filter(|r| r.endpoint == self.endpoint).map(|r| r.fake_id()).collect();
        // Sorted as strings, as Juju does: db:10 before db:2.
        ids.sort();
        self.out.write(env, &Value::Lines(ids))
    }
}
