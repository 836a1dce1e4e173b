//! Exploring the orderings Juju allows: many seeds, replay, determinism checks, shrinking.
//!
//! A run is fixed by a [`Schedule`]: a seed, or a list of recorded choices. A [`Runner`]
//! runs one schedule in isolation and leaves its trace in a file; everything here works from
//! traces, so it does not matter where or how a run happened. [`explore`] runs seeds on
//! several worker threads, [`shrink`] searches a smaller schedule that fails the same way,
//! [`departure`] says where a replay left its trace and [`first_difference`] where two runs
//! of one seed differ.

use crate::schedules_run::{DrawKey, SchedulesRun};
use crate::trace::{self, Draw, Event, FaultKind, RunResult};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What fixes a run's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Draw every choice from this seed.
    Seed(u64),
    /// Take the choices from this list (past its end: the default order, no faults).
    Choices(Vec<usize>),
    /// Take the choices from this list; past its end, keep out of the hooks other runs took
    /// from the state at its last choice, and stop where only those remain (the exhaustive
    /// search's sleep set, [`crate::exhaustive::SleepWatch`]).
    Asleep(Vec<usize>, Vec<crate::exhaustive::footprint::Step>),
    /// Draw from this seed, keeping out of the schedules the runs before it ran.
    SeedAvoiding(u64, SchedulesBefore),
}

/// The schedules of an exploration's runs, each its draws' keys, in the order their tree was
/// made of them (the plan's); only ever added to.
#[derive(Debug, Default)]
struct ScheduleLog {
    /// Told apart from another exploration's log (a worker may hold the tree of one).
    id: u64,
    entries: Mutex<Vec<Arc<[DrawKey]>>>,
}

/// What a run keeping out of earlier schedules is given: the first `count` schedules of its
/// exploration's log. A runner hands its worker only those it has not had yet
/// ([`SchedulesBefore::since`]), which the worker adds to the tree it keeps.
#[derive(Clone)]
pub struct SchedulesBefore {
    log: Arc<ScheduleLog>,
    count: usize,
}

impl SchedulesBefore {
    /// How many schedules the run keeps out of.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Which exploration's schedules these are.
    pub fn log_id(&self) -> u64 {
        self.log.id
    }

    /// Those from the `from`-th on.
    pub fn since(&self, from: usize) -> Vec<Arc<[DrawKey]>> {
        let entries = self.log.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(from..self.count).map(<[_]>::to_vec).unwrap_or_default()
    }
}

impl std::fmt::Debug for SchedulesBefore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the first {} schedules of exploration {}", self.count, self.log.id)
    }
}

impl PartialEq for SchedulesBefore {
    fn eq(&self, other: &SchedulesBefore) -> bool {
        self.log.id == other.log.id && self.count == other.count
    }
}

impl Eq for SchedulesBefore {}

/// Runs one schedule, isolated from every other run, writing its trace to `trace`.
pub trait Runner: Sync {
    /// Runs `schedule`; an error is a run that could not start or did not finish.
    fn run(&self, schedule: &Schedule, trace: &Path) -> Result<(), String>;
}

/// One hook of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookStep {
    /// Step number.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook's name.
    pub hook: String,
    /// How many draws the trace holds up to this hook's own.
    pub draws_end: usize,
    /// Its remote unit or application, when it has one.
    pub remote: Option<String>,
    /// How it ended (`ok`, `failed (exit 1)`, …).
    pub result: String,
    /// A fault injected into it (`fail`, `restart`).
    pub fault: Option<String>,
}

impl HookStep {
    /// `unit hook (remote)`, as people read it.
    pub fn describe(&self) -> String {
        let remote = self.remote.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
        format!("{} {}{remote}", self.unit, self.hook)
    }
}

/// Whether `draw` is a chance (percent) rather than a pick among options.
pub(crate) fn is_chance(draw: &Draw) -> bool {
    draw.options == 100
        && (draw.label == "stale"
            || draw.label == "fault-fail"
            || draw.label == "fault-restart"
            || draw.label == "fault-tick"
            || draw.label == "fault-leader"
            || draw.label == "fault-stale")
}

/// The value of `draw` that means "the default": the first option, or a chance that did not
/// fire.
fn default_value(draw: &Draw) -> usize {
    if is_chance(draw) {
        99
    } else {
        0
    }
}

/// The stale-snapshot rate of a run (the engine's default; the trace does not record it).
const STALE_PERCENT: usize = 25;

