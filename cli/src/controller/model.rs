//! One model of the controller: a [`Sim`] on a thread of its own, which runs the model's hooks
//! in real time.
//!
//! The thread owns the simulator (which holds processes and callbacks that stay on one
//! thread). Commands reach it as jobs ([`Handle::run`]), carried out between two hooks, as
//! Juju's controller changes its model while agents run theirs; each returns at once, and the
//! thread goes on stepping the model until no unit has work, then sleeps until a command or
//! the next timer (update-status, a hook retry) wakes it. Model time follows the wall clock:
//! the thread moves the model's clock to the time elapsed since the model was made before each
//! hook. After every hook and every job it publishes a [`View`], which is what reading
//! commands (`status`, `config`, `show-unit`) answer from, even while a hook runs.
//!
//! The seed fixes every choice of the scheduler; the trace (`trace.jsonl` in the model's
//! directory) records them, and the hooks and the commands' changes, as `formula sim --trace`
//! does.

use super::debug_log::DebugLog;
use super::record::Record;
use super::since;
use super::tasks::TaskBook;
use super::view::{Keeper, View};
use super::StartArgs;
use crate::sim::setup::{self, RunDir};
use anyhow::{Context, Result};
use simulator::model::Value;
use simulator::sim::{Config, Sim};
use simulator::trace::FileSink;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// The longest the thread sleeps with nothing due: it then looks at the clock again.
const IDLE_WAKE: Duration = Duration::from_secs(60);

/// A model's state on its thread, as jobs see it.
pub struct State {
    /// The simulator.
    pub sim: Sim,
    /// What views keep across hooks (statuses' times, machines, trust).
    pub keeper: Keeper,
    /// `juju model-config`'s settings.
    pub model_config: BTreeMap<String, Value>,
    /// The model's scenario, written as it goes.
    pub record: Record,
    /// `juju run` and `juju exec`'s operations and tasks.
    pub tasks: TaskBook,
}

/// Which of each unit's `juju-log` lines the debug log has.
type LogSeen = BTreeMap<String, usize>;

/// A job: runs on the model's thread between two hooks; what it returns answers the command,
/// once the view shows what the job changed (so that the command that comes next reads it).
type Job = Box<dyn FnOnce(&mut State) -> Answer + Send>;

/// Sends a job's result to the command waiting for it.
type Answer = Box<dyn FnOnce() + Send>;

enum Message {
    Job(Job),
    Stop,
}

/// The controller's end of a model's thread.
pub struct Handle {
    /// The model's name.
    pub name: String,
    /// Its directory (its trace).
    pub dir: PathBuf,
    sender: Sender<Message>,
    view: Arc<Mutex<View>>,
    /// The model's debug log.
    pub log: DebugLog,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Handle {
    /// Starts model `name`, whose trace goes into `dir`, with its units and choices as `args`
    /// say; returns once its simulator is made (or could not be). With `restore`, the model
    /// is the one `dir` holds from an earlier controller: its scenario is run again with its
    /// trace's choices (the same hooks, in the same order, at the same model times) before it
    /// goes on ([`restore`]).
    pub fn start(name: &str, dir: PathBuf, args: &StartArgs, restore: bool) -> Result<Handle> {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        if !restore {
            let _ = std::fs::remove_file(dir.join(DESTROYED));
        }
        let created = since::format(SystemTime::now());
        let base = View {
            name: name.to_string(),
            created,
            trace: dir.join("trace.jsonl"),
            model_config: default_model_config(),
            seed: args.seed,
            ..View::default()
        };
        let view = Arc::new(Mutex::new(base.clone()));
        let (sender, receiver) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let args = args.clone();
        let shared = view.clone();
        let log = DebugLog::default();
        let thread_log = log.clone();
        let thread = std::thread::Builder::new()
            .name(format!("model {name}"))
            .spawn(move || match make_sim(&base, &args, restore) {
                Ok((sim, record, run_dir, saved)) => {
                    let _ = ready_tx.send(Ok(()));
                    drive(sim, record, run_dir, base, saved, receiver, shared, thread_log);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("{e:#}")));
                }
            })
            .context("cannot start the model's thread")?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => anyhow::bail!(e),
            Err(_) => anyhow::bail!("the model's thread ended before it was ready"),
        }
        Ok(Handle { name: name.to_string(), dir, sender, view, log, thread: Mutex::new(Some(thread)) })
    }

    /// Runs `job` on the model's thread, between two hooks, and returns what it returns.
    pub fn run<T: Send + 'static>(&self, job: impl FnOnce(&mut State) -> T + Send + 'static) -> Result<T> {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move |state| {
            let result = job(state);
            Box::new(move || {
                let _ = tx.send(result);
            })
        });
        self.sender.send(Message::Job(job)).map_err(|_| anyhow::anyhow!("model `{}` has stopped", self.name))?;
        rx.recv().map_err(|_| anyhow::anyhow!("model `{}` stopped before it answered", self.name))
    }

    /// The model as its last published view shows it.
    pub fn view(&self) -> View {
        self.view.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Stops the model: the hook under way ends, then its units are stopped and removed.
    pub fn stop(&self) {
        let _ = self.sender.send(Message::Stop);
        if let Some(thread) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            let _ = thread.join();
        }
    }
}

