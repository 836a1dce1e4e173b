//! `juju-log` (and its 2011 name `ensemble-log`).

use super::command::{Command, DeprecatedFormat, Env, Info};
use super::context::{HookContext, LogLevel};
use super::flags::{FlagSpec, FlagValue};
use formula_sdk::go::strconv::quote;

/// `juju-log [-l LEVEL] [--debug] <message...>`.
pub(crate) struct JujuLog {
    name: String,
    debug: bool,
    level: String,
    message: String,
    format: DeprecatedFormat,
}

impl JujuLog {
    pub fn new(name: &str) -> JujuLog {
        JujuLog {
            name: name.to_string(),
            debug: false,
            level: "INFO".to_string(),
            message: String::new(),
            format: DeprecatedFormat::default(),
        }
    }
}

impl Command for JujuLog {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<message>".to_string(),
            purpose: "write a message to the unit's log",
            doc: String::new(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            FlagSpec::bool(&["debug"], "log at DEBUG level"),
            FlagSpec::string(&["l", "log-level"], "INFO", "log at this level"),
            DeprecatedFormat::spec(),
        ]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if self.format.set(key, value) {
            return Ok(());
        }
        match (key, value) {
            ("debug", FlagValue::Bool(b)) => self.debug = b,
            ("l", FlagValue::Str(v)) => self.level = v.to_string(),
            _ => {}
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if args.is_empty() {
            return Err("no message specified".to_string());
        }
        self.message = args.join(" ");
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let name = self.name.clone();
        self.format.warn(env, &name);
        let level = if self.debug {
            LogLevel::Debug
        } else if self.level.is_empty() {
            LogLevel::Info
        } else {
            match LogLevel::parse(&self.level) {
                Some(level) => level,
                None => {
                    let warning = format!("Specified log level of {} is not valid", quote(&self.level));
                    env.ctx.log(LogLevel::Warning, &warning);
                    LogLevel::Info
                }
            }
        };
        let prefix = env.ctx.hook_relation().map(|r| format!("{}: ", r.fake_id())).unwrap_or_default();
        env.ctx.log(level, &format!("{prefix}{}", self.message));
        Ok(())
    }
}
