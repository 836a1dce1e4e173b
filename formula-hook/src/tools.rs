//! The hook tools as typed methods of [`Hook`]. Reads ask for `--format json` and parse it;
//! writes pass `key=value` arguments, as a shell hook would.

use crate::error::Error;
use crate::transport::{checked, parse_json};
use crate::Hook;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Whose settings `relation-get` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bag<'a> {
    /// The remote unit of the relation hook (`JUJU_REMOTE_UNIT`).
    Remote,
    /// A unit's bag (this unit's own, or a remote one).
    Unit(&'a str),
    /// An application's bag (`--app`): a remote application's, or this one's when leader.
    App(&'a str),
}

/// A workload status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `active`
    Active,
    /// `blocked`: a person must act.
    Blocked,
    /// `maintenance`: the formula is busy.
    Maintenance,
    /// `waiting`: for another application.
    Waiting,
}

impl Status {
    /// The name `status-set` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Blocked => "blocked",
            Status::Maintenance => "maintenance",
            Status::Waiting => "waiting",
        }
    }
}

/// A status as `status-get` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusInfo {
    /// `active`, `blocked`, …
    pub status: String,
    /// The message.
    #[serde(default)]
    pub message: String,
}

/// A `juju-log` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `DEBUG`
    Debug,
    /// `INFO`
    Info,
    /// `WARNING`
    Warning,
    /// `ERROR`
    Error,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
        }
    }
}

/// `-r ID` when a relation is given.
fn relation_flag<'a>(args: &mut Vec<&'a str>, relation: Option<&'a str>) {
    if let Some(id) = relation {
        args.extend(["-r", id]);
    }
}