/// What a trace says about its run.
#[derive(Clone, Debug, Default)]
pub struct TraceInfo {
    /// The `run` event.
    pub header: trace::Run,
    /// The hooks, in order.
    pub hooks: Vec<HookStep>,
    /// Every recorded draw, in order.
    pub draws: Vec<Draw>,
    /// The `result` event, when the run got that far.
    pub result: Option<RunResult>,
    /// Faults that happened between hooks: (the step they came before, what happened).
    pub step_faults: Vec<(u64, String)>,
}

impl TraceInfo {
    /// The recorded picks, as [`Schedule::Choices`] takes them.
    pub fn picks(&self) -> Vec<usize> {
        self.draws.iter().map(|d| d.picked).collect()
    }

    /// Whether the run passed (false when it has no result).
    pub fn passed(&self) -> bool {
        self.result.as_ref().is_some_and(|r| r.passed)
    }

    /// The seed in the `run` event.
    pub fn seed(&self) -> u64 {
        self.header.seed
    }

    /// Faults that happened up to the failure, between and in hooks.
    pub fn faults(&self) -> usize {
        let upto = &self.hooks[..self.failure_step().min(self.hooks.len())];
        let last = upto.last().map_or(0, |h| h.step);
        self.step_faults.iter().filter(|(step, _)| *step <= last).count()
            + upto.iter().filter(|h| h.fault.is_some()).count()
    }

    /// Whether `draw` departs from the default schedule: a unit acting out of turn, a stale
    /// snapshot, a relation taken out of order, a fault that fired.
    pub fn departs(&self, draw: &Draw) -> bool {
        if !is_chance(draw) {
            return draw.picked != 0;
        }
        let faults = crate::fault::Faults::parse(self.header.faults.as_deref().unwrap_or("")).unwrap_or_default();
        let rate = match draw.label.as_str() {
            "stale" => STALE_PERCENT,
            "fault-fail" => faults.fail as usize,
            "fault-restart" => faults.restart as usize,
            "fault-tick" => faults.tick as usize,
            "fault-leader" => faults.leader as usize,
            "fault-stale" => faults.stale as usize,
            _ => 0,
        };
        draw.picked < rate
    }

    /// Draws that depart from the default order (a unit acting out of turn, a stale
    /// snapshot, a relation taken out of order).
    pub fn out_of_turn(&self) -> usize {
        self.draws.iter().filter(|d| !d.label.starts_with("fault-") && self.departs(d)).count()
    }

    /// Where the failure shows: the first hook that failed and left its unit in error (the
    /// hooks before it are what led there), else every hook.
    pub fn failure_step(&self) -> usize {
        let in_error: Vec<&str> =
            self.result.iter().flat_map(|r| &r.unexpected_errors).filter_map(|e| e.split(':').next()).collect();
        self.hooks
            .iter()
            .position(|h| in_error.contains(&h.unit.as_str()) && h.result.starts_with("failed") && h.fault.is_none())
            .map_or(self.hooks.len(), |at| at + 1)
    }
}

/// Reads a trace file.
pub fn read_trace(path: &Path) -> Result<TraceInfo, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the trace {}: {e}", path.display()))?;
    parse_trace(&text).map_err(|e| format!("{}:{e}", path.display()))
}

/// Reads a trace's text; an error names the line.
pub fn parse_trace(text: &str) -> Result<TraceInfo, String> {
    let events =
        trace::read(text).map_err(|e| format!("{}: not a trace event (column {}): {}", e.line, e.column, e.message))?;
    let mut info = TraceInfo::default();
    let mut saw_run = false;
    for event in events {
        match event {
            Event::Run(run) => {
                info.header = run;
                saw_run = true;
            }
            Event::Hook(hook) => {
                info.draws.extend(hook.choices);
                info.hooks.push(HookStep {
                    step: hook.step,
                    unit: hook.unit,
                    hook: hook.hook,
                    draws_end: info.draws.len(),
                    remote: hook.remote_unit.or(hook.remote_app),
                    result: String::new(),
                    fault: None,
                });
            }
            Event::Exit(exit) => info.hook_at(exit.step, |h| h.result = exit.result),
            Event::ActionResult(action) => info.hook_at(action.step, |h| h.result = action.status),
            Event::Fault(fault) => match fault.fault {
                kind @ (FaultKind::Fail | FaultKind::Restart) => {
                    let name = if kind == FaultKind::Fail { "fail" } else { "restart" };
                    info.hook_at(fault.step, |h| h.fault = Some(name.to_string()));
                }
                FaultKind::Leader => info
                    .step_faults
                    .push((fault.step, format!("leadership moves to {}", fault.unit.as_deref().unwrap_or("?")))),
                FaultKind::Tick => info.step_faults.push((fault.step, "update-status timer fires".into())),
                FaultKind::Stale => info.hook_at(fault.step, |h| {
                    h.fault = Some(h.fault.take().map_or_else(|| "stale".to_string(), |f| format!("{f}, stale")));
                }),
            },
            Event::RunResult(result) => info.result = Some(result),
            Event::End(end) => info.draws.extend(end.choices),
            _ => {}
        }
    }
    if !saw_run {
        return Err("1: not a trace of `formula sim` (no `run` event)".into());
    }
    Ok(info)
}