/// The settings `juju model-config` starts from: Juju's defaults for the keys tests and
/// jubilant read; the two the simulator honours (spec §6.5) change how its units run.
pub fn default_model_config() -> BTreeMap<String, Value> {
    let text = |s: &str| Value::Str(s.to_string());
    BTreeMap::from([
        ("agent-stream".to_string(), text("released")),
        ("automatically-retry-hooks".to_string(), Value::Bool(true)),
        ("default-base".to_string(), text("")),
        ("development".to_string(), Value::Bool(false)),
        ("enable-os-refresh-update".to_string(), Value::Bool(true)),
        ("enable-os-upgrade".to_string(), Value::Bool(true)),
        ("logging-config".to_string(), text("<root>=INFO")),
        ("mode".to_string(), text("requires-prompts")),
        ("update-status-hook-interval".to_string(), text("5m")),
    ])
}

/// A file in a model's directory that says it was destroyed (a restarted controller leaves
/// it out).
pub const DESTROYED: &str = "destroyed";

/// What a model keeps beside its scenario, for a restarted controller: what the scenario
/// does not say (trust, every model-config key).
const SAVED: &str = "model.json";

/// What [`SAVED`] holds.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Saved {
    trusted: Vec<String>,
    model_config: BTreeMap<String, serde_json::Value>,
}

impl Saved {
    fn of(state: &State) -> Saved {
        Saved {
            trusted: state.keeper.trusted.iter().cloned().collect(),
            model_config: state.model_config.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
        }
    }

    fn read(dir: &std::path::Path) -> Option<Saved> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(SAVED)).ok()?).ok()
    }

    fn write(&self, dir: &std::path::Path) {
        if let Ok(text) = serde_json::to_string(self) {
            let _ = std::fs::write(dir.join(SAVED), text);
        }
    }
}

/// The simulator of the model `base` names, its trace and scenario in the model's directory,
/// its units in a run directory of their own, as `formula sim` makes one; restored from them
/// (`restore`) as [`Handle::start`] says.
fn make_sim(base: &View, args: &StartArgs, restore: bool) -> Result<(Sim, Record, RunDir, Option<Saved>)> {
    // Named as `formula sim`'s run directories are, so that `formula sim --clean` finds what a
    // killed controller left.
    let kind = setup::resolve(args.backend, true);
    let run_dir = RunDir::create("formula-sim-juju-", kind)?;
    let unit_flags = args.unit_flags();
    let backend = setup::backend(kind, &run_dir, &unit_flags.backend_options(), true)?;
    let mut cfg = Config::new(&run_dir.root, &run_dir.tool_binary);
    cfg.seed = args.seed;
    cfg.model_name = base.name.clone();
    cfg.hook_timeout = Duration::from_secs(args.hook_timeout);
    if let Some(spec) = &args.faults {
        cfg.faults = simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?;
    }
    let scenario = base.trace.with_file_name(format!("{}.yaml", base.name));
    let mut past = None;
    // A model that never changed has nothing to restore: it starts anew.
    let changed = std::fs::read_to_string(&scenario).is_ok_and(|text| text.lines().any(|l| l.starts_with("  - ")));
    if restore && changed {
        // The earlier trace's choices, then the seed's: the run goes on where it was.
        let trace = simulator::explore::read_trace(&base.trace).map_err(anyhow::Error::msg)?;
        cfg.choices = Some(trace.picks());
        cfg.continue_after_choices = true;
        let steps = simulator::scenario::load(&scenario).map_err(|errors| {
            anyhow::anyhow!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        })?;
        // Kept: the trace is written anew as the model runs again.
        let kept = base.trace.with_file_name("trace.before-restart.jsonl");
        std::fs::copy(&base.trace, &kept).with_context(|| format!("cannot keep {}", base.trace.display()))?;
        past = Some(steps);
    }
    let record = match past {
        Some(_) => Record::append(&scenario),
        None => Record::create(&scenario, &base.name),
    }
    .with_context(|| format!("cannot write {}", scenario.display()))?;
    // The trace names the scenario: `formula sim --replay` runs it.
    cfg.scenario = Some(scenario.to_string_lossy().into_owned());
    let sink = FileSink::create(&base.trace).with_context(|| format!("cannot write {}", base.trace.display()))?;
    let mut sim = Sim::new(cfg, backend, Box::new(sink)).map_err(anyhow::Error::msg)?;
    let saved = match past {
        Some(steps) => {
            simulator::run::restore(&mut sim, &steps)
                .map_err(|e| anyhow::anyhow!("cannot restore model `{}`: {e}", base.name))?;
            Saved::read(base.trace.parent().unwrap_or(std::path::Path::new(".")))
        }
        None => None,
    };
    Ok((sim, record, run_dir, saved))
}

