//! `status-set` and `status-get` (spec §4.3).

use std::collections::BTreeMap;

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use super::flags::{FlagSpec, FlagValue};
use super::format::Format;
use crate::model::{StatusInfo, Value};
use formula_sdk::go::strconv::quote;

const VALID: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];

/// Juju's leadership check for `--application`, with its messages.
fn require_leader(ctx: &mut dyn HookContext) -> Result<(), String> {
    match ctx.is_leader() {
        Err(e) => Err(format!("cannot determine leadership: {e}")),
        Ok(false) => Err("this unit is not the leader".to_string()),
        Ok(true) => Ok(()),
    }
}

/// `status-set [--application] <status> [<message>]`.
#[derive(Default)]
pub(crate) struct StatusSet {
    application: bool,
    status: String,
    message: String,
}

impl Command for StatusSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<maintenance | blocked | waiting | active> [message]".to_string(),
            purpose: "set the workload status",
            doc: "Sets the unit's (or, with --application and leadership, the \
                application's) workload status at once; the message is optional. The time of \
                the status is updated even when nothing else changes."
                .to_string(),
        }
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![FlagSpec::bool(&["application"], "set the application's status (leader only)")]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        if let ("application", FlagValue::Bool(b)) = (key, value) {
            self.application = b;
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        let Some(status) = args.first() else {
            return Err("invalid args, require <status> [message]".to_string());
        };
        if !VALID.contains(&status.as_str()) {
            return Err(format!("invalid status {}, expected one of [{}]", quote(status), VALID.join(" ")));
        }
        self.status = status.clone();
        if let Some(message) = args.get(1) {
            self.message = message.clone();
            return check_empty(&args[2..]);
        }
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        if self.application {
            require_leader(env.ctx)?;
            env.ctx.set_application_status(&self.status, &self.message)
        } else {
            env.ctx.set_unit_status(&self.status, &self.message)
        }
        .map_err(|e| e.to_string())
    }
}

/// `status-get [--include-data] [--application]`.
#[derive(Default)]
pub(crate) struct StatusGet {
    include_data: bool,
    application: bool,
    out: Output,
}

/// A status as `status-get` prints it: `{status}` or, with data,
/// `{message, status, status-data}`.
fn details(info: &StatusInfo, include_data: bool) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    map.insert("status".to_string(), Value::Str(info.status.clone()));
    if include_data {
        map.insert("status-data".to_string(), Value::Map(info.data.clone()));
        map.insert("message".to_string(), Value::Str(info.message.clone()));
    }
    map
}

impl Command for StatusGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[--include-data] [--application]".to_string(),
            purpose: "print the workload status",
            doc: "Prints the unit's status word; --include-data prints a map with the \
                message and data as well. --application (leader only) prints the application's \
                status with every unit's."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn flags(&self) -> Vec<FlagSpec> {
        vec![
            FlagSpec::bool(&["include-data"], "print the message and data too"),
            FlagSpec::bool(&["application"], "print the application's status (leader only)"),
        ]
    }

    fn set_flag(&mut self, _ctx: &mut dyn HookContext, key: &'static str, value: FlagValue<'_>) -> Result<(), String> {
        match (key, value) {
            ("include-data", FlagValue::Bool(b)) => self.include_data = b,
            ("application", FlagValue::Bool(b)) => self.application = b,
            _ => {}
        }
        Ok(())
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        check_empty(&args)
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        let word_only = !self.include_data && self.out.format == Format::Smart;
        if self.application {
            let status = require_leader(env.ctx)
                .and_then(|()| env.ctx.application_status().map_err(|e| e.to_string()))
                .map_err(|e| format!("finding application status: {e}"))?;
            if word_only {
                return self.out.write(env, &Value::Str(status.application.status));
            }
            let mut app = details(&status.application, self.include_data);
            let units = status
                .units
                .iter()
                .map(|(unit, info)| (unit.clone(), Value::Map(details(info, self.include_data))))
                .collect();
            app.insert("units".to_string(), Value::Map(units));
            let value = Value::Map(BTreeMap::from([("application-status".to_string(), Value::Map(app))]));
            // Juju ignores errors writing this answer.
            let _ = self.out.write(env, &value);
            return Ok(());
        }
        let status = env.ctx.unit_status().map_err(|e| format!("finding workload status: {e}"))?;
        if word_only {
            return self.out.write(env, &Value::Str(status.status));
        }
        let _ = self.out.write(env, &Value::Map(details(&status, self.include_data)));
        Ok(())
    }
}
