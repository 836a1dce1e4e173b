//! `storage-get`, `storage-list` and `storage-add`: the storage instances attached to the unit.
//!
//! `storage-get`'s `-s` defaults to the storage hook's instance, and `--help` shows that
//! default (`-s  (= data/0)`), which is how ops learns which instance a storage event is about.

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};
use crate::model::Value;
use formula_sdk::go::strconv::quote;
use std::collections::BTreeMap;

/// `storage-get [-s <id>] [<key>]`.
pub(crate) struct StorageGet {
    out: Output,
    id: Option<String>,
    key: String,
}

impl StorageGet {
    pub fn new(ctx: &dyn HookContext) -> StorageGet {
        StorageGet { out: Output::default(), id: ctx.hook_storage(), key: String::new() }
    }
}

/// Whether `text` is a storage id as Juju's `names.IsValidStorage` reads one (`data/0`).
fn valid_storage_id(text: &str) -> bool {
    let Some((name, number)) = text.split_once('/') else { return false };
    let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let number_ok = number == "0" || (!number.starts_with('0') && number.chars().all(|c| c.is_ascii_digit()));
    name_ok && !number.is_empty() && number_ok
}

impl Command for StorageGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<key>]".to_string(),
            purpose: "Print information for the storage instance with the specified ID.",
            doc: "Prints the kind and location of a storage instance attached to the unit, or \
                  one of them when a key is given. In a storage hook the instance defaults to \
                  the hook's; elsewhere it must be given with -s (an id from storage-list)."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::var(&["s"], self.id.as_deref().unwrap_or(""), "specify a storage instance by id")]
    }

    fn set_flag(&mut self, ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("s", FlagValue::Str(v)) = (key, value) {
            if !valid_storage_id(v) {
                return Err(format!("invalid storage ID {}", quote(v)));
            }
            ctx.storage(v).map_err(|e| e.to_string())?;
            self.id = Some(v.to_string());
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if self.id.is_none() {
            return Err("no storage instance specified".to_string());
        }
        if let Some(key) = args.first() {
            self.key = key.clone();
        }
        check_empty(args.get(1..).unwrap_or_default())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let id = self.id.clone().unwrap_or_default();
        let info = env.ctx.storage(&id).map_err(|e| e.to_string())?;
        let values = BTreeMap::from([
            ("kind".to_string(), Value::Str(info.kind)),
            ("location".to_string(), Value::Str(info.location)),
        ]);
        if self.key.is_empty() {
            return self.out.write(env, &Value::Map(values));
        }
        match values.get(&self.key) {
            Some(value) => self.out.write(env, value),
            None => Err(format!("invalid storage attribute {}", quote(&self.key))),
        }
    }
}

/// `storage-list [<storage-name>]`.
#[derive(Default)]
pub(crate) struct StorageList {
    out: Output,
    name: String,
}

impl Command for StorageList {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<storage-name>]".to_string(),
            purpose: "List storage attached to the unit.",
            doc: "Lists the ids of the storage instances attached to the unit, only those of \
                  one storage name when it is given; storage-get -s takes them."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if let Some(name) = args.first() {
            self.name = name.clone();
        }
        check_empty(args.get(1..).unwrap_or_default())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let ids = env.ctx.storage_ids().map_err(|e| e.to_string())?;
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| self.name.is_empty() || id.split('/').next() == Some(self.name.as_str()))
            .collect();
        self.out.write(env, &Value::Lines(ids))
    }
}

/// `storage-add <charm storage name>[=count] ...`.
#[derive(Default)]
pub(crate) struct StorageAdd {
    requests: BTreeMap<String, u32>,
}

impl Command for StorageAdd {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<charm storage name>[=count] ...".to_string(),
            purpose: "Add storage instances.",
            doc: "Adds storage instances to the unit: COUNT (a positive integer, 1 when not \
                  given) instances of each named storage of the formula, attached when the \
                  hook succeeds."
                .to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if args.is_empty() {
            return Err("storage add requires a storage directive".to_string());
        }
        for arg in &args {
            let (name, directive) = arg.split_once('=').unwrap_or((arg, "1"));
            let count: u32 = match directive.parse() {
                Ok(n) => n,
                Err(_) if directive.contains(',') || directive.ends_with(|c: char| c.is_ascii_alphabetic()) => {
                    return Err(format!("only count can be specified for {}", quote(name)));
                }
                Err(_) => return Err(format!("cannot parse count: {}", quote(directive))),
            };
            if count == 0 {
                return Err(format!("count must be greater than zero, got {}", quote(directive)));
            }
            self.requests.insert(name.to_string(), count);
        }
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        for (name, count) in &self.requests {
            env.ctx.add_storage(name, *count).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}
