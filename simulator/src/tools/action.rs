//! `action-get`, `action-set`, `action-fail` and `action-log` (spec §4.3).
//! Outside an action they fail with `not running an action` (Juju ≤ 3.x).

use std::collections::BTreeMap;

use super::command::{check_empty, Command, Env, Info, Output};
use super::context::HookContext;
use crate::model::Value;
use formula_sdk::go::strconv::quote;

const RESERVED: [&str; 4] = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

/// Juju's action key rule: `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`.
fn is_valid_key(key: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !key.is_empty() && key.starts_with(ok_char) && key.ends_with(ok_char) && key.chars().all(|c| ok_char(c) || c == '-')
}

/// Sets `value` at the nested key path `keys` of an action's results,
/// replacing any non-map value on the way (Juju's `addValueToMap`). For
/// contexts to call from [`HookContext::set_action_result`].
pub fn merge_result(results: &mut BTreeMap<String, Value>, keys: &[String], value: &str) {
    let Some((last, path)) = keys.split_last() else {
        return;
    };
    let mut current = results;
    for key in path {
        let entry = current.entry(key.clone()).or_insert_with(|| Value::Map(BTreeMap::new()));
        if !matches!(entry, Value::Map(_)) {
            *entry = Value::Map(BTreeMap::new());
        }
        let Value::Map(next) = entry else {
            return;
        };
        current = next;
    }
    current.insert(last.clone(), Value::Str(value.to_string()));
}

/// `action-get [<key>[.<key>...]]`.
#[derive(Default)]
pub(crate) struct ActionGet {
    keys: Vec<String>,
    out: Output,
}

impl Command for ActionGet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[<key>[.<key>.<key>...]]".to_string(),
            purpose: "print the action's parameters",
            doc: "Prints one parameter of the running action, going into nested maps along a \
                dotted key, or all of them without a key."
                .to_string(),
        }
    }

    fn output(&mut self) -> Option<&mut Output> {
        Some(&mut self.out)
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if let Some(key) = args.first() {
            check_empty(&args[1..])?;
            self.keys = key.split('.').map(str::to_string).collect();
        }
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        // Action parameters reach the agent over the JSON API too: numbers are float64 there
        // and print as config-get's do (spec §2.4).
        let params = env.ctx.action_params().map_err(|e| e.to_string())?;
        let params: BTreeMap<String, Value> =
            params.into_iter().map(|(k, v)| (k, super::format::as_decoded_from_json(v))).collect();
        if self.keys.is_empty() {
            return self.out.write(env, &Value::Map(params));
        }
        let mut current = &params;
        let mut answer = &Value::Null;
        for (i, key) in self.keys.iter().enumerate() {
            match current.get(key) {
                None => {
                    answer = &Value::Null;
                    break;
                }
                Some(value) if i + 1 == self.keys.len() => answer = value,
                Some(Value::Map(inner)) => current = inner,
                Some(_) => {
                    answer = &Value::Null;
                    break;
                }
            }
        }
        let answer = answer.clone();
        self.out.write(env, &answer)
    }
}

/// `action-set <key>=<value> ...`.
#[derive(Default)]
pub(crate) struct ActionSet {
    pairs: Vec<(Vec<String>, String)>,
}

impl Command for ActionSet {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<key>=<value> [<key>=<value> ...]".to_string(),
            purpose: "set the action's results",
            doc: format!(
                "Adds values to the results the action reports when it ends. A dotted key \
                 builds nested maps. Each part of a key is lowercase letters, digits and \
                 inner hyphens. Reserved keys: {}.",
                RESERVED.join(", ")
            ),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        for arg in args {
            let Some((key, value)) = arg.split_once('=') else {
                return Err(format!("argument {} must be of the form key...=value", quote(&arg)));
            };
            let keys: Vec<String> = key.split('.').map(str::to_string).collect();
            for key in &keys {
                if !is_valid_key(key) {
                    return Err(format!(
                        "key {} must start and end with lowercase alphanumeric, and contain only \
                         lowercase alphanumeric, hyphens and periods",
                        quote(key)
                    ));
                }
                if RESERVED.contains(&key.as_str()) {
                    return Err(format!("cannot set reserved action key {}", quote(key)));
                }
            }
            self.pairs.push((keys, value.to_string()));
        }
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        for (keys, value) in &self.pairs {
            env.ctx.set_action_result(keys, value).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// `action-fail ["<message>"]`.
#[derive(Default)]
pub(crate) struct ActionFail {
    message: String,
}

impl Command for ActionFail {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "[\"<failure message>\"]".to_string(),
            purpose: "mark the action failed",
            doc: "Marks the running action failed with the message (or a default one); the \
                hook goes on."
                .to_string(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        match args.first() {
            None => {
                self.message = "action failed without reason given, check action for errors".to_string();
                Ok(())
            }
            Some(message) => {
                self.message = message.clone();
                check_empty(&args[1..])
            }
        }
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        env.ctx.fail_action(&self.message).map_err(|e| e.to_string())
    }
}

/// `action-log <message...>`.
#[derive(Default)]
pub(crate) struct ActionLog {
    message: String,
}

impl Command for ActionLog {
    fn info(&self, name: &str, _ctx: &dyn HookContext) -> Info {
        Info {
            name: name.to_string(),
            args: "<message>".to_string(),
            purpose: "record a progress message for the running action",
            doc: String::new(),
        }
    }

    fn init(&mut self, _ctx: &mut dyn HookContext, args: Vec<String>) -> Result<(), String> {
        if args.is_empty() {
            return Err("no message specified".to_string());
        }
        self.message = args.join(" ");
        Ok(())
    }

    fn run(&mut self, env: &mut Env<'_>) -> Result<(), String> {
        env.ctx.log_action_message(&self.message).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for ok in ["a", "out-file", "x1", "0"] {
            assert!(is_valid_key(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a b"] {
            assert!(!is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn merge_builds_and_replaces_maps() {
        let mut results = BTreeMap::new();
        let keys = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        merge_result(&mut results, &keys("outfile.size"), "10G");
        merge_result(&mut results, &keys("foo.bar"), "2");
        merge_result(&mut results, &keys("foo.bar.zab"), "4");
        merge_result(&mut results, &keys("foo.baz"), "1");
        assert_eq!(
            super::super::format::yaml(&Value::Map(results)),
            "foo:\n  bar:\n    zab: \"4\"\n  baz: \"1\"\noutfile:\n  size: 10G\n"
        );
    }
}