impl TraceInfo {
    /// Changes the last hook of `step`, if there is one.
    fn hook_at(&mut self, step: u64, change: impl FnOnce(&mut HookStep)) {
        if let Some(h) = self.hooks.iter_mut().rev().find(|h| h.step == step) {
            change(h);
        }
    }
}

/// What failed, without what is particular to one seed: the same bug found under two seeds
/// has one signature. `None` when the run passed.
pub fn signature(info: &TraceInfo) -> Option<String> {
    let Some(result) = &info.result else {
        return Some("the run stopped before its result".into());
    };
    if result.passed {
        return None;
    }
    let mut parts = Vec::new();
    for f in &result.failures {
        parts.push(format!("expectation at {} failed: {}", f.at, f.what));
    }
    for e in &result.unexpected_errors {
        parts.push(format!("unit in error: {e}"));
    }
    if let Some(error) = &result.error {
        if error.contains("did not settle") {
            parts.push("the model did not settle".into());
        } else {
            let first = error.lines().next().unwrap_or("");
            let plain: String = first.chars().map(|c| if c.is_ascii_digit() { 'N' } else { c }).collect();
            parts.push(format!("error: {plain}"));
        }
    }
    if parts.is_empty() {
        parts.push("failed".into());
    }
    Some(parts.join("; "))
}

/// Seeds written `A..B` (B excluded) or `A..=B` (B included).
pub fn parse_seeds(text: &str) -> Result<std::ops::Range<u64>, String> {
    let bad = || format!("`{text}` is not a seed range like 0..100 (100 excluded) or 0..=99");
    let (a, b, inclusive) = if let Some((a, b)) = text.split_once("..=") {
        (a, b, true)
    } else if let Some((a, b)) = text.split_once("..") {
        (a, b, false)
    } else {
        return Err(bad());
    };
    let a: u64 = a.trim().parse().map_err(|_| bad())?;
    let b: u64 = b.trim().parse().map_err(|_| bad())?;
    let end = if inclusive { b.checked_add(1).ok_or_else(bad)? } else { b };
    if end <= a {
        return Err(format!("the seed range `{text}` is empty"));
    }
    Ok(a..end)
}

