//! `config-get [<key>] [--all]` (spec §2.4).

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};
use crate::model::Value;
use formula_sdk::go::strconv::quote;

#[derive(Default)]
pub(crate) struct ConfigGet {
    key: String,
    all: bool,
    out: Output,
}

impl Command for ConfigGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<key>]".to_string(),
            purpose: "print the application's configuration",
            doc: "Without a key, prints every option that has a value or a default; with \
                --all, also the options without one (as null). With a key, prints that \
                option's value, or nothing if it has none. A key and --all cannot be combined."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::bool(&["a", "all"], "include options without a value")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("a", FlagValue::Bool(b)) = (key, value) {
            self.all = b;
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(key) = args.first() else {
            return Ok(());
        };
        self.key = key.clone();
        if !self.key.is_empty() && self.all {
            return Err(format!("cannot use argument --all together with key {}", quote(&self.key)));
        }
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        // The agent gets the settings over the JSON API into `interface{}`, so an int option
        // reaches config-get as a float64 and prints as yaml.v2 prints one: `1e+06` for
        // 1000000 in smart and yaml formats (spec §2.4).
        let mut settings = env.ctx.config().map_err(|e| e.to_string())?;
        for value in settings.values_mut() {
            *value = super::format::as_decoded_from_json(std::mem::replace(value, Value::Null));
        }
        let value = if self.key.is_empty() {
            if !self.all {
                settings.retain(|_, v| *v != Value::Null);
            }
            Value::Map(settings)
        } else {
            settings.remove(&self.key).unwrap_or(Value::Null)
        };
        self.out.write(env, &value)
    }
}