fn pairs(settings: &[(&str, &str)]) -> Vec<String> {
    settings.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

impl Hook {
    /// Runs `tool --format json ARGS` and parses what it prints.
    fn json<T: serde::de::DeserializeOwned>(&mut self, tool: &str, args: &[&str]) -> Result<T, Error> {
        let mut all = vec!["--format".to_string(), "json".to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        let stdout = checked(self.transport.as_mut(), tool, &all)?;
        parse_json(tool, &stdout)
    }

    fn write(&mut self, tool: &str, args: Vec<String>) -> Result<(), Error> {
        checked(self.transport.as_mut(), tool, &args).map(drop)
    }

    fn relation_get_args<'a>(relation: Option<&'a str>, bag: Bag<'a>, key: &'a str) -> Vec<&'a str> {
        let mut args = Vec::new();
        relation_flag(&mut args, relation);
        match bag {
            Bag::Remote => args.push(key),
            Bag::Unit(unit) => args.extend([key, unit]),
            Bag::App(app) => args.extend(["--app", key, app]),
        }
        args
    }

    /// `relation-get - [UNIT]`: every setting in a bag of `relation` (default: the hook's).
    pub fn relation_get(&mut self, relation: Option<&str>, bag: Bag) -> Result<BTreeMap<String, String>, Error> {
        let args = Hook::relation_get_args(relation, bag, "-");
        Ok(self.json::<Option<BTreeMap<String, String>>>("relation-get", &args)?.unwrap_or_default())
    }

    /// `relation-get KEY [UNIT]`: one setting, `None` when unset.
    pub fn relation_get_key(&mut self, relation: Option<&str>, bag: Bag, key: &str) -> Result<Option<String>, Error> {
        let args = Hook::relation_get_args(relation, bag, key);
        self.json("relation-get", &args)
    }

    /// `relation-set [--app] KEY=VALUE…`: writes this unit's (or, with `app`, this
    /// application's) bag in `relation`; an empty value deletes the key. The write lands
    /// when the hook succeeds.
    pub fn relation_set(&mut self, relation: Option<&str>, app: bool, settings: &[(&str, &str)]) -> Result<(), Error> {
        let mut args = Vec::new();
        if let Some(id) = relation {
            args.extend(["-r".to_string(), id.to_string()]);
        }
        if app {
            args.push("--app".to_string());
        }
        args.extend(pairs(settings));
        self.write("relation-set", args)
    }

    /// `relation-ids ENDPOINT`: the relations of an endpoint (`["db:3"]`).
    pub fn relation_ids(&mut self, endpoint: &str) -> Result<Vec<String>, Error> {
        self.json("relation-ids", &[endpoint])
    }

    /// `relation-list`: the remote units in `relation` (default: the hook's).
    pub fn relation_list(&mut self, relation: Option<&str>) -> Result<Vec<String>, Error> {
        let mut args = Vec::new();
        relation_flag(&mut args, relation);
        self.json("relation-list", &args)
    }

    /// `relation-list --app`: the application at the other end of `relation`.
    pub fn relation_remote_app(&mut self, relation: Option<&str>) -> Result<String, Error> {
        let mut args = vec!["--app"];
        relation_flag(&mut args, relation);
        self.json("relation-list", &args)
    }

    /// `config-get`: every option with a value (defaults included).
    pub fn config(&mut self) -> Result<Map<String, Value>, Error> {
        Ok(self.json::<Option<Map<String, Value>>>("config-get", &[])?.unwrap_or_default())
    }

    /// `config-get KEY`: one option, `None` when it has no value.
    pub fn config_get(&mut self, key: &str) -> Result<Option<Value>, Error> {
        Ok(self.json::<Value>("config-get", &[key])?).map(|v| (!v.is_null()).then_some(v))
    }

    /// `unit-get KEY` (`private-address`, `public-address`).
    pub fn unit_get(&mut self, key: &str) -> Result<String, Error> {
        self.json("unit-get", &[key])
    }

    /// `open-port PORT[/PROTOCOL]` (or a range `8000-8100/tcp`, or `icmp`).
    pub fn open_port(&mut self, port: &str) -> Result<(), Error> {
        self.write("open-port", vec![port.to_string()])
    }

    /// `close-port PORT[/PROTOCOL]`.
    pub fn close_port(&mut self, port: &str) -> Result<(), Error> {
        self.write("close-port", vec![port.to_string()])
    }

    /// `opened-ports`: this unit's open ports (`["80/tcp"]`).
    pub fn opened_ports(&mut self) -> Result<Vec<String>, Error> {
        Ok(self.json::<Option<Vec<String>>>("opened-ports", &[])?.unwrap_or_default())
    }

    /// `juju-log -l LEVEL MESSAGE`.
    pub fn log(&mut self, level: LogLevel, message: &str) -> Result<(), Error> {
        self.write("juju-log", vec!["-l".into(), level.as_str().into(), message.to_string()])
    }

    /// `juju-log MESSAGE` at `INFO`.
    pub fn log_info(&mut self, message: &str) -> Result<(), Error> {
        self.log(LogLevel::Info, message)
    }

    /// `status-set STATUS MESSAGE`: this unit's workload status.
    pub fn status_set(&mut self, status: Status, message: &str) -> Result<(), Error> {
        self.write("status-set", vec![status.as_str().into(), message.to_string()])
    }

    /// `status-set --application STATUS MESSAGE` (leader only).
    pub fn application_status_set(&mut self, status: Status, message: &str) -> Result<(), Error> {
        self.write("status-set", vec!["--application".into(), status.as_str().into(), message.to_string()])
    }

    /// `status-get --include-data`: this unit's workload status.
    pub fn status_get(&mut self) -> Result<StatusInfo, Error> {
        self.json("status-get", &["--include-data"])
    }

    /// `is-leader`.
    pub fn is_leader(&mut self) -> Result<bool, Error> {
        self.json("is-leader", &[])
    }

    /// `leader-get`: every leader setting.
    pub fn leader_get_all(&mut self) -> Result<BTreeMap<String, String>, Error> {
        Ok(self.json::<Option<BTreeMap<String, String>>>("leader-get", &[])?.unwrap_or_default())
    }

    /// `leader-get KEY`: one leader setting, `None` when unset.
    pub fn leader_get(&mut self, key: &str) -> Result<Option<String>, Error> {
        self.json("leader-get", &[key])
    }

    /// `leader-set KEY=VALUE…` (leader only; an empty value deletes).
    pub fn leader_set(&mut self, settings: &[(&str, &str)]) -> Result<(), Error> {
        self.write("leader-set", pairs(settings))
    }

    /// `action-get`: every parameter of the running action.
    pub fn action_params(&mut self) -> Result<Map<String, Value>, Error> {
        Ok(self.json::<Option<Map<String, Value>>>("action-get", &[])?.unwrap_or_default())
    }

    /// `action-get KEY`: one parameter (dotted keys reach into maps), `None` when absent.
    pub fn action_get(&mut self, key: &str) -> Result<Option<Value>, Error> {
        Ok(self.json::<Value>("action-get", &[key])?).map(|v| (!v.is_null()).then_some(v))
    }

    /// `action-set KEY=VALUE…`: results of the running action.
    pub fn action_set(&mut self, results: &[(&str, &str)]) -> Result<(), Error> {
        self.write("action-set", pairs(results))
    }

    /// `action-fail MESSAGE`: the action failed (the hook still exits normally).
    pub fn action_fail(&mut self, message: &str) -> Result<(), Error> {
        self.write("action-fail", vec![message.to_string()])
    }

    /// `action-log MESSAGE`: progress of the running action.
    pub fn action_log(&mut self, message: &str) -> Result<(), Error> {
        self.write("action-log", vec![message.to_string()])
    }

    /// `state-get`: every key of this unit's formula state.
    pub fn state_get_all(&mut self) -> Result<BTreeMap<String, String>, Error> {
        Ok(self.json::<Option<BTreeMap<String, String>>>("state-get", &[])?.unwrap_or_default())
    }

    /// `state-get KEY`: one key of this unit's formula state, `None` when unset.
    pub fn state_get(&mut self, key: &str) -> Result<Option<String>, Error> {
        match self.json("state-get", &[key]) {
            // Juju reports a missing key as not found; to the formula it is just unset.
            Err(e) if e.kind == crate::ErrorKind::NotFound => Ok(None),
            other => other,
        }
    }

    /// `state-set KEY=VALUE…` (lands when the hook succeeds).
    pub fn state_set(&mut self, settings: &[(&str, &str)]) -> Result<(), Error> {
        self.write("state-set", pairs(settings))
    }

    /// `state-delete KEY` (lands when the hook succeeds).
    pub fn state_delete(&mut self, key: &str) -> Result<(), Error> {
        self.write("state-delete", vec![key.to_string()])
    }

    /// `application-version-set VERSION`.
    pub fn application_version_set(&mut self, version: &str) -> Result<(), Error> {
        self.write("application-version-set", vec![version.to_string()])
    }
}