/// The model's thread: jobs first, then a hook while any unit has work, then sleep.
#[allow(clippy::too_many_arguments)]
fn drive(
    mut sim: Sim,
    record: Record,
    run_dir: RunDir,
    base: View,
    saved: Option<Saved>,
    receiver: Receiver<Message>,
    shared: Arc<Mutex<View>>,
    log: DebugLog,
) {
    let backend = sim.backend_name().to_string();
    let output_log = log.clone();
    sim.on_output = Some(Box::new(move |line| output_log.output(line)));
    let mut seen = LogSeen::new();
    let mut state = State {
        sim,
        keeper: Keeper::default(),
        model_config: base.model_config.clone(),
        record,
        tasks: TaskBook::default(),
    };
    if let Some(saved) = saved {
        state.keeper.trusted = saved.trusted.into_iter().collect();
        for (key, value) in saved.model_config {
            state.model_config.insert(key, Value::from_json(&value));
        }
    }
    let model_dir = base.trace.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let mut base = View { backend, ..base };
    // Model time goes on from where a restored model was.
    let started = Instant::now().checked_sub(Duration::from_millis(state.sim.now())).unwrap_or_else(Instant::now);
    let publish = |state: &mut State, base: &View| {
        let now = since::format(SystemTime::now());
        let base = View { model_config: state.model_config.clone(), ..base.clone() };
        let view = state.keeper.view(&state.sim, &now, &base);
        if let Ok(mut shared) = shared.lock() {
            *shared = view;
        }
    };
    publish(&mut state, &base);
    // How long to sleep for a command, once no unit has work (until the next timer).
    let mut idle: Option<Duration> = None;
    loop {
        let message = match idle.take() {
            None => match receiver.try_recv() {
                Ok(message) => Some(message),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => break,
            },
            Some(wait) => match receiver.recv_timeout(wait) {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            },
        };
        match message {
            Some(Message::Stop) => break,
            Some(Message::Job(job)) => {
                let answer = job(&mut state);
                // A change clears an engine error: the model may move again.
                base.error = None;
                publish(&mut state, &base);
                answer();
                Saved::of(&state).write(&model_dir);
                continue;
            }
            None => {}
        }
        state.sim.advance_clock(started.elapsed().as_millis() as u64);
        let draws = state.sim.choices().draws().len();
        let at = state.sim.now();
        let stepped = state.sim.step();
        // A step that ran a hook or drew a choice is one a replay must take too.
        if !matches!(stepped, Ok(None)) || state.sim.choices().draws().len() != draws {
            state.record.step_at(at);
        }
        match stepped {
            Ok(Some(record)) => {
                log_hook(&state.sim, &record, &log, &mut seen);
                publish(&mut state, &base);
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("model {}: {e}", base.name);
                base.error = Some(e.to_string());
                publish(&mut state, &base);
            }
        }
        let until_due = match state.sim.next_due_at() {
            Some(at) => Duration::from_millis(at.saturating_sub(started.elapsed().as_millis() as u64)),
            None => IDLE_WAKE,
        };
        idle = Some(until_due.min(IDLE_WAKE));
    }
    state.sim.shutdown();
    drop(state);
    drop(run_dir);
}

/// Adds to the debug log what the hook `record` logged with `juju-log`, then that it ran.
fn log_hook(sim: &Sim, record: &simulator::sim::HookRecord, log: &DebugLog, seen: &mut LogSeen) {
    if let Some(unit) = sim.model.units.get(&record.unit) {
        let from = seen.get(&record.unit).copied().unwrap_or(0);
        for line in unit.log.iter().skip(from) {
            log.juju_log(&record.unit, line);
        }
        seen.insert(record.unit.clone(), unit.log.len());
    }
    log.hook_ran(record);
}
