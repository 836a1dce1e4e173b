//! Running one hook: what to run, in what environment, and how it went.
//!
//! The engine describes the hook to run once, as a [`HookRun`]; [`program::resolve`] decides
//! what runs for it (a formula's WebAssembly module, its `dispatch` or hook file as a process,
//! a shell, or nothing); [`process`] runs a process in the unit through the backend while the
//! hook-tool server answers its calls (and, if asked, hands on its output as it comes:
//! [`stream`]), [`wasm`] runs a module in-process with the same tools.
//! Both give back a [`Ran`]: the [`Outcome`], the output, the tool calls and the hook's
//! context with its buffered writes, which the engine commits or discards by the uniter's
//! rules.

pub mod env;
pub mod process;
pub mod program;
pub mod shell;
pub mod stream;
pub mod stubs;
pub mod wasm;

pub use program::Program;

use crate::backend::{self, Backend, Machine, UnitPlaces};
use crate::error::SimError;
use crate::hook::Hook;
use crate::hook_context::SimContext;
use crate::model::NewUnit;
use crate::server::ToolServer;
use crate::wire::Response;
use process::Started;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wasm::WasmRunner;

/// How much of a hook's stdout and stderr the trace keeps.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// The most a hook may write to its stdout, or to its stderr, before it is stopped: what it
/// writes is held in memory until it ends.
pub const OUTPUT_LIMIT: u64 = 64 << 20;

/// One hook to run, as every runner takes it.
#[derive(Clone, Debug)]
pub struct HookRun<'a> {
    /// The unit.
    pub unit: &'a str,
    /// The hook (or action, or `juju exec` shell).
    pub hook: &'a Hook,
    /// Where the unit's files are.
    pub places: &'a UnitPlaces,
    /// `JUJU_CONTEXT_ID`: tool calls made with another are refused. It holds a token drawn from
    /// the run's seed, which also seeds a WebAssembly hook's clock and randomness.
    pub context_id: String,
    /// The hook's environment ([`env::hook_env`]).
    pub env: BTreeMap<String, String>,
    /// How long it may run before it is killed (a person's shell: no limit).
    pub timeout: Duration,
    /// Instructions a WebAssembly hook may execute.
    pub fuel: u64,
    /// The most memory (bytes) a WebAssembly hook may grow to: its unit's limit.
    pub memory: u64,
    /// A person's shell opens instead of the hook (`--debug-hooks`, `formula shell`).
    pub shell: bool,
    /// Kill the hook's process once this many of its tool calls are answered (an injected
    /// failure mid-hook, [`crate::fault::FailAt::AfterCalls`]).
    pub kill_after_calls: Option<u32>,
}

/// How the trace says a hook the formula does not have ended.
const MISSING: &str = "missing (skipped)";

/// Whether `result`, as [`Outcome::describe`] wrote it (in a trace, a hook record), is a hook
/// the formula does not have.
pub fn is_missing(result: &str) -> bool {
    result.starts_with("missing")
}

/// What a hook's run came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this code (128+N: killed by signal N).
    Exit(i32),
    /// There is no hook file: skipped, which counts as success.
    Missing,
    /// The hook file is there but not executable: a failure.
    NotExecutable(PathBuf),
    /// It could not be started.
    SpawnFailed(String),
    /// It ran past its timeout and was killed.
    Timeout(Duration),
    /// A failure was injected (`fail-next-hook`, the `fail` fault): it did not run.
    Injected,
    /// A WebAssembly hook used up its fuel budget.
    OutOfFuel(u64),
    /// A WebAssembly hook trapped.
    Trap(String),
    /// A WebAssembly hook's memory would have grown over this many bytes, its unit's limit.
    OverMemory(u64),
    /// The hook wrote more than [`OUTPUT_LIMIT`] to its stdout or stderr, and was stopped.
    OverOutput,
}

impl Outcome {
    /// Whether the hook succeeded: exit 0, or no hook to run.
    pub fn ok(&self) -> bool {
        matches!(self, Outcome::Exit(0) | Outcome::Missing)
    }

