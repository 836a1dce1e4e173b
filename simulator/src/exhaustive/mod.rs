//! Exhaustive exploration: every schedule Juju's rules allow for a scenario, up to the order of
//! hooks that commute.
//!
//! Each run is a [`Schedule::Choices`]: a prefix of choices, then the default for every later
//! one. From each run's trace the search adds the schedules that can differ from it (dynamic
//! partial-order reduction, as Flanagan and Godefroid describe it, run from traces):
//!
//! - where two hooks of different units *race* (they conflict, [`footprint`], and nothing
//!   orders them otherwise), the schedule that picks the later hook at the earlier hook's
//!   pick (a run of the search picks a unit and its hook in one draw, whose options its trace
//!   names: `candidates`);
//! - at every other choice past the run's prefix, each other option: within their bounds, a
//!   stale snapshot and the faults `--faults` allows, and what follows them.
//!
//! A fault between two hooks (leadership moving, the update-status timer) is a step of the
//! trace as a hook is ([`footprint::Step::fault`]), so it races the hooks it touches; no pick
//! can take it, so a reversal that must start with it moves its draw instead.
//!
//! A pick of a hook that commutes with everything between is never tried: that is the
//! reduction. Each run is also given its sleep set (Godefroid's: what runs before it took
//! from the state where it departs from them, [`SleepWatch`]); it keeps out of it and stops
//! where nothing else is left, instead of running to the end an order another run covered. The search is depth-first, `jobs` runs at a time, and deterministic: the runs of
//! one batch are read in the order they were proposed. A tree of every choice list run or
//! proposed keeps a schedule from running twice.

pub mod footprint;
mod watch;

pub use watch::SleepWatch;

use crate::explore::{self, Failure, Runner, Schedule, TraceInfo};
use crate::scheduler::transition_unit;
use crate::trace;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How to search.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Runs at once.
    pub jobs: usize,
    /// Stop after this many schedules.
    pub max_schedules: usize,
    /// Start no schedule after this instant.
    pub deadline: Option<std::time::Instant>,
    /// The most faults one schedule may have (with `--faults`).
    pub max_faults: usize,
    /// The most stale snapshots one schedule may have.
    pub max_stale: usize,
    /// Run every schedule (else stop at the first failure).
    pub keep_going: bool,
    /// Where runs leave their traces.
    pub work_dir: PathBuf,
}

/// Progress, for a progress line.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Schedules run.
    pub runs: usize,
    /// Schedules proposed and not yet run.
    pub frontier: usize,
    /// Failures so far.
    pub failures: usize,
    /// Runs cut short so far, their sleep sets holding every hook left (`Summary::redundant`).
    pub redundant: usize,
}

/// What the search found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Schedules run (each a different list of choices).
    pub runs: usize,
    /// Distinct classes among them (schedules equal up to the order of commuting hooks).
    pub classes: usize,
    /// The classes of the runs that went to the end ([`footprint::class`]), sorted.
    pub class_names: Vec<String>,
    /// What the units saw in the runs that went to the end ([`footprint::observations`]),
    /// sorted and each once.
    pub observations: Vec<String>,
    /// Hooks run in all.
    pub hooks: u64,
    /// Schedules proposed and not run when the search stopped.
    pub frontier: usize,
    /// Runs that reached a hook whose order another run had already covered (a sleep set's):
    /// the search went no further down them.
    pub redundant: usize,
    /// Whether every schedule was run.
    pub exhausted: bool,
    /// Whether it stopped at the plan's deadline.
    pub timed_out: bool,
    /// Failed schedules; a failure's `seed` is its schedule's number (from 1).
    pub failures: Vec<Failure>,
}

/// The trace of schedule `number` under `dir`.
pub fn schedule_trace(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("formula-sim-schedule-{number}.trace.jsonl"))
}

