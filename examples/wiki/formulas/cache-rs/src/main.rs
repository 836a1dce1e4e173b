//! cache-rs: the `cache` formula's relation, port and status logic as one Rust program.
//!
//! Every hook is a function; `Dispatcher` picks it from `JUJU_DISPATCH_PATH`. The program
//! builds natively (a `dispatch` that Juju runs, calling the hook-tool executables) and for
//! wasm32-wasip1 (a `dispatch.wasm` that the simulator runs in-process). Both builds do the
//! same: a WebAssembly hook cannot start a daemon, so neither build runs a server; the
//! formula only checks its configuration, opens the port, publishes host and port to its
//! clients and keeps its status in line. Whether it has been started is unit state
//! (`state-set`), not a file.

use formula_hook::{Dispatcher, Error, Hook, Status};
use std::process::ExitCode;

/// The unit-state key set between `start` and `stop`.
const STARTED: &str = "started";

fn main() -> ExitCode {
    Dispatcher::new()
        .on("install", install)
        .on("config-changed", reconcile)
        .on("start", start)
        .on("upgrade-charm", upgrade_charm)
        .on("stop", stop)
        .on("cache-relation-joined", offer)
        .on("cache-relation-changed", offer)
        .on("cache-relation-departed", departed)
        .on("cache-relation-broken", broken)
        .on("remove", remove)
        .run()
}

fn install(hook: &mut Hook) -> Result<(), Error> {
    hook.log_info("installing cache-rs")?;
    hook.application_version_set(env!("CARGO_PKG_VERSION"))
}

fn start(hook: &mut Hook) -> Result<(), Error> {
    hook.state_set(&[(STARTED, "yes")])?;
    reconcile(hook)
}

fn upgrade_charm(hook: &mut Hook) -> Result<(), Error> {
    hook.log_info("upgraded the cache-rs formula")?;
    hook.application_version_set(env!("CARGO_PKG_VERSION"))
}

fn stop(hook: &mut Hook) -> Result<(), Error> {
    hook.state_delete(STARTED)?;
    sync_ports(hook, &[])?;
    publish(hook, "", "")?;
    hook.log_info("stopped the cache")
}

fn remove(hook: &mut Hook) -> Result<(), Error> {
    hook.log_info("cache-rs removed")
}

/// cache-relation-joined/changed: tell the client where the cache is, once it runs.
fn offer(hook: &mut Hook) -> Result<(), Error> {
    let settings = Settings::read(hook)?;
    if hook.state_get(STARTED)?.is_none() || settings.problem().is_some() {
        return Ok(());
    }
    let address = hook.unit_get("private-address")?;
    hook.relation_set(None, false, &[("host", &address), ("port", &settings.port.to_string())])
}

fn departed(hook: &mut Hook) -> Result<(), Error> {
    let who = hook.env("JUJU_DEPARTING_UNIT").or(hook.remote_unit()).unwrap_or("a unit").to_string();
    hook.log_info(&format!("{who} left"))
}

fn broken(hook: &mut Hook) -> Result<(), Error> {
    let relation = hook.relation_id().unwrap_or("").to_string();
    let app = hook.remote_app().unwrap_or("a client").to_string();
    hook.log_info(&format!("relation {relation} with {app} is gone"))
}

/// The formula's configuration.
struct Settings {
    port: i64,
    memory: i64,
}

impl Settings {
    fn read(hook: &mut Hook) -> Result<Settings, Error> {
        let mut int =
            |key: &str| -> Result<i64, Error> { Ok(hook.config_get(key)?.and_then(|v| v.as_i64()).unwrap_or(0)) };
        Ok(Settings { port: int("port")?, memory: int("memory")? })
    }

    /// What is wrong with the configuration, if anything.
    fn problem(&self) -> Option<String> {
        if !(1..=65535).contains(&self.port) {
            Some(format!("port must be between 1 and 65535, got {}", self.port))
        } else if !(1..=4096).contains(&self.memory) {
            Some(format!("memory must be between 1 and 4096, got {}", self.memory))
        } else {
            None
        }
    }
}

/// Checks the configuration; once started, opens the port and publishes host and port.
fn reconcile(hook: &mut Hook) -> Result<(), Error> {
    let settings = Settings::read(hook)?;
    if let Some(problem) = settings.problem() {
        sync_ports(hook, &[])?;
        publish(hook, "", "")?;
        return hook.status_set(Status::Blocked, &problem);
    }
    if hook.state_get(STARTED)?.is_none() {
        return hook.status_set(Status::Maintenance, "configured, waiting for start");
    }
    let address = hook.unit_get("private-address")?;
    let port = settings.port.to_string();
    sync_ports(hook, &[format!("{port}/tcp")])?;
    publish(hook, &address, &port)?;
    hook.log_info(&format!("serving on {address}:{port} with {} MB", settings.memory))?;
    hook.status_set(Status::Active, "ready")
}

/// Opens exactly the `wanted` ports (like `11211/tcp`).
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

/// Tells every cache relation where the server is (empty values withdraw it).
fn publish(hook: &mut Hook, host: &str, port: &str) -> Result<(), Error> {
    for relation in hook.relation_ids("cache")? {
        hook.relation_set(Some(&relation), false, &[("host", host), ("port", port)])?;
    }
    Ok(())
}
