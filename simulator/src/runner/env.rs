//! The environment a hook runs in (spec §5; Juju's `runner/context/context.go` `HookVars`).

use super::HookRun;
use std::collections::BTreeMap;
use std::path::Path;

/// The unit agent a formula was written for: its hooks get that agent's environment and
/// tools (docs/juju-contract.md §1.5, §5). Both may share a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentVersion {
    /// Juju 3.x: `JUJU_*` variables and Juju's tools.
    Juju,
    /// The 2011 Ensemble agent, for formulas marked `ensemble: formula`: `ENSEMBLE_*`
    /// variables and the tools of that time, `ensemble-log` among them.
    Ensemble,
}

impl AgentVersion {
    /// The agent `formula` was written for.
    pub fn of(formula: &formula_sdk::format::Formula) -> AgentVersion {
        if formula.is_ensemble() {
            AgentVersion::Ensemble
        } else {
            AgentVersion::Juju
        }
    }

    /// The names of its hook tools.
    pub fn tool_names(self) -> Vec<&'static str> {
        match self {
            AgentVersion::Juju => crate::tools::juju_tool_names().collect(),
            AgentVersion::Ensemble => crate::tools::ENSEMBLE_TOOL_NAMES.to_vec(),
        }
    }

    /// The directory of its tools under the run's `tools/`, which goes on `PATH`.
    pub fn tools_dir(self) -> &'static str {
        match self {
            AgentVersion::Juju => "juju",
            AgentVersion::Ensemble => "ensemble",
        }
    }

    /// Both, for making their tool directories.
    pub const ALL: [AgentVersion; 2] = [AgentVersion::Juju, AgentVersion::Ensemble];
}

/// What the environment of every hook of a run shares.
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    /// The model's name.
    pub model_name: &'a str,
    /// The model's uuid.
    pub model_uuid: &'a str,
    /// The hook-tool server's socket (`JUJU_AGENT_SOCKET_ADDRESS`).
    pub socket: &'a Path,
    /// The directory of the hook tools: one directory per [`AgentVersion`] below it, on
    /// `PATH` after the unit's stubs.
    pub tools: &'a Path,
}

/// The environment of `run`, as the agent the formula was written for sets it: Juju's
/// variables for the unit, the hook, its relation and action; or, for a 2011 Ensemble
/// formula, the `ENSEMBLE_*` variables of that agent and none of Juju's.
pub fn hook_env(run: &HookRun, site: &Site, agent: AgentVersion) -> BTreeMap<String, String> {
    match agent {
        AgentVersion::Juju => juju_env(run, site),
        AgentVersion::Ensemble => ensemble_env(run, site),
    }
}

/// What every hook gets whichever its agent: `PATH` (the unit's stubs, then the agent's
/// tools), `HOME`, and the locale, time zone and package settings of a Juju machine.
fn machine_env(run: &HookRun, site: &Site, agent: AgentVersion) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let tools = site.tools.join(agent.tools_dir()).to_string_lossy().into_owned();
    let stubs = run.places.dir.join("stubs").to_string_lossy().into_owned();
    env.insert("PATH".into(), format!("{stubs}:{tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    env.insert("APT_LISTCHANGES_FRONTEND".into(), "none".into());
    env.insert("DEBIAN_FRONTEND".into(), "noninteractive".into());
    env.insert("LANG".into(), "C.UTF-8".into());
    env.insert("LC_ALL".into(), "C.UTF-8".into());
    env.insert("TZ".into(), "UTC".into());
    env.insert("TERM".into(), "tmux-256color".into());
    env.insert("HOME".into(), run.places.home.to_string_lossy().into_owned());
    env
}

/// The 2011 Ensemble agent's variables (pyjuju `docs/source/internals/unit-agent-hooks.rst`
/// before the rename): the unit, the agent's socket and the client id the tools send, and in
/// relation hooks the relation and the remote unit.
fn ensemble_env(run: &HookRun, site: &Site) -> BTreeMap<String, String> {
    let mut env = machine_env(run, site, AgentVersion::Ensemble);
    let mut set = |k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    set("ENSEMBLE_UNIT_NAME", run.unit.to_string());
    set("ENSEMBLE_AGENT_SOCKET", site.socket.to_string_lossy().into_owned());
    set("ENSEMBLE_CLIENT_ID", run.context_id.clone());
    if let Some(endpoint) = &run.hook.endpoint {
        set("ENSEMBLE_RELATION", endpoint.clone());
        set("ENSEMBLE_REMOTE_UNIT", run.hook.remote_unit.clone().unwrap_or_default());
    }
    env
}

/// Juju 3's variables (`runner/context/context.go` `HookVars`).
fn juju_env(run: &HookRun, site: &Site) -> BTreeMap<String, String> {
    let (unit, hook, places, context_id) = (run.unit, run.hook, run.places, run.context_id.as_str());
    let mut env = machine_env(run, site, AgentVersion::Juju);
    let mut set = |k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    let charm = places.charm_dir.to_string_lossy().into_owned();
    let socket = site.socket.to_string_lossy().into_owned();
    set("CHARM_DIR", charm.clone());
    set("JUJU_CHARM_DIR", charm);
    set("JUJU_CONTEXT_ID", context_id.to_string());
    set("JUJU_HOOK_NAME", if hook.is_action() { String::new() } else { hook.name() });
    set("JUJU_DISPATCH_PATH", hook.dispatch_path());
    set("JUJU_AGENT_SOCKET_ADDRESS", socket.clone());
    set("JUJU_AGENT_SOCKET_NETWORK", "unix".into());
    set("JUJU_UNIT_NAME", unit.to_string());
    set("JUJU_MODEL_NAME", site.model_name.to_string());
    set("JUJU_MODEL_UUID", site.model_uuid.to_string());
    set("JUJU_API_ADDRESSES", "127.0.0.1:17070".into());
    set("JUJU_MACHINE_ID", places.machine.to_string());
    set("JUJU_PRINCIPAL_UNIT", String::new());
    set("JUJU_AVAILABILITY_ZONE", String::new());
    set("JUJU_VERSION", "3.6.1".into());
    set("CLOUD_API_VERSION", String::new());
    for proxy in ["JUJU_CHARM_HTTP_PROXY", "JUJU_CHARM_HTTPS_PROXY", "JUJU_CHARM_FTP_PROXY", "JUJU_CHARM_NO_PROXY"] {
        set(proxy, String::new());
    }
    if let (Some(id), Some(endpoint)) = (hook.relation, &hook.endpoint) {
        set("JUJU_RELATION", endpoint.clone());
        set("JUJU_RELATION_ID", format!("{endpoint}:{id}"));
        set("JUJU_REMOTE_UNIT", hook.remote_unit.clone().unwrap_or_default());
        set("JUJU_REMOTE_APP", hook.remote_app.clone().unwrap_or_default());
        if let Some(departing) = &hook.departing_unit {
            set("JUJU_DEPARTING_UNIT", departing.clone());
        }
    }
    if let Some((id, name)) = &hook.action {
        set("JUJU_ACTION_NAME", name.clone());
        set("JUJU_ACTION_UUID", format!("{id}"));
        set("JUJU_ACTION_TAG", format!("action-{id}"));
    }
    if let Some(secret) = &hook.secret {
        set("JUJU_SECRET_ID", secret.uri.clone());
        set("JUJU_SECRET_LABEL", secret.label.clone().unwrap_or_default());
    }
    if let Some(storage) = &hook.storage {
        set("JUJU_STORAGE_ID", storage.clone());
    }
    env
}
