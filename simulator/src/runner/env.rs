//! The environment a hook runs in (spec §5; Juju's `runner/context/context.go` `HookVars`).

use super::HookRun;
use std::collections::BTreeMap;
use std::path::Path;

/// What the environment of every hook of a run shares.
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    /// The model's name.
    pub model_name: &'a str,
    /// The model's uuid.
    pub model_uuid: &'a str,
    /// The hook-tool server's socket (`JUJU_AGENT_SOCKET_ADDRESS`).
    pub socket: &'a Path,
    /// The directory of the hook tools, on `PATH` after the unit's stubs.
    pub tools: &'a Path,
}

/// The environment of `run`: Juju's variables for the unit, the hook, its relation and
/// action, and `ENSEMBLE_*` too when the formula is a 2011 Ensemble formula (`ensemble`).
pub fn hook_env(run: &HookRun, site: &Site, ensemble: bool) -> BTreeMap<String, String> {
    let (unit, hook, places, context_id) = (run.unit, run.hook, run.places, run.context_id.as_str());
    let mut env = BTreeMap::new();
    let mut set = |k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    let charm = places.charm_dir.to_string_lossy().into_owned();
    let socket = site.socket.to_string_lossy().into_owned();
    let tools = site.tools.to_string_lossy().into_owned();
    let stubs = places.dir.join("stubs").to_string_lossy().into_owned();
    set("PATH", format!("{stubs}:{tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
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
    set("APT_LISTCHANGES_FRONTEND", "none".into());
    set("DEBIAN_FRONTEND", "noninteractive".into());
    set("LANG", "C.UTF-8".into());
    set("LC_ALL", "C.UTF-8".into());
    set("TZ", "UTC".into());
    set("TERM", "tmux-256color".into());
    set("HOME", places.home.to_string_lossy().into_owned());
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
    if ensemble {
        set("ENSEMBLE_UNIT_NAME", unit.to_string());
        set("ENSEMBLE_AGENT_SOCKET", socket);
        set("ENSEMBLE_CLIENT_ID", context_id.to_string());
        if let Some(endpoint) = &hook.endpoint {
            set("ENSEMBLE_RELATION", endpoint.clone());
            set("ENSEMBLE_REMOTE_UNIT", hook.remote_unit.clone().unwrap_or_default());
        }
    }
    env
}
