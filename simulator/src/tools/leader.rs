//! `is-leader`, `leader-get` and `leader-set` (spec §4.3).

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use super::keyvalues;
use crate::model::{SettingsChanges, Value};
use formula_sdk::go::strconv::quote;

/// `is-leader`.
#[derive(Default)]
pub(crate) struct IsLeader {
    out: Output,
}

impl Command for IsLeader {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: String::new(),
            purpose: "print whether this unit is the leader",
            doc: "Prints True when this unit is sure to stay application leader for at least \
                30 seconds; on failure assume it is not."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let leader = env.ctx.is_leader().map_err(|e| format!("leadership status unknown: {e}"))?;
        self.out.write(env, &Value::Bool(leader))
    }
}

/// `leader-get [<key>|-]`.
#[derive(Default)]
pub(crate) struct LeaderGet {
    key: String,
    out: Output,
}

impl Command for LeaderGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<key>]".to_string(),
            purpose: "print the application's leader settings",
            doc: "Prints one leader setting, or all of them when the key is \"-\" or missing.".to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(key) = args.first() else {
            return Ok(());
        };
        if key != "-" {
            if key.contains('=') {
                return Err(format!("invalid key {}", quote(key)));
            }
            self.key = key.clone();
        }
        check_empty(&args[1..])
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let settings = env.ctx.leader_settings().map_err(|e| format!("cannot read leadership settings: {e}"))?;
        let value = if self.key.is_empty() {
            Value::string_map(&settings)
        } else {
            settings.get(&self.key).map_or(Value::Null, |v| Value::Str(v.clone()))
        };
        self.out.write(env, &value)
    }
}

/// `leader-set key=value ...`: written at once, leader only.
#[derive(Default)]
pub(crate) struct LeaderSet {
    changes: SettingsChanges,
}

impl Command for LeaderSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<key>=<value> [...]".to_string(),
            purpose: "write the application's leader settings",
            doc: "Writes the settings at once (not when the hook ends); the other units then \
                get leader-settings-changed. An empty value removes a key. Only the leader may \
                write."
                .to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        self.changes = keyvalues::parse(&args, true)?
            .into_iter()
            .map(|(k, v)| {
                let v = (!v.is_empty()).then_some(v);
                (k, v)
            })
            .collect();
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        const PREFIX: &str = "cannot write leadership settings";
        match env.ctx.is_leader() {
            Err(e) => return Err(format!("{PREFIX}: cannot write settings: {e}")),
            Ok(false) => return Err(format!("{PREFIX}: cannot write settings: not the leader")),
            Ok(true) => {}
        }
        env.ctx.set_leader_settings(&self.changes).map_err(|e| format!("{PREFIX}: {e}"))
    }
}