/// Runs the search.
pub fn exhaust(plan: &Plan, runner: &dyn Runner, progress: &(dyn Fn(Progress) + Sync)) -> Summary {
    let mut tree = ChoiceTree::default();
    let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
    let mut classes: BTreeSet<String> = BTreeSet::new();
    let mut observations: BTreeSet<String> = BTreeSet::new();
    let mut summary = Summary::default();
    let mut stop = false;
    let in_time = || plan.deadline.is_none_or(|deadline| std::time::Instant::now() < deadline);
    while !stack.is_empty() && !stop && summary.runs < plan.max_schedules && in_time() {
        let room = plan.max_schedules - summary.runs;
        let take = plan.jobs.max(1).min(room).min(stack.len());
        let batch: Vec<Vec<usize>> = stack.split_off(stack.len() - take).into_iter().rev().collect();
        let first = summary.runs as u64 + 1;
        let schedules: Vec<Schedule> = batch.iter().map(|prefix| tree.schedule(prefix)).collect();
        let outcomes: Vec<Result<(TraceInfo, Vec<trace::Event>), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = schedules
                .iter()
                .enumerate()
                .map(|(i, schedule)| {
                    let path = schedule_trace(&plan.work_dir, first + i as u64);
                    scope.spawn(move || {
                        runner.run(schedule, &path)?;
                        read(&path)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("the run's thread panicked".into()))).collect()
        });
        for (i, (prefix, outcome)) in batch.iter().zip(outcomes).enumerate() {
            let number = first + i as u64;
            let path = schedule_trace(&plan.work_dir, number);
            summary.runs += 1;
            let (info, events) = match outcome {
                Ok(read) => read,
                Err(e) => {
                    summary.failures.push(Failure {
                        seed: number,
                        signature: e,
                        trace: path,
                        info: TraceInfo::default(),
                    });
                    stop |= !plan.keep_going;
                    continue;
                }
            };
            summary.hooks += info.hooks.len() as u64;
            let steps = footprint::steps(&events);
            let hb = footprint::happens_before(&steps);
            let picks = info.picks();
            tree.insert(&picks);
            let sleep = sleep_sets(&mut tree, prefix.len(), &picks, &steps);
            let stopped = events.iter().any(|e| matches!(e, trace::Event::Redundant(_)));
            if sleep.blocked.is_some() || stopped {
                summary.redundant += 1;
            } else {
                // Only a whole run has a class; one cut short is a prefix of a class run.
                classes.insert(footprint::class(&steps, &hb));
                observations.insert(footprint::observations(&events));
            }
            for next in successors(plan, &tree, prefix.len(), &info, &steps, &hb, &sleep) {
                if tree.insert(&next) {
                    stack.push(next);
                }
            }
            match explore::signature(&info) {
                Some(signature) => {
                    summary.failures.push(Failure { seed: number, signature, trace: path, info });
                    stop |= !plan.keep_going;
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        progress(Progress {
            runs: summary.runs,
            frontier: stack.len(),
            failures: summary.failures.len(),
            redundant: summary.redundant,
        });
    }
    summary.classes = classes.len();
    summary.class_names = classes.into_iter().collect();
    summary.observations = observations.into_iter().collect();
    summary.frontier = stack.len();
    summary.exhausted = stack.is_empty() && !stop;
    summary.timed_out = !summary.exhausted && !in_time();
    summary
}

/// Reads a run's trace: what it says, and its events.
fn read(path: &Path) -> Result<(TraceInfo, Vec<trace::Event>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the trace {}: {e}", path.display()))?;
    let info = explore::parse_trace(&text).map_err(|e| format!("{}:{e}", path.display()))?;
    let events = trace::read(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))?;
    Ok((info, events))
}

/// The schedules a run of `prefix_len` prescribed choices adds to the search.
fn successors(
    plan: &Plan,
    tree: &ChoiceTree,
    prefix_len: usize,
    info: &TraceInfo,
    steps: &[footprint::Step],
    hb: &[Vec<bool>],
    sleep: &SleepSets,
) -> Vec<Vec<usize>> {
    let picks = info.picks();
    let mut out = Vec::new();
    // The schedule that takes the choices of this run up to `at`, then `option` there.
    let mut branch = |at: usize, option: usize| out.push([&picks[..at], &[option]].concat());
    // Past the hook where the run became redundant, nothing it did is new.
    let end = sleep.blocked.unwrap_or(steps.len());
    let limit = sleep.blocked.map_or(picks.len(), |b| steps[b].unit_draw.unwrap_or(steps[b].first_draw));
    let asleep = |step: usize, name: &str| sleep.at.get(step).is_some_and(|z| z.iter().any(|t| t.name == name));
    // Races: at the earlier hook's pick, a hook that starts the reversed order: the later
    // hook itself, or the first of the hooks between that do not come after the earlier one
    // and lead to the later (an initial of the reversal, as source-DPOR names it).
    for (i, j) in footprint::races(steps, hb).into_iter().filter(|&(_, j)| j < end) {
        let Some(at) = steps[i].unit_draw else { continue };
        let candidates = &steps[i].candidates;
        let position = |k: usize| candidates.iter().position(|name| *name == steps[k].name);
        // The reversal: what follows i and is not ordered after it, then j.
        let reversal: Vec<usize> = (i + 1..j).filter(|&k| !hb[i][k] && hb[k][j]).chain([j]).collect();
        let initials: Vec<usize> =
            reversal.iter().copied().filter(|&k| !reversal.iter().any(|&e| e < k && hb[e][k])).collect();
        // A fault is no option of a pick: when only a fault can start the reversal, the
        // schedule is the one where that fault strikes before `i` (at its own draw there).
        if initials.iter().all(|&k| steps[k].fault.is_some()) {
            for &k in &initials {
                let label = steps[k].hook.as_str();
                let draw =
                    (steps[i].first_draw..at).find(|&d| info.draws.get(d).is_some_and(|draw| draw.label == label));
                if let Some(d) = draw.filter(|&d| !info.departs(&info.draws[d])) {
                    if count_departures(info, d, |label| label.starts_with("fault-")) < plan.max_faults {
                        branch(d, 0);
                    }
                }
            }
            continue;
        }
        let initials: Vec<usize> = initials.into_iter().filter(|&k| steps[k].fault.is_none()).collect();
        // Source-DPOR: nothing to add when a run already took, or will take, an initial of the
        // reversal at that pick (or it is asleep there).
        let tried = tree.node(&picks[..at]).map(|node| &tree.nodes[node].children);
        if initials.iter().any(|&k| {
            position(k).is_some_and(|index| {
                index == picks[at] || asleep(i, &candidates[index]) || tried.is_some_and(|c| c.contains_key(&index))
            })
        }) {
            continue;
        }
        let targets: Vec<usize> = match initials.iter().find_map(|&k| position(k)) {
            Some(index) => vec![index],
            None => {
                // No initial was offered there: what leads to it is a hook of an initial's
                // unit that comes first (a unit's relation hooks come one remote unit at a
                // time), so that unit's options there; failing those, every option.
                let units: BTreeSet<&str> = initials.iter().map(|&k| steps[k].unit.as_str()).collect();
                let of_units: Vec<usize> = (0..candidates.len())
                    .filter(|&index| units.contains(transition_unit(&candidates[index])))
                    .collect();
                if of_units.is_empty() {
                    (0..candidates.len()).collect()
                } else {
                    of_units
                }
            }
        };
        for index in targets.into_iter().filter(|&index| index != picks[at] && !asleep(i, &candidates[index])) {
            branch(at, index);
        }
    }
    // A fault that withdraws a hook offered at the pick before it (leadership moving on before
    // the unit it went to ran leader-elected): the schedule that runs that hook there. The
    // fault and the hook never both run, so no race between them shows in the trace.
    for (f, fault) in steps.iter().enumerate().take(end).filter(|(_, step)| step.fault.is_some()) {
        let Some(before) = steps[..f].iter().rposition(|step| step.fault.is_none()) else { continue };
        let step = &steps[before];
        let Some(at) = step.unit_draw.filter(|_| step.segment == fault.segment) else { continue };
        for (index, name) in step.candidates.iter().enumerate() {
            let offer = footprint::Object::Offer(transition_unit(name).to_string(), name.clone());
            if index != picks[at] && fault.writes.contains(&offer) && !asleep(before, name) {
                branch(at, index);
            }
        }
    }
    // The other hooks the same unit could have run at its picks past the prefix: a unit's
    // choice among its own hooks. At the run's own branch too: a run that moved another unit
    // there is that unit's first look at the state. An option the unit ran later in the
    // settle, which commutes with the hook it ran here, needs no run of its own: run first,
    // it gives this run's class, or one that a race between them starts (the race of that
    // option and a hook it conflicts with).
    for (s, step) in steps.iter().enumerate().take(end) {
        let Some(at) = step.unit_draw.filter(|&at| at + 1 >= prefix_len) else { continue };
        for (index, name) in step.candidates.iter().enumerate() {
            if transition_unit(name) != step.unit || index == picks[at] || asleep(s, name) {
                continue;
            }
            let commutes_later = steps[s + 1..end]
                .iter()
                .take_while(|later| later.segment == step.segment)
                .find(|later| later.name == *name)
                .is_some_and(|later| !step.conflicts(later));
            if !commutes_later {
                branch(at, index);
            }
        }
    }
    // Every other option of the choices this run took by default.
    let mut faults = count_departures(info, prefix_len, |label| label.starts_with("fault-"));
    let mut stale = count_departures(info, prefix_len, |label| label == "stale");
    for (at, draw) in info.draws.iter().enumerate().take(limit).skip(prefix_len) {
        if explore::is_chance(draw) {
            let (used, bound) =
                if draw.label == "stale" { (&mut stale, plan.max_stale) } else { (&mut faults, plan.max_faults) };
            if *used < bound && !info.departs(draw) {
                // A chance fires at 0 (its default, 99, does not).
                branch(at, 0);
            }
            if info.departs(draw) {
                *used += 1;
            }
        } else if draw.label != "unit" {
            for option in (0..draw.options).filter(|&o| o != draw.picked) {
                branch(at, option);
            }
        }
    }
    // A redundant run goes on with the first hook its sleep set does not hold, and its unit's
    // other hooks there.
    if let Some(b) = sleep.blocked {
        let candidates = &steps[b].candidates;
        let awake = candidates.iter().position(|name| !asleep(b, name));
        if let (Some(at), Some(first)) = (steps[b].unit_draw, awake) {
            let unit = transition_unit(&candidates[first]);
            for (index, name) in candidates.iter().enumerate() {
                if !asleep(b, name) && transition_unit(name) == unit {
                    branch(at, index);
                }
            }
        }
    }
    // Deeper alternatives first on the stack's top: the search stays depth-first.
    out.sort_by_key(|next| std::cmp::Reverse(next.len()));
    out.reverse();
    out
}

/// How many of the run's first `len` draws whose label `label` selects departed from the
/// default.
fn count_departures(info: &TraceInfo, len: usize, label: impl Fn(&str) -> bool) -> usize {
    info.draws.iter().take(len).filter(|d| label(&d.label) && info.departs(d)).count()
}

/// The sleep sets of one run (Godefroid's): at each of its hooks, the hooks that other runs
/// already took from the same state and that commute with everything since, so that taking
/// them again here would only repeat those runs.
#[derive(Debug, Default)]
pub struct SleepSets {
    /// The sleep set before each hook of the run (empty up to the run's own branch).
    pub at: Vec<Vec<footprint::Step>>,
    /// The first hook the run took from its sleep set, if it did: the run is redundant from
    /// there on.
    pub blocked: Option<usize>,
}

/// Follows a run of `prefix_len` prescribed choices through its sleep sets, and records in
/// `tree` what it took at each pick and what was asleep there. A run that branched at a pick
/// of a unit and hook starts with what was asleep there and the hooks runs before it took
/// there, less those its own hook does not commute with; one that branched elsewhere (a
/// fault, a stale snapshot), or the first, starts with none.
fn sleep_sets(tree: &mut ChoiceTree, prefix_len: usize, picks: &[usize], steps: &[footprint::Step]) -> SleepSets {
    let mut out = SleepSets { at: vec![Vec::new(); steps.len()], blocked: None };
    let branch = prefix_len.checked_sub(1);
    let Some(first) = steps.iter().position(|s| s.unit_draw.is_some_and(|at| Some(at) >= branch)) else {
        return out;
    };
    // Before the branch, the sleep sets of the runs that got there first.
    for (index, step) in steps.iter().enumerate().take(first) {
        if let Some(node) = step.unit_draw.and_then(|at| tree.node(&picks[..at])) {
            out.at[index] = tree.nodes[node].sleep.clone();
        }
    }
    let mut asleep: Vec<footprint::Step> = Vec::new();
    if steps[first].unit_draw == branch {
        if let Some(node) = branch.and_then(|at| tree.node(&picks[..at])) {
            let data = &tree.nodes[node];
            asleep = data.sleep.iter().chain(&data.taken).cloned().collect();
        }
    }
    for (index, step) in steps.iter().enumerate().skip(first) {
        if index > first && asleep.iter().any(|t| t.name == step.name) {
            out.blocked = Some(index);
            out.at[index] = asleep.clone();
            if let Some(node) = step.unit_draw.and_then(|at| tree.node(&picks[..at])) {
                tree.nodes[node].sleep = asleep;
            }
            break;
        }
        if let Some(node) = step.unit_draw.and_then(|at| tree.node(&picks[..at])) {
            let data = &mut tree.nodes[node];
            if index > first || data.taken.is_empty() {
                data.sleep = asleep.clone();
            }
            if !data.taken.iter().any(|t| t.name == step.name) {
                data.taken.push(step.clone());
            }
        }
        out.at[index] = asleep.clone();
        asleep.retain(|t| t.sleeps_past(step));
    }
    out
}

/// What the search knows of one state (a list of choices up to a pick).
#[derive(Default)]
struct Node {
    /// The next pick's options that have a node.
    children: BTreeMap<usize, usize>,
    /// The sleep set of the run that first got here.
    sleep: Vec<footprint::Step>,
    /// The hooks runs took here, in the order they were read.
    taken: Vec<footprint::Step>,
}

/// Every choice list run or proposed, as a tree of picks.
#[derive(Default)]
struct ChoiceTree {
    nodes: Vec<Node>,
}

impl ChoiceTree {
    /// Adds `picks` (and so each of its prefixes); true when the whole list was new.
    fn insert(&mut self, picks: &[usize]) -> bool {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut node = 0;
        let mut new = false;
        for &pick in picks {
            let next = match self.nodes[node].children.get(&pick) {
                Some(&next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[node].children.insert(pick, next);
                    new = true;
                    next
                }
            };
            node = next;
        }
        new
    }

    /// How to run `prefix`: with the sleep set of the state at its last choice when that
    /// is a pick of a unit and its hook that runs before took other options of (what
    /// they took, and what was asleep when the first of them got there).
    fn schedule(&self, prefix: &[usize]) -> Schedule {
        let asleep: Vec<footprint::Step> = match prefix.split_last().and_then(|(_, before)| self.node(before)) {
            Some(node) => self.nodes[node].sleep.iter().chain(&self.nodes[node].taken).cloned().collect(),
            None => Vec::new(),
        };
        if asleep.is_empty() {
            Schedule::Choices(prefix.to_vec())
        } else {
            Schedule::Asleep(prefix.to_vec(), asleep)
        }
    }

    /// The node of the state after `picks`, if the tree has it.
    fn node(&self, picks: &[usize]) -> Option<usize> {
        let mut node = 0;
        if self.nodes.is_empty() {
            return None;
        }
        for pick in picks {
            node = *self.nodes[node].children.get(pick)?;
        }
        Some(node)
    }
}