/// A shard `K/N` (1 ≤ K ≤ N): the K-th of N machines takes every N-th seed, from its K-th.
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{text}` is not a shard like 1/4 (this machine, of how many)");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The seeds of `range` that shard `k` of `n` runs.
pub fn shard_seeds(range: std::ops::Range<u64>, shard: Option<(u64, u64)>) -> Vec<u64> {
    match shard {
        None => range.collect(),
        Some((k, n)) => range.enumerate().filter(|(i, _)| *i as u64 % n == k - 1).map(|(_, s)| s).collect(),
    }
}

/// How to explore.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The seeds to run.
    pub seeds: Vec<u64>,
    /// Worker threads.
    pub jobs: usize,
    /// Run every seed (else stop taking new seeds at the first failure).
    pub keep_going: bool,
    /// Where runs leave their traces (one file per seed; passing runs' are removed).
    pub work_dir: PathBuf,
    /// Keep each seed out of the schedules the seeds before it ran.
    pub avoid_repeats: bool,
}

/// A seed that failed.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// What failed.
    pub signature: String,
    /// Its trace.
    pub trace: PathBuf,
    /// What the trace says.
    pub info: TraceInfo,
}

/// Progress, for a progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Runs finished.
    pub done: usize,
    /// Runs planned.
    pub total: usize,
    /// Failures so far.
    pub failures: usize,
}

/// What an exploration found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Runs finished.
    pub runs: usize,
    /// Failed runs, by seed.
    pub failures: Vec<Failure>,
    /// Hooks run in all.
    pub hooks: u64,
    /// Whether it stopped early at a failure.
    pub stopped_early: bool,
    /// Distinct schedules among the runs (lists of choices; [`crate::schedules_run`]).
    pub distinct_schedules: usize,
    /// Distinct orders of hooks among the runs, each with its remote unit, result and fault:
    /// different schedules may run the same hooks in the same order.
    pub hook_orders: usize,
    /// Every schedule of the scenario ran (seeds that keep out of those run before).
    pub exhausted: bool,
}

impl Summary {
    /// Distinct failures: signature → the seeds that failed so, in order.
    pub fn distinct(&self) -> BTreeMap<String, Vec<u64>> {
        let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for f in &self.failures {
            out.entry(f.signature.clone()).or_default().push(f.seed);
        }
        out
    }
}

/// The trace file of `seed` under `dir`.
pub fn seed_trace(dir: &Path, seed: u64) -> PathBuf {
    dir.join(format!("formula-sim-seed-{seed}.trace.jsonl"))
}

/// Runs the plan's seeds on `plan.jobs` threads; calls `progress` after each run.
///
/// With `plan.avoid_repeats`, each seed keeps out of the schedules of the seeds before it
/// ([`crate::schedules_run`]): the `k`-th run is given those of the runs up to `k - jobs`, in
/// the plan's order (it waits for them), so that what each run does depends on the plan and
/// `jobs` alone, not on which run finished first. Runs that were running side by side can still
/// meet on a schedule; the summary counts them. When every schedule has run, no more seeds
/// start.
pub fn explore(plan: &Plan, runner: &dyn Runner, progress: &(dyn Fn(Progress) + Sync)) -> Summary {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let hooks = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let failures: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let orders: Mutex<BTreeSet<u128>> = Mutex::new(BTreeSet::new());
    let jobs = plan.jobs.max(1);
    let window = Window::new(plan.seeds.len());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(&seed) = plan.seeds.get(index) else { break };
                let trace = seed_trace(&plan.work_dir, seed);
                let schedule = if plan.avoid_repeats {
                    match window.before(index, jobs) {
                        Seen::Exhausted => {
                            window.finish(index, None);
                            stop.store(true, Ordering::SeqCst);
                            break;
                        }
                        Seen::Before(before) => Schedule::SeedAvoiding(seed, before),
                    }
                } else {
                    Schedule::Seed(seed)
                };
                let outcome = runner.run(&schedule, &trace).and_then(|()| read_trace(&trace));
                let failure = match outcome {
                    Ok(info) => {
                        hooks.fetch_add(info.hooks.len() as u64, Ordering::SeqCst);
                        if let Ok(mut seen) = orders.lock() {
                            seen.insert(schedule_key(&info));
                        }
                        window.finish(index, Some(draw_keys(&info)));
                        signature(&info).map(|signature| Failure { seed, signature, trace: trace.clone(), info })
                    }
                    Err(e) => {
                        window.finish(index, None);
                        Some(Failure { seed, signature: e, trace: trace.clone(), info: TraceInfo::default() })
                    }
                };
                let failed = failure.is_some();
                if let Some(f) = failure {
                    if let Ok(mut list) = failures.lock() {
                        list.push(f);
                    }
                    if !plan.keep_going {
                        stop.store(true, Ordering::SeqCst);
                    }
                } else {
                    let _ = std::fs::remove_file(&trace);
                }
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                let failed_so_far = failures.lock().map(|l| l.len()).unwrap_or(usize::from(failed));
                progress(Progress { done: finished, total: plan.seeds.len(), failures: failed_so_far });
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by_key(|f| f.seed);
    let runs = done.load(Ordering::SeqCst);
    let hook_orders = orders.into_inner().map(|s| s.len()).unwrap_or_default();
    let tree = window.all();
    let (_, repeats) = tree.counts();
    Summary {
        runs,
        stopped_early: runs < plan.seeds.len() && !tree.exhausted(),
        exhausted: tree.exhausted(),
        failures,
        hooks: hooks.load(Ordering::SeqCst),
        distinct_schedules: runs.saturating_sub(repeats),
        hook_orders,
    }
}

/// The keys of a run's draws, as [`SchedulesRun`] takes them.
fn draw_keys(info: &TraceInfo) -> Vec<DrawKey> {
    info.draws.iter().map(|d| DrawKey::of(d, info.departs(d))).collect()
}

/// What a run is given of the runs before it.
enum Seen {
    /// Their schedules.
    Before(SchedulesBefore),
    /// They ran every schedule there is.
    Exhausted,
}

/// The runs' results in the plan's order, and the tree of the schedules of a prefix of them.
struct Window {
    state: Mutex<WindowState>,
    changed: std::sync::Condvar,
}

struct WindowState {
    /// Each run's draw keys once it finished (`Some(None)`: finished without a trace).
    results: Vec<Option<Option<Vec<DrawKey>>>>,
    /// The tree of runs `0..added`.
    tree: SchedulesRun,
    /// The schedules in it, in the order added.
    log: Arc<ScheduleLog>,
    added: usize,
    /// The next run to be given its tree: runs are given theirs in the plan's order.
    turn: usize,
}

impl WindowState {
    /// Adds the schedules of the runs up to `upto` (finished) to the tree, in the plan's order.
    fn add_upto(&mut self, upto: usize) {
        while self.added < upto {
            // Moved into the log: the result stays finished, without its keys.
            if let Some(Some(keys)) = self.results[self.added].replace(None) {
                self.tree.add(&keys);
                self.log.entries.lock().unwrap_or_else(|e| e.into_inner()).push(keys.into());
            }
            self.added += 1;
        }
    }
}

impl Window {
    fn new(runs: usize) -> Window {
        static EXPLORATIONS: AtomicU64 = AtomicU64::new(0);
        let log = Arc::new(ScheduleLog { id: EXPLORATIONS.fetch_add(1, Ordering::SeqCst), ..ScheduleLog::default() });
        let state = WindowState { results: vec![None; runs], tree: SchedulesRun::default(), log, added: 0, turn: 0 };
        Window { state: Mutex::new(state), changed: std::sync::Condvar::new() }
    }

    /// Waits for run `index`'s turn and for runs `0..=index - jobs` to finish; their
    /// schedules.
    fn before(&self, index: usize, jobs: usize) -> Seen {
        let upto = (index + 1).saturating_sub(jobs);
        // A lock poisoned by a panicking thread still holds the results.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let ready = state.turn == index && state.results[..upto].iter().all(Option::is_some);
            if ready {
                break;
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.add_upto(upto);
        state.turn += 1;
        let seen = if state.tree.exhausted() {
            Seen::Exhausted
        } else {
            let count = state.log.entries.lock().map(|e| e.len()).unwrap_or_default();
            Seen::Before(SchedulesBefore { log: Arc::clone(&state.log), count })
        };
        self.changed.notify_all();
        seen
    }

    /// Records that run `index` finished, with its draw keys when it left a trace.
    fn finish(&self, index: usize, keys: Option<Vec<DrawKey>>) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(slot) = state.results.get_mut(index) {
                *slot = Some(keys);
            }
            self.changed.notify_all();
        }
    }

    /// The tree of every run that finished, in the plan's order.
    fn all(&self) -> SchedulesRun {
        let Ok(mut state) = self.state.lock() else { return SchedulesRun::default() };
        let all = state.results.len();
        state.add_upto(all);
        state.tree.clone()
    }
}

/// What makes two runs the same schedule: their hooks, in order, each with its remote unit,
/// result and injected fault; hashed to 128 bits (thousands of seeds' hooks would take
/// megabytes, and a collision is as likely as none matters).
fn schedule_key(info: &TraceInfo) -> u128 {
    use std::hash::{Hash, Hasher};
    let halves = [0u8, 1].map(|half| {
        // SipHash with fixed keys: the same value in every process.
        let mut hasher = std::hash::DefaultHasher::new();
        half.hash(&mut hasher);
        for h in &info.hooks {
            (&h.unit, &h.hook, &h.remote, &h.result, &h.fault).hash(&mut hasher);
        }
        hasher.finish()
    });
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

/// Where `actual` leaves `expected` (the hooks of a trace and of its replay), in words;
/// `None` when they agree.
pub fn departure(expected: &[HookStep], actual: &[HookStep]) -> Option<String> {
    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
        if (&e.unit, &e.hook, &e.remote) != (&a.unit, &a.hook, &a.remote) {
            return Some(format!("step {}: trace ran {}, this run ran {}", i + 1, e.describe(), a.describe()));
        }
    }
    match (expected.len(), actual.len()) {
        (e, a) if e > a => {
            Some(format!("step {}: trace ran {}, this run had no more hooks", a + 1, expected[a].describe()))
        }
        (e, a) if a > e => {
            Some(format!("step {}: trace had no more hooks, this run ran {}", e + 1, actual[e].describe()))
        }
        _ => None,
    }
}

/// Where two traces of one seed differ: the first differing event, named by the hook it
/// belongs to; `None` when they are the same bytes.
pub fn first_difference(a: &str, b: &str) -> Option<String> {
    if a == b {
        return None;
    }
    let mut hook = String::from("before the first hook");
    let mut lines_b = b.lines();
    for (index, line_a) in a.lines().enumerate() {
        let line_b = lines_b.next();
        if line_b != Some(line_a) {
            let what = |line: Option<&str>| match line.and_then(|l| serde_json::from_str::<Event>(l).ok()) {
                Some(Event::Tool(call)) => format!("tool `{} {}`", call.tool, call.args.join(" ")),
                Some(event) => event.name().to_string(),
                None => "the end of the trace".into(),
            };
            return Some(format!(
                "line {}, in {hook}: the first run has {}, the second {}",
                index + 1,
                what(Some(line_a)),
                what(line_b)
            ));
        }
        if let Ok(Event::Hook(h)) = serde_json::from_str::<Event>(line_a) {
            hook = format!("step {} ({} {})", h.step, h.unit, h.hook);
        }
    }
    Some(format!("the second run goes on after the first one's {} lines (in {hook})", a.lines().count()))
}

/// How small a failing run is: (hooks up to the failure, faults, draws out of turn).
pub fn size(info: &TraceInfo) -> (usize, usize, usize) {
    (info.failure_step(), info.faults(), info.out_of_turn())
}

/// The result of shrinking.
#[derive(Debug)]
pub struct Shrunk {
    /// The smallest failing run found (its trace replays it).
    pub trace: PathBuf,
    /// What it says.
    pub info: TraceInfo,
    /// Runs tried.
    pub attempts: usize,
}

/// Searches, in at most `budget` runs, for a smaller schedule that fails with the same
/// signature as `failing`: faults turned off, units put back in the default order, the list
/// of choices cut short. Tries `jobs` candidates at once and keeps the first of them (in the
/// order they were proposed) that is smaller. `dir` receives the candidates' traces.
pub fn shrink(runner: &dyn Runner, failing: &Failure, budget: usize, jobs: usize, dir: &Path) -> Shrunk {
    let mut best = failing.info.clone();
    let mut best_trace = failing.trace.clone();
    let mut attempts = 0;
    let mut tried: Vec<Vec<usize>> = Vec::new();
    let mut improved = true;
    while improved && attempts < budget {
        improved = false;
        let mut fresh: Vec<Vec<usize>> = candidates(&best).into_iter().filter(|c| !tried.contains(c)).collect();
        fresh.dedup();
        for batch in fresh.chunks(jobs.max(1)) {
            let batch = &batch[..batch.len().min(budget - attempts)];
            if batch.is_empty() {
                break;
            }
            let first = attempts;
            attempts += batch.len();
            tried.extend(batch.iter().cloned());
            let results: Vec<Option<(TraceInfo, PathBuf)>> = std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .iter()
                    .enumerate()
                    .map(|(i, candidate)| {
                        let trace = dir.join(format!("shrink-{}.trace.jsonl", first + i + 1));
                        scope.spawn(move || {
                            let info = runner
                                .run(&Schedule::Choices(candidate.clone()), &trace)
                                .and_then(|()| read_trace(&trace))
                                .ok()?;
                            Some((info, trace))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok().flatten()).collect()
            });
            let mut kept = None;
            for (info, trace) in results.into_iter().flatten() {
                let smaller =
                    signature(&info).as_deref() == Some(failing.signature.as_str()) && size(&info) < size(&best);
                if smaller && kept.is_none() {
                    kept = Some((info, trace));
                } else {
                    let _ = std::fs::remove_file(&trace);
                }
            }
            if let Some((info, trace)) = kept {
                best = info;
                best_trace = trace;
                improved = true;
                break;
            }
            if attempts >= budget {
                break;
            }
        }
    }
    Shrunk { trace: best_trace, info: best, attempts }
}

/// Smaller schedules to try, most ambitious first.
fn candidates(info: &TraceInfo) -> Vec<Vec<usize>> {
    let picks = info.picks();
    let off = default_value;
    let mut out = Vec::new();
    // Cut the list after the failure: past its end everything takes the default.
    let failure_draws = match info.failure_step() {
        0 => 0,
        n => info.hooks.get(n - 1).map_or(picks.len(), |h| h.draws_end),
    };
    if failure_draws < picks.len() {
        out.push(picks[..failure_draws].to_vec());
    }
    // Every fault off; then every departure from the default order undone.
    let all_faults_off: Vec<usize> =
        info.draws.iter().map(|d| if d.label.starts_with("fault-") { off(d) } else { d.picked }).collect();
    out.push(all_faults_off);
    out.push(info.draws.iter().map(off).collect());
    // Halves, quarters, … of the list, as prefixes.
    let mut len = picks.len() / 2;
    while len > 0 {
        out.push(picks[..len].to_vec());
        len /= 2;
    }
    // One departure at a time, from the last one back.
    for (i, d) in info.draws.iter().enumerate().rev() {
        if info.departs(d) {
            let mut c = picks.clone();
            c[i] = off(d);
            out.push(c);
        }
    }
    // Blocks of draws removed (the schedule slides earlier).
    let mut block = picks.len() / 2;
    while block >= 1 {
        let mut start = 0;
        while start + block <= picks.len() {
            let mut c = picks[..start].to_vec();
            c.extend_from_slice(&picks[start + block..]);
            out.push(c);
            start += block;
        }
        if out.len() > 400 {
            break;
        }
        block /= 2;
    }
    out.retain(|c| *c != picks);
    out
}

/// The hooks that led to the failure, in plain words: per unit in order, then interleaved.
pub fn explain(info: &TraceInfo) -> String {
    let upto = info.failure_step();
    let hooks = &info.hooks[..upto.min(info.hooks.len())];
    let mut text = String::new();
    let mut units: Vec<&String> = hooks.iter().map(|h| &h.unit).collect();
    units.sort();
    units.dedup();
    let width = units.iter().map(|u| u.len()).max().unwrap_or(0);
    let mark = |h: &HookStep| {
        let remote = h.remote.as_ref().map(|r| format!("({r})")).unwrap_or_default();
        let fault = match h.fault.as_deref() {
            Some("fail") => " [injected failure, retried]",
            Some("restart") => " [agent restarted, runs again]",
            _ => "",
        };
        let failed = if h.result.starts_with("failed") && h.fault.is_none() { " FAILED" } else { "" };
        format!("{}{remote}{fault}{failed}", h.hook)
    };
    text.push_str("hooks per unit, in order:\n");
    for unit in &units {
        let list: Vec<String> = hooks.iter().filter(|h| &h.unit == *unit).map(mark).collect();
        text.push_str(&format!("  {unit:<width$}  {}\n", list.join(", ")));
    }
    text.push_str("as they ran:\n");
    for h in hooks {
        for (_, what) in info.step_faults.iter().filter(|(step, _)| *step == h.step) {
            text.push_str(&format!("  {:>3}  {:<width$}  ({what})\n", "", ""));
        }
        text.push_str(&format!("  {:>3}  {:<width$}  {}\n", h.step, h.unit, mark(h)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(unit: &str, hook: &str) -> HookStep {
        HookStep {
            step: 0,
            unit: unit.into(),
            hook: hook.into(),
            remote: None,
            draws_end: 0,
            result: "ok".into(),
            fault: None,
        }
    }

    #[test]
    fn the_explanation_shows_hooks_per_unit_and_faults_up_to_the_failure() {
        let text = [
            r#"{"event":"run","seed":1,"faults":"leader=10,fail=0,restart=10,tick=0"}"#,
            r#"{"event":"hook","step":1,"unit":"k/1","hook":"install","choices":[["fault-restart",100,3]]}"#,
            r#"{"event":"fault","step":1,"fault":"restart","unit":"k/1","hook":"install"}"#,
            r#"{"event":"exit","step":1,"result":"interrupted (agent restarted before the commit; runs again)"}"#,
            r#"{"event":"fault","step":2,"fault":"leader","unit":"k/1"}"#,
            r#"{"event":"hook","step":2,"unit":"c/0","hook":"db-relation-changed","remote-unit":"k/0","choices":[["unit",2,1]]}"#,
            r#"{"event":"exit","step":2,"result":"failed (exit 1)"}"#,
            r#"{"event":"hook","step":3,"unit":"k/1","hook":"install","choices":[]}"#,
            r#"{"event":"exit","step":3,"result":"ok"}"#,
            r#"{"event":"result","passed":false,"failures":[],"unexpected-errors":["c/0: hook failed: \"db-relation-changed\""],"error":null}"#,
        ]
        .join("\n");
        let info = parse_trace(&text).unwrap_or_default();
        assert_eq!(info.failure_step(), 2);
        assert_eq!(size(&info), (2, 2, 1));
        assert_eq!(
            explain(&info),
            "hooks per unit, in order:\n  c/0  db-relation-changed(k/0) FAILED\n  k/1  install [agent restarted, runs again]\nas they ran:\n    1  k/1  install [agent restarted, runs again]\n            (leadership moves to k/1)\n    2  c/0  db-relation-changed(k/0) FAILED\n"
        );
        assert_eq!(candidates(&info)[0], vec![99, 1], "first: every fault off");
    }

    #[test]
    fn seed_ranges_and_shards() {
        assert_eq!(parse_seeds("0..3"), Ok(0..3));
        assert_eq!(parse_seeds("5..=7"), Ok(5..8));
        assert!(parse_seeds("3..3").is_err());
        assert!(parse_seeds("x..3").is_err());
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        assert!(parse_shard("0/3").is_err() && parse_shard("4/3").is_err() && parse_shard("1").is_err());
        let all: Vec<u64> = (1..=3).flat_map(|k| shard_seeds(10..20, Some((k, 3)))).collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, (10..20).collect::<Vec<_>>(), "shards cover every seed once");
        assert_eq!(shard_seeds(10..20, Some((1, 3))), vec![10, 13, 16, 19]);
    }

    #[test]
    fn departure_names_the_first_step_that_differs() {
        let a = vec![step("db/0", "install"), step("db/0", "db-relation-changed")];
        let b = vec![step("db/0", "install"), step("wiki/1", "install")];
        assert_eq!(departure(&a, &a), None);
        assert_eq!(
            departure(&a, &b).as_deref(),
            Some("step 2: trace ran db/0 db-relation-changed, this run ran wiki/1 install")
        );
        assert_eq!(
            departure(&a, &a[..1]).as_deref(),
            Some("step 2: trace ran db/0 db-relation-changed, this run had no more hooks")
        );
    }

    #[test]
    fn first_difference_names_the_hook_and_the_tool_call() {
        let a = "{\"event\":\"run\"}\n{\"event\":\"hook\",\"step\":3,\"unit\":\"db/0\",\"hook\":\"start\"}\n{\"event\":\"tool\",\"tool\":\"relation-set\",\"args\":[\"a=1\"]}\n";
        let b = a.replace("a=1", "a=2");
        assert_eq!(first_difference(a, a), None);
        assert_eq!(
            first_difference(a, &b).as_deref(),
            Some("line 3, in step 3 (db/0 start): the first run has tool `relation-set a=1`, the second tool `relation-set a=2`")
        );
    }

    #[test]
    fn signatures_leave_out_what_is_particular_to_a_seed() {
        let trace =
            |result: &str| parse_trace(&format!("{{\"event\":\"run\",\"seed\":4}}\n{result}\n")).unwrap_or_default();
        let ok = trace(r#"{"event":"result","passed":true,"failures":[],"unexpected-errors":[],"error":null}"#);
        assert_eq!(signature(&ok), None);
        let stuck = trace(
            r#"{"event":"result","passed":false,"failures":[],"unexpected-errors":[],"error":"s.yaml:3:5: the model did not settle after 200 hooks; the last hooks were: a"}"#,
        );
        assert_eq!(signature(&stuck).as_deref(), Some("the model did not settle"));
        let err = trace(
            r#"{"event":"result","passed":false,"failures":[],"unexpected-errors":["c/0: hook failed: \"x\""],"error":null}"#,
        );
        assert_eq!(signature(&err).as_deref(), Some("unit in error: c/0: hook failed: \"x\""));
        assert!(parse_trace("{\"event\":\"hook\"}\n").is_err(), "a trace starts with its run event");
        assert!(parse_trace("nonsense").unwrap_err().starts_with("1: not a trace event"));
    }
}