    /// The outcome as the trace and the hook log say it (`ok`, `failed (exit 1)`, …).
    pub fn describe(&self) -> String {
        match self {
            Outcome::Exit(0) => "ok".into(),
            Outcome::Exit(code) if *code > 128 => {
                format!("failed (killed by signal {})", code - 128)
            }
            Outcome::Exit(code) => format!("failed (exit {code})"),
            Outcome::Missing => MISSING.into(),
            Outcome::NotExecutable(path) => format!("failed (not executable: {})", path.display()),
            Outcome::SpawnFailed(e) => format!("failed (cannot start: {e})"),
            Outcome::Timeout(d) => format!("failed (timed out after {}s, killed)", d.as_secs()),
            Outcome::Injected => "failed (injected)".into(),
            Outcome::OutOfFuel(budget) => format!("failed (out of fuel after {budget} units)"),
            Outcome::Trap(message) => format!("failed (trap: {message})"),
            Outcome::OverMemory(limit) => format!("failed (memory over the unit's limit of {} MiB)", limit >> 20),
            Outcome::OverOutput => format!("failed (output over {} MiB, stopped)", OUTPUT_LIMIT >> 20),
        }
    }
}

/// One hook tool call a hook made, with its answer, for the trace.
pub type ToolCall = (String, Vec<String>, Response);

/// What a hook that ran left.
pub struct Ran {
    /// How it ended.
    pub outcome: Outcome,
    /// Its stdout, up to [`MAX_OUTPUT`].
    pub stdout: String,
    /// Its stderr, up to [`MAX_OUTPUT`].
    pub stderr: String,
    /// The fuel a WebAssembly hook used.
    pub fuel: Option<u64>,
    /// Its tool calls, in order.
    pub calls: Vec<ToolCall>,
    /// What was wrong with each request on the agent's socket that was not a tool call
    /// (garbage, a request over the limits, one cut short), in order.
    pub malformed: Vec<String>,
    /// Its context, with the model and its buffered writes (none when it did not get to run
    /// and had no context).
    pub ctx: Option<SimContext>,
    /// A person's shell opened in its place.
    pub shell: bool,
}

impl Ran {
    /// A hook that did not get to run, and had no context.
    pub fn unrun(outcome: Outcome) -> Ran {
        Ran {
            outcome,
            stdout: String::new(),
            stderr: String::new(),
            fuel: None,
            calls: Vec::new(),
            malformed: Vec::new(),
            ctx: None,
            shell: false,
        }
    }
}

/// The machines of a run's units and the ways hooks run in them: the backend, the hook-tool
/// server and its tools, the WebAssembly runner, and each unit's places and stubs.
pub struct Runner {
    backend: Box<dyn Backend>,
    server: ToolServer,
    tools: PathBuf,
    wasm: Option<WasmRunner>,
    places: BTreeMap<String, UnitPlaces>,
    stubs: BTreeMap<String, BTreeMap<String, String>>,
    units_made: u32,
}

impl Runner {
    /// A runner whose units live in `backend`, with the hook tools (links to `tool_binary`)
    /// and their server's socket in `root`.
    pub fn new(root: &Path, tool_binary: &Path, backend: Box<dyn Backend>) -> Result<Runner, SimError> {
        let tools = root.join("tools");
        std::fs::create_dir_all(&tools).map_err(|e| SimError(format!("cannot create {}: {e}", tools.display())))?;
        // A directory of tools per agent: a hook finds on its PATH only the tools of the
        // agent its formula was written for (a Juju charm that calls `ensemble-log` fails).
        for agent in env::AgentVersion::ALL {
            let dir = tools.join(agent.tools_dir());
            std::fs::create_dir_all(&dir).map_err(|e| SimError(format!("cannot create {}: {e}", dir.display())))?;
            for name in agent.tool_names() {
                let link = dir.join(name);
                let _ = std::fs::remove_file(&link);
                std::os::unix::fs::symlink(tool_binary, &link)
                    .map_err(|e| SimError(format!("cannot link hook tool {name}: {e}")))?;
            }
        }
        let server = ToolServer::start(&root.join("agent.socket"))
            .map_err(|e| SimError(format!("cannot start the hook-tool server: {e}")))?;
        Ok(Runner {
            backend,
            server,
            tools,
            wasm: None,
            places: BTreeMap::new(),
            stubs: BTreeMap::new(),
            units_made: 0,
        })
    }

    /// The backend.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    /// What the backend makes units' roots from, if not this machine's files.
    pub fn backend_base(&self) -> Option<crate::base::BaseId> {
        self.backend.base()
    }

    /// The backend's name (`host`, `ns`, …).
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Where `unit`'s files are.
    pub fn places(&self, unit: &str) -> Option<&UnitPlaces> {
        self.places.get(unit)
    }

