//! `state-get`, `state-set` and `state-delete`: the unit's server-side
//! key-value store, buffered until the hook succeeds (Juju 2.8+).

use std::collections::BTreeMap;

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};
use super::keyvalues;
use super::relation::read_settings_file;
use crate::model::Value;
use formula_sdk::go::strconv::quote;

/// Juju's `quota.MaxCharmStateKeySize`.
pub const MAX_KEY_SIZE: usize = 256;
/// Juju's `quota.MaxCharmStateValueSize`.
pub const MAX_VALUE_SIZE: usize = 64 * 1024;

/// `state-get [<key>|-] [--strict]`.
#[derive(Default)]
pub(crate) struct StateGet {
    key: String,
    strict: bool,
    out: Output,
}

impl Command for StateGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<key>]".to_string(),
            purpose: "print the unit's server-side state",
            doc: "Prints one value of the unit's state, or all of them when the key is \"-\" \
                or missing. A missing key prints nothing, or fails with --strict."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::bool(&["strict"], "fail when the key does not exist")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("strict", FlagValue::Bool(b)) = (key, value) {
            self.strict = b;
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(key) = args.first() else {
            return Ok(());
        };
        if key != "-" {
            self.key = key.clone();
        }
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let state = env.ctx.charm_state().map_err(|e| e.to_string())?;
        if self.key.is_empty() {
            return self.out.write(env, &Value::string_map(&state));
        }
        let value = match state.get(&self.key) {
            Some(value) => Value::Str(value.clone()),
            None if self.strict => return Err(format!("{} not found", quote(&self.key))),
            None => Value::Null,
        };
        self.out.write(env, &value)
    }
}

/// `state-set [--file f|-] key=value ...`.
#[derive(Default)]
pub(crate) struct StateSet {
    file: String,
    values: BTreeMap<String, String>,
}

impl Command for StateSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "key=value [key=value ...]".to_string(),
            purpose: "set values in the unit's server-side state",
            doc: format!(
                "Sets state values, saved when the hook succeeds. --file reads a YAML map of \
                 strings from a file (\"-\" is stdin); arguments override its keys. Keys are at \
                 most {MAX_KEY_SIZE} bytes, values at most {MAX_VALUE_SIZE} bytes."
            ),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::var(&["file"], "", "read key-value pairs from this YAML file (\"-\": stdin)")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("file", FlagValue::Str(v)) = (key, value) {
            self.file = v.to_string();
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        self.values = keyvalues::parse(&args, true)?;
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        if !self.file.is_empty() {
            let mut merged = read_settings_file(env, &self.file)?;
            merged.extend(std::mem::take(&mut self.values));
            self.values = merged;
        }
        for (key, value) in &self.values {
            if key.len() > MAX_KEY_SIZE {
                return Err(format!("max allowed key length ({MAX_KEY_SIZE}) exceeded"));
            }
            if value.len() > MAX_VALUE_SIZE {
                return Err(format!("max allowed value length ({MAX_VALUE_SIZE}) exceeded"));
            }
            env.ctx.set_charm_state(key, value).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// `state-delete <key>`.
#[derive(Default)]
pub(crate) struct StateDelete {
    key: String,
}

impl Command for StateDelete {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<key>".to_string(),
            purpose: "delete a key from the unit's server-side state",
            doc: "Deletes the key when the hook succeeds.".to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(key) = args.first() else {
            return Ok(());
        };
        self.key = key.clone();
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        if self.key.is_empty() {
            return Ok(());
        }
        env.ctx.delete_charm_state(&self.key).map_err(|e| e.to_string())
    }
}
