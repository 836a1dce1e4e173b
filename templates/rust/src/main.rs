//! {{display_name}}: every hook of the formula, as one Rust program.
//!
//! `formula build` compiles it twice: into `dispatch`, which Juju runs for every hook
//! (`hooks/NAME` are scripts that run it), and into `dispatch.wasm`, which `formula test` and
//! `formula sim` run in-process. `Dispatcher` calls the function registered for the hook's
//! name. Each hook brings the unit in line with its settings and relations, so running any
//! of them twice does no harm.

{{#has_relations}}
use formula_hook::Bag;
{{/has_relations}}
use formula_hook::{Dispatcher, Error, Hook, Status};
use std::process::ExitCode;

/// Endpoints this unit tells its address and port to, separated by spaces.
const PUBLISHED: &str = "{{#relations}}{{^container}}{{endpoint}} {{/container}}{{/relations}}";
/// Endpoints without which the unit is blocked, as `ENDPOINT:INTERFACE`, separated by spaces.
const NEEDED: &str = "{{#blocking}}{{endpoint}}:{{interface}} {{/blocking}}";
/// The settings file this formula renders.
const CONF: &str = "{{name}}.conf";
/// The unit-state key set between `start` and `stop`.
const STARTED: &str = "started";

fn main() -> ExitCode {
    Dispatcher::new()
        .on("install", install)
        .on("config-changed", reconcile)
        .on("start", start)
        .on("stop", stop)
        .on("upgrade-charm", reconcile)
        .on("update-status", update_status)
        .on("remove", remove)
        .on("leader-elected", leader_elected)
        .on("leader-settings-changed", reconcile)
{{#relations}}
        .on("{{endpoint}}-relation-joined", relation_joined)
        .on("{{endpoint}}-relation-changed", relation_changed)
        .on("{{endpoint}}-relation-departed", relation_departed)
        .on("{{endpoint}}-relation-broken", relation_broken)
{{/relations}}
        .run()
}

fn install(hook: &mut Hook) -> Result<(), Error> {
    hook.status_set(Status::Maintenance, "installing")?;
    hook.log_info("{{name}} installed")
}

fn start(hook: &mut Hook) -> Result<(), Error> {
    if hook.state_get(STARTED)?.is_none() {
        hook.state_set(&[(STARTED, "yes")])?;
    }
    reconcile(hook)
}

fn stop(hook: &mut Hook) -> Result<(), Error> {
    if hook.state_get(STARTED)?.is_some() {
        hook.state_delete(STARTED)?;
    }
    sync_ports(hook, &[])?;
    hook.status_set(Status::Maintenance, "stopped")
}

fn remove(hook: &mut Hook) -> Result<(), Error> {
    for name in data::names(hook)? {
        data::remove(hook, &name)?;
    }
    Ok(())
}

fn leader_elected(hook: &mut Hook) -> Result<(), Error> {
    let address = hook.unit_get("private-address")?;
    if hook.leader_get("leader-address")?.as_deref() != Some(address.as_str()) {
        hook.leader_set(&[("leader-address", &address)])?;
    }
    reconcile(hook)
}

/// Brings everything in line with the settings; safe to run any time.
fn reconcile(hook: &mut Hook) -> Result<(), Error> {
    let settings = Settings::read(hook)?;
    if settings.problem().is_none() {
        render_config(hook, &settings)?;
        let started = hook.state_get(STARTED)?.is_some();
        let port = format!("{}/tcp", settings.port);
        sync_ports(hook, if started { std::slice::from_ref(&port) } else { &[] })?;
        publish(hook, &settings)?;
    }
    update_status(hook)
}

/// The unit's status from its settings, state and relations.
fn update_status(hook: &mut Hook) -> Result<(), Error> {
    if let Some(problem) = Settings::read(hook)?.problem() {
        return hook.status_set(Status::Blocked, &problem);
    }
    if hook.state_get(STARTED)?.is_none() {
        return hook.status_set(Status::Maintenance, "configured, waiting for start");
    }
    for (endpoint, interface) in NEEDED.split_whitespace().filter_map(|e| e.split_once(':')) {
        if hook.relation_ids(endpoint)?.is_empty() {
            return hook.status_set(Status::Blocked, &format!("needs a relation on {endpoint} ({interface})"));
        }
    }
    hook.status_set(Status::Active, "ready")
}

/// The formula's settings (`config.yaml`).
struct Settings {
    greeting: String,
    port: i64,
}

impl Settings {
    fn read(hook: &mut Hook) -> Result<Settings, Error> {
        let greeting = hook.config_get("greeting")?.map(|v| text_of(&v)).unwrap_or_default();
        let port = match hook.config_get("port")? {
            Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0),
            _ => 0,
        };
        Ok(Settings { greeting, port })
    }

    /// What is wrong with the settings, if anything.
    fn problem(&self) -> Option<String> {
        (!(1..=65535).contains(&self.port)).then(|| format!("port must be between 1 and 65535, got {}", self.port))
    }
}

/// A setting's text: a string as it is, anything else as JSON writes it.
fn text_of(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

/// The settings, as `{{name}}.conf`.
fn render_config(hook: &mut Hook, settings: &Settings) -> Result<(), Error> {
    let unit = if hook.unit_name().is_empty() { "this unit" } else { hook.unit_name() };
    let text = format!(
        "# {{name}}.conf for {unit}, written by the {{name}} formula.\ngreeting = {}\nport = {}\n",
        settings.greeting, settings.port
    );
    data::write(hook, CONF, &text)
}

/// Opens exactly the ports in `wanted` (like `8080/tcp`).
fn sync_ports(hook: &mut Hook, wanted: &[String]) -> Result<(), Error> {
    let current = hook.opened_ports()?;
    for port in current.iter().filter(|p| !wanted.contains(p)) {
        hook.close_port(port)?;
    }
    for port in wanted.iter().filter(|p| !current.contains(p)) {
        hook.open_port(port)?;
    }
    Ok(())
}

/// Tells every related unit where this one listens.
fn publish(hook: &mut Hook, settings: &Settings) -> Result<(), Error> {
    let address = hook.unit_get("private-address")?;
    let port = settings.port.to_string();
    for endpoint in PUBLISHED.split_whitespace() {
        for relation in hook.relation_ids(endpoint)? {
            hook.relation_set(Some(&relation), false, &[("address", &address), ("port", &port)])?;
        }
    }
    Ok(())
}

{{#has_relations}}
/// The endpoint of a relation hook (`db` of `db-relation-changed`).
fn endpoint(hook: &Hook) -> String {
    hook.name().rsplit_once("-relation-").map_or("", |(endpoint, _)| endpoint).to_string()
}

fn relation_joined(hook: &mut Hook) -> Result<(), Error> {
    let address = hook.unit_get("private-address")?;
    let port = Settings::read(hook)?.port.to_string();
    hook.relation_set(None, false, &[("address", &address), ("port", &port)])
}

/// Notes the remote unit and its address in `ENDPOINT.units`.
fn relation_changed(hook: &mut Hook) -> Result<(), Error> {
    let address = hook.relation_get_key(None, Bag::Remote, "address")?.unwrap_or_default();
    let port = hook.relation_get_key(None, Bag::Remote, "port")?.unwrap_or_default();
    if let (false, Some(unit)) = (address.is_empty(), hook.remote_unit().map(str::to_string)) {
        let endpoint = endpoint(hook);
        let mut units = Units::read(hook, &endpoint)?;
        units.set(&unit, if port.is_empty() { address } else { format!("{address}:{port}") });
        units.write(hook)?;
    }
    update_status(hook)
}

fn relation_departed(hook: &mut Hook) -> Result<(), Error> {
    let unit = hook.env("JUJU_DEPARTING_UNIT").or(hook.remote_unit()).unwrap_or("").to_string();
    let endpoint = endpoint(hook);
    let mut units = Units::read(hook, &endpoint)?;
    units.forget(&unit);
    units.write(hook)
}

fn relation_broken(hook: &mut Hook) -> Result<(), Error> {
    let endpoint = endpoint(hook);
    data::remove(hook, &format!("{endpoint}.units"))?;
    update_status(hook)
}

/// `ENDPOINT.units`: one `unit address:port` line per related unit, sorted.
struct Units {
    file: String,
    units: std::collections::BTreeMap<String, String>,
}

impl Units {
    fn read(hook: &mut Hook, endpoint: &str) -> Result<Units, Error> {
        let file = format!("{endpoint}.units");
        let text = data::read(hook, &file)?.unwrap_or_default();
        let units = text
            .lines()
            .filter_map(|line| line.split_once(' '))
            .map(|(unit, address)| (unit.to_string(), address.to_string()))
            .collect();
        Ok(Units { file, units })
    }

    fn set(&mut self, unit: &str, address: String) {
        self.units.insert(unit.to_string(), address);
    }

    fn forget(&mut self, unit: &str) {
        self.units.remove(unit);
    }

    fn write(&self, hook: &mut Hook) -> Result<(), Error> {
        let text: String = self.units.iter().map(|(unit, address)| format!("{unit} {address}\n")).collect();
        data::write(hook, &self.file, &text)
    }
}

{{/has_relations}}
/// What this unit writes: files in its data directory (`$CHARM_DIR/../data`), each written
/// only when its contents change. The same code runs natively and as WebAssembly (the
/// simulator gives a module its unit's directory).
mod data {
    use formula_hook::{Error, ErrorKind, Hook};
    use std::path::PathBuf;

    fn dir(hook: &Hook) -> PathBuf {
        PathBuf::from(hook.env("CHARM_DIR").unwrap_or(".")).join("../data")
    }

    fn failed(what: &str, path: &std::path::Path, e: std::io::Error) -> Error {
        Error::new(ErrorKind::Other, what, format!("{}: {e}", path.display()))
    }

    pub fn read(hook: &mut Hook, name: &str) -> Result<Option<String>, Error> {
        let path = dir(hook).join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("read", &path, e)),
        }
    }

    pub fn write(hook: &mut Hook, name: &str, text: &str) -> Result<(), Error> {
        if read(hook, name)?.as_deref() == Some(text) {
            return Ok(());
        }
        let dir = dir(hook);
        std::fs::create_dir_all(&dir).map_err(|e| failed("write", &dir, e))?;
        let (path, new) = (dir.join(name), dir.join(format!("{name}.new")));
        std::fs::write(&new, text).map_err(|e| failed("write", &new, e))?;
        std::fs::rename(&new, &path).map_err(|e| failed("write", &path, e))
    }

    pub fn remove(hook: &mut Hook, name: &str) -> Result<(), Error> {
        let path = dir(hook).join(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed("remove", &path, e)),
            _ => Ok(()),
        }
    }

    pub fn names(hook: &mut Hook) -> Result<Vec<String>, Error> {
        let mut names: Vec<String> = std::fs::read_dir(dir(hook))
            .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        Ok(names)
    }
}