    /// Sets the commands replaced in an application's units (`*`: all), for units made after.
    pub fn set_stubs(&mut self, stubs: BTreeMap<String, BTreeMap<String, String>>) {
        self.stubs = stubs;
    }

    /// What the environment of every hook shares, in `model` named `name` with `uuid`.
    pub fn site<'a>(&'a self, name: &'a str, uuid: &'a str) -> env::Site<'a> {
        env::Site { model_name: name, model_uuid: uuid, socket: &self.server.socket, tools: &self.tools }
    }

    /// Makes the machine of `unit`: the backend's unit, the formula copied in, its stubs.
    /// Returns its address.
    pub fn make_unit(&mut self, unit: &NewUnit) -> Result<String, SimError> {
        let name = &unit.name;
        // A subordinate lives on its principal's machine (spec §6.6).
        let host = unit.principal.as_ref().and_then(|p| self.places.get(p).map(|places| (p, places.machine)));
        let index = match host {
            Some((_, machine)) => machine,
            None => {
                self.units_made += 1;
                self.units_made - 1
            }
        };
        let machine = Machine {
            index,
            host_network: unit.host_network,
            release: unit.release,
            host_unit: host.map(|(p, _)| p.clone()),
        };
        let mut places = self
            .backend
            .create_unit(name, &machine)
            .map_err(|e| SimError(format!("cannot create unit {name}: {e}")))?;
        if let Some(host) = machine.host_unit.as_ref().and_then(|h| self.places.get(h)) {
            // One machine, one address.
            places.address = host.address.clone();
        }
        // Written while the backend gets the machine ready.
        let copied = backend::copy_formula(&unit.formula_dir, &places.charm_dir_host)
            .map_err(|e| SimError(format!("cannot copy the formula into {name}: {e}")))
            .and_then(|()| stubs::write(&self.stubs, name, &places));
        let ready = self.backend.await_unit(name).map_err(|e| SimError(format!("cannot create unit {name}: {e}")));
        ready.and(copied)?;
        let address = places.address.clone();
        self.places.insert(name.clone(), places);
        Ok(address)
    }

    /// Copies the formula in `formula_dir` into `unit` (its upgrade-charm is next).
    pub fn deploy_formula(&mut self, unit: &str, formula_dir: &Path) -> Result<(), SimError> {
        let places = self.places.get(unit).ok_or_else(|| SimError(format!("unit {unit} has no place")))?;
        backend::copy_formula(formula_dir, &places.charm_dir_host)
            .map_err(|e| SimError(format!("cannot deploy the new formula into {unit}: {e}")))
    }

    /// Takes down the machine of a unit that is gone.
    pub fn destroy_unit(&mut self, unit: &str) {
        self.places.remove(unit);
        self.backend.destroy_unit(unit);
    }

    /// Runs what Juju would run for `run` (a WebAssembly module unless `native`), with the
    /// hook context `context` gives (made once the hook has started); each line of its output
    /// goes to `output` as it is written, when given.
    pub fn run(
        &mut self,
        run: &HookRun,
        native: bool,
        context: impl FnOnce() -> SimContext,
        output: Option<stream::LineSink<'_>>,
    ) -> Result<Ran, SimError> {
        let name = run.hook.name();
        Ok(match program::resolve(run, native) {
            Program::Missing => Ran::unrun(Outcome::Missing),
            Program::NotExecutable(path) => Ran::unrun(Outcome::NotExecutable(path)),
            Program::Wasm(module) => {
                if self.wasm.is_none() {
                    self.wasm = Some(WasmRunner::new().map_err(SimError)?);
                }
                let Some(wasm) = self.wasm.as_mut() else {
                    return Err(SimError("the WebAssembly runner is not running".into()));
                };
                let ran = wasm.run_hook(run, &module, self.backend.as_ref(), context());
                // It runs in-process: its output is there once it has run.
                if let Some(sink) = output {
                    stream::emit_all(sink, run.unit, &name, &ran.stdout, &ran.stderr);
                }
                ran
            }
            Program::Process(path) => match process::start(run, &path, self.backend.as_mut())? {
                Started::Failed(outcome) => Ran { shell: run.shell, ..Ran::unrun(outcome) },
                Started::Running(running) => {
                    let follower = output.map(|sink| running.follow(run.unit, &name, sink));
                    process::serve(run, running, self.backend.as_mut(), &mut self.server, context(), follower)
                }
            },
        })
    }

    /// Ends the run: the backend removes what it made.
    pub fn cleanup(&mut self) {
        self.backend.cleanup();
    }
}
