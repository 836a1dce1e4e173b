//! The controller's process: it listens on its socket, serves each connection on a thread of
//! its own, and holds the models.
//!
//! The models live in memory and in the directory: each model's scenario and trace are
//! written as it goes, and a controller that starts brings back every model the directory
//! holds (not destroyed) by running its scenario again with its trace's choices
//! ([`Handle::start`]), then the model in focus.

use super::model::Handle;
use super::wire::{self, Reply, Request};
use super::{StartArgs, PID_FILE, SOCKET};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file that names the model in focus.
const CURRENT_FILE: &str = "current-model";

/// The controller's name, as `juju status` and `juju models` show it.
pub const CONTROLLER_NAME: &str = "formula";

/// The controller: its models and the one in focus.
pub struct Controller {
    /// Its directory.
    pub dir: PathBuf,
    /// How its models run units and pick hooks.
    pub args: StartArgs,
    /// Its models, by name; a model's handle is shared with the commands using it.
    pub models: Mutex<BTreeMap<String, Arc<Handle>>>,
    /// The model in focus (`juju switch`).
    pub current: Mutex<Option<String>>,
}

impl Controller {
    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<Arc<Handle>> {
        self.models.lock().ok()?.get(name).cloned()
    }

    /// The names of the models, in order.
    pub fn model_names(&self) -> Vec<String> {
        self.models.lock().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// The model in focus, if any.
    pub fn current(&self) -> Option<String> {
        self.current.lock().ok()?.clone()
    }

    /// Puts `name` in focus (none: no model), also for a restarted controller.
    pub fn set_current(&self, name: Option<String>) {
        let _ = std::fs::write(self.dir.join(CURRENT_FILE), name.as_deref().unwrap_or(""));
        if let Ok(mut current) = self.current.lock() {
            *current = name;
        }
    }

    /// Brings back the models an earlier controller left in the directory (each in the
    /// order of their names; one that cannot be restored is said in the log and left out).
    fn restore_models(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("models")) else { return };
        let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            let dir = self.model_dir(&name);
            let scenario = dir.join(format!("{name}.yaml"));
            if dir.join(super::model::DESTROYED).exists() || !scenario.is_file() || !dir.join("trace.jsonl").is_file() {
                continue;
            }
            match Handle::start(&name, dir, &self.args, true) {
                Ok(handle) => {
                    eprintln!("controller: model {name} restored");
                    if let Ok(mut models) = self.models.lock() {
                        models.insert(name, Arc::new(handle));
                    }
                }
                Err(e) => eprintln!("controller: cannot restore model {name}: {e:#}"),
            }
        }
        let current = std::fs::read_to_string(self.dir.join(CURRENT_FILE)).unwrap_or_default();
        let current = current.trim();
        if !current.is_empty() && self.model(current).is_some() {
            if let Ok(mut focus) = self.current.lock() {
                *focus = Some(current.to_string());
            }
        }
    }

    /// Where model `name` keeps its trace.
    pub fn model_dir(&self, name: &str) -> PathBuf {
        self.dir.join("models").join(name)
    }

    /// Stops every model (their units are stopped and removed).
    fn stop_models(&self) {
        let models = self.models.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default();
        for (_, handle) in models {
            handle.stop();
        }
    }

    /// What `formula controller status` prints.
    fn status(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "controller: running (pid {}) in {}", std::process::id(), self.dir.display());
        let faults = self.args.faults.as_deref().map(|f| format!(", faults {f}")).unwrap_or_default();
        let _ = writeln!(out, "backend: {}, seed {}{faults}", self.args.backend.name(), self.args.seed);
        let names = self.model_names();
        if names.is_empty() {
            let _ = writeln!(out, "models: none");
        }
        let current = self.current();
        for name in names {
            let Some(handle) = self.model(&name) else {
                continue;
            };
            let view = handle.view();
            let units: usize =
                view.apps.values().map(|a| a.units.iter().map(|u| 1 + u.subordinates.len()).sum::<usize>()).sum();
            let mark = if current.as_deref() == Some(name.as_str()) { "*" } else { "" };
            let _ = writeln!(
                out,
                "model {name}{mark}: {} applications, {units} units, {} hooks run, on {}; trace {}",
                view.apps.len(),
                view.hooks,
                view.backend,
                view.trace.display()
            );
            if let Some(error) = &view.error {
                let _ = writeln!(out, "  stopped: {error}");
            }
        }
        out
    }
}

/// Runs the controller in `dir` until `formula controller stop`.
pub fn serve(dir: &Path, args: &StartArgs) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let socket = dir.join(SOCKET);
    if UnixStream::connect(&socket).is_ok() {
        anyhow::bail!("a controller already runs in {}", dir.display());
    }
    // A socket left by a controller that died.
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket).with_context(|| format!("cannot listen on {}", socket.display()))?;
    std::fs::write(dir.join(PID_FILE), format!("{}\n", std::process::id()))?;
    eprintln!("controller {} listening on {}", std::process::id(), socket.display());
    let controller = Arc::new(Controller {
        dir: dir.to_path_buf(),
        args: args.clone(),
        models: Mutex::new(BTreeMap::new()),
        current: Mutex::new(None),
    });
    // Before the first request is read: clients that connect meanwhile wait for their reply.
    controller.restore_models();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let controller = controller.clone();
                std::thread::spawn(move || serve_one(&controller, stream));
            }
            Err(e) => eprintln!("controller: cannot accept a connection: {e}"),
        }
    }
    Ok(())
}

/// Serves one connection: one request, one reply.
fn serve_one(controller: &Controller, mut stream: UnixStream) {
    let request = match wire::receive::<Request>(&mut stream) {
        Ok(request) => request,
        Err(e) => {
            let _ = wire::send(&mut stream, &Reply::error(format!("cannot read the request: {e}")));
            return;
        }
    };
    let reply = match request {
        Request::Juju { args, cwd, env } => crate::juju::dispatch(controller, &args, Path::new(&cwd), &env),
        Request::Status => Reply::out(controller.status()),
        Request::Stop => {
            controller.stop_models();
            let _ = std::fs::remove_file(controller.dir.join(SOCKET));
            let _ = std::fs::remove_file(controller.dir.join(PID_FILE));
            let _ = wire::send(&mut stream, &Reply { stderr: "controller stopped\n".into(), ..Reply::default() });
            std::process::exit(0);
        }
    };
    let _ = wire::send(&mut stream, &reply);
}
