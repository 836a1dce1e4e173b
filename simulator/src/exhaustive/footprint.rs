//! What each hook of a run touched that another hook can see, read from the run's trace, and
//! so which hooks commute.
//!
//! Two hooks are independent when neither writes what the other reads or writes
//! (docs/juju-contract.md §6.3.13); two hooks of one unit, besides, only when they are hooks of
//! two different relations ([`Step::orders`]). What a hook can see is the model: the relation bags
//! and scopes of relations its unit is in, leader settings and leadership of its application,
//! its unit's own view of its relations, which hooks its unit is offered; and files, those of
//! its machine (shared by a subordinate and its principal). The reading is conservative where
//! the trace cannot say more:
//!
//! - a relation hook reads what its remote unit (but for a joined hook, whose changed follows
//!   whatever it saw) and the unit's application wrote, and whether that unit is in the
//!   relation (`-relation-created` nothing of it, `-relation-broken` its whole
//!   scope), a joined or departed hook who else is (the next remote unit depends on it), and a
//!   changed hook who else is and what the remote units named before its own wrote (a unit
//!   hears of one change at a time, in name order: theirs would have come first);
//!   every hook reads its application's leadership and leader settings (leader-settings-changed
//!   comes before the hooks the resolver would offer otherwise);
//! - a relation's created, joined, departed and broken hooks write their unit's view of it,
//!   which `relation-list`, `relation-ids`, `relation-get` and `goal-state` read;
//! - `relation-get` reads the bag its arguments name, and `goal-state` every relation of the
//!   unit's application; `relation-list` only the unit's view (it answers from it);
//! - a hook the formula does not have touches no file;
//! - `install` writes the unit's bag and its place in each relation of its application (the
//!   unit enters scope once install commits); `-relation-departed`/`-broken` its place in
//!   their relation; `remove` every place and its application's leadership.

use crate::trace::{BagKind, Event, FaultKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Something a hook may read or write that another unit sees.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Object {
    /// All of a relation (its bags and its scope).
    Relation(i64),
    /// One bag of a relation: a unit's, or an application's.
    Bag(i64, String),
    /// Who is in a relation's scope.
    Scope(i64),
    /// Whether one unit is in a relation's scope.
    Member(i64, String),
    /// An application's leader settings and leadership.
    Leader(String),
    /// The files of a machine (a unit's, shared with its subordinates).
    Machine(String),
    /// What a unit knows of a relation (`None`: of all of them): that it was created, and
    /// which remote units joined it, as its own relation hooks tell it, whether or not the
    /// formula has them; `relation-list`, `relation-ids` and `relation-get` answer from it.
    View(String, Option<i64>),
    /// Whether a unit is offered one hook (`unit hook [remote]`): the hook reads it (it could
    /// be picked only while offered), and a hook of another unit after which it is offered,
    /// or no longer, wrote it. So a hook commutes with another unit's hooks it neither offers
    /// nor withdraws, even when it gives that unit something else to choose; the orders of a
    /// unit's own hooks that the new option makes possible are races of that unit's hooks
    /// ([`races`]).
    Offer(String, String),
}

impl Object {
    /// Whether a write of `self` and an access of `other` touch the same thing.
    fn overlaps(&self, other: &Object) -> bool {
        match (self, other) {
            (
                Object::Relation(a),
                Object::Relation(b) | Object::Bag(b, _) | Object::Scope(b) | Object::Member(b, _),
            )
            | (Object::Bag(a, _) | Object::Scope(a) | Object::Member(a, _), Object::Relation(b))
            | (Object::Scope(a), Object::Member(b, _) | Object::Scope(b))
            | (Object::Member(a, _), Object::Scope(b)) => a == b,
            (Object::View(a, x), Object::View(b, y)) => a == b && (x.is_none() || y.is_none() || x == y),
            _ => self == other,
        }
    }
}

/// One hook of a run, with where it was picked and what it touched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Step {
    /// The unit.
    pub unit: String,
    /// The hook (`db-relation-changed`).
    pub hook: String,
    /// Its remote unit or application, when it has one.
    pub remote: Option<String>,
    /// Its relation, for a relation hook.
    pub relation: Option<i64>,
    /// The settle the hook ran in: hooks of different settles never trade places, a scenario
    /// step stands between them.
    pub segment: usize,
    /// The position of its `unit` draw among the run's draws, when there was one (a pick
    /// among two or more).
    pub unit_draw: Option<usize>,
    /// The position of its first draw (faults between hooks come before the pick).
    pub first_draw: usize,
    /// How the pick names it: `unit hook [remote]`.
    pub name: String,
    /// The picks that were possible in its place (the same names), in the order of the draw.
    pub candidates: Vec<String>,
    /// What it read.
    pub reads: BTreeSet<Object>,
    /// What it wrote.
    pub writes: BTreeSet<Object>,
    /// Not a hook but a fault between two hooks ([`FaultKind::Leader`]: leadership moved;
    /// [`FaultKind::Tick`]: the update-status timer fired). No pick can take it; only its own
    /// draw moves it, which is labelled as its `hook` is named (`fault-leader`, `fault-tick`).
    pub fault: Option<FaultKind>,
}

impl Step {
    /// Whether `self` and `other` do not commute.
    ///
    /// Two hooks that both change whether some hook is offered do not conflict for that: the
    /// offer follows from the state both leave (a unit's start offers a relation hook that
    /// another unit's write then makes wait for its application's relation-changed, and in
    /// the other order the write comes first and start offers the same); only the hook offered
    /// or withdrawn reads it.
    pub fn conflicts(&self, other: &Step) -> bool {
        let hits = |writes: &BTreeSet<Object>, touched: &BTreeSet<Object>, both_write: bool| {
            writes
                .iter()
                .filter(|w| !(both_write && matches!(w, Object::Offer(..))))
                .any(|w| touched.iter().any(|t| w.overlaps(t)))
        };
        hits(&self.writes, &other.reads, false)
            || hits(&self.writes, &other.writes, true)
            || hits(&other.writes, &self.reads, false)
    }

    /// Whether `later`, run after `self`, must stay after it: they conflict, or they are of
    /// one unit and not hooks of two different relations. A unit's resolver runs its other
    /// hooks in an order of its own (install before start before relation hooks, a relation's
    /// joined before its changed), but each relation's hooks come in no fixed order with
    /// another's (Juju ranges over a map of them). What decides is the pair itself, never
    /// which hook happened to come last: two orders of commuting hooks stay one class.
    pub fn orders(&self, later: &Step) -> bool {
        let other_relations = matches!((self.relation, later.relation), (Some(a), Some(b)) if a != b);
        self.conflicts(later) || (self.unit == later.unit && !other_relations)
    }

    /// Whether a fault step brings about the hook of `offer`: update-status at a tick,
    /// leader-elected and leader-settings-changed in its application when leadership moves.
    fn brings_about(&self, offer: &Object) -> bool {
        let Object::Offer(unit, name) = offer else { return false };
        let hook = name.split(' ').nth(1).unwrap_or("");
        match self.fault {
            Some(FaultKind::Tick) => hook == "update-status",
            Some(FaultKind::Leader) => {
                let app = self.remote.as_deref().map(app_of);
                app == Some(app_of(unit)) && (hook == "leader-elected" || hook == "leader-settings-changed")
            }
            _ => false,
        }
    }

    /// Whether `self`, asleep (another run took it from the state where this run's sleep set
    /// began), stays asleep once `ran` has run: only hooks that commute with everything since
    /// stay (Godefroid's sleep sets), and never the hook that ran.
    pub fn sleeps_past(&self, ran: &Step) -> bool {
        self.name != ran.name && !ran.orders(self)
    }
}

/// The application of a unit (`wiki` of `wiki/0`).
fn app_of(unit: &str) -> &str {
    unit.split_once('/').map_or(unit, |(app, _)| app)
}

/// Reads the hooks of a run, with their footprints, from its trace's events.
pub fn steps(events: &[Event]) -> Vec<Step> {
    // Relations by id → the applications at their ends; a unit's machine (its principal's).
    let mut relations: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut machine: BTreeMap<String, String> = BTreeMap::new();
    // The units of each application, by name: the order a unit's resolver takes them in.
    let mut units: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut draws = 0usize;
    let mut segment = 0usize;
    let relations_of = |relations: &BTreeMap<i64, BTreeSet<String>>, app: &str| -> Vec<i64> {
        relations.iter().filter(|(_, apps)| apps.contains(app)).map(|(id, _)| *id).collect()
    };
    for event in events {
        match event {
            Event::Relate(r) => {
                let apps = r.key.split_whitespace().filter_map(|end| end.split_once(':').map(|(a, _)| a.to_string()));
                relations.entry(r.relation).or_default().extend(apps);
            }
            Event::AddUnit(added) => {
                units.entry(app_of(&added.unit).to_string()).or_default().insert(added.unit.clone());
            }
            Event::Subordinate(s) => {
                machine.insert(s.unit.clone(), s.principal.clone());
                units.entry(app_of(&s.unit).to_string()).or_default().insert(s.unit.clone());
            }
            Event::Step(_) => segment += 1,
            Event::Fault(fault) => steps.extend(fault_step(fault, &units, segment, draws)),
            Event::Hook(hook) => {
                let unit_draw = hook.choices.iter().position(|d| d.label == "unit").map(|at| draws + at);
                draws += hook.choices.len();
                let app = app_of(&hook.unit).to_string();
                let own = relations_of(&relations, &app);
                let home = machine.get(&hook.unit).cloned().unwrap_or_else(|| hook.unit.clone());
                let remote = hook.remote_unit.clone().or_else(|| hook.remote_app.clone());
                let name = crate::scheduler::name_transition(&hook.unit, &hook.hook, remote.as_deref());
                let mut step = Step {
                    name,
                    unit: hook.unit.clone(),
                    hook: hook.hook.clone(),
                    remote,
                    relation: hook.relation,
                    segment,
                    unit_draw,
                    first_draw: draws - hook.choices.len(),
                    candidates: hook.candidates.clone(),
                    ..Step::default()
                };
                step.reads.insert(Object::Offer(hook.unit.clone(), step.name.clone()));
                step.reads.insert(Object::Machine(home.clone()));
                step.writes.insert(Object::Machine(home));
                step.reads.insert(Object::Leader(app.clone()));
                if let Some(id) = hook.relation {
                    let name = hook.hook.as_str();
                    if ["-relation-created", "-relation-joined", "-relation-departed", "-relation-broken"]
                        .iter()
                        .any(|kind| name.ends_with(kind))
                    {
                        step.writes.insert(Object::View(hook.unit.clone(), Some(id)));
                    }
                    if name.ends_with("-relation-broken") {
                        step.reads.insert(Object::Scope(id));
                        step.writes.insert(Object::Member(id, hook.unit.clone()));
                    } else if !name.ends_with("-relation-created") {
                        // joined, changed, departed: what the remote unit (or application)
                        // wrote, and whether it is in the relation.
                        if let Some(remote) = &hook.remote_unit {
                            step.reads.insert(Object::Member(id, remote.clone()));
                            // A changed hook records which version of the remote unit's
                            // settings it saw (a later write offers another); a joined hook's
                            // changed follows it whatever it saw, so the joined hook reads that
                            // bag only through `relation-get`. Its application's bag it reads:
                            // a write there before the joined hook offers the application's
                            // changed hook first.
                            if !name.ends_with("-relation-joined") {
                                step.reads.insert(Object::Bag(id, remote.clone()));
                            }
                            step.reads.insert(Object::Bag(id, app_of(remote).to_string()));
                            if !name.ends_with("-relation-changed") {
                                // Which remote unit a relation joins (or departs) next
                                // depends on who else is in it.
                                step.reads.insert(Object::Scope(id));
                            } else {
                                // A unit hears of one remote unit's change at a time, in name
                                // order, after any joined or departed (docs/juju-contract.md
                                // §6.2): the change of a unit named before this one, or another
                                // unit entering or leaving, would have been offered in its place.
                                let others = units.get(app_of(remote)).into_iter().flatten();
                                for other in others.filter(|other| *other != remote && **other != hook.unit) {
                                    step.reads.insert(Object::Member(id, other.clone()));
                                    if other < remote {
                                        step.reads.insert(Object::Bag(id, other.clone()));
                                    }
                                }
                            }
                        } else if let Some(app) = &hook.remote_app {
                            // A hook for the remote application alone is offered while none
                            // of its units is in scope: who is decides whether it runs.
                            step.reads.insert(Object::Bag(id, app.clone()));
                            step.reads.insert(Object::Scope(id));
                        }
                        if name.ends_with("-relation-departed") {
                            step.writes.insert(Object::Member(id, hook.unit.clone()));
                        }
                    }
                }
                match hook.hook.as_str() {
                    "install" => {
                        for r in &own {
                            step.writes.insert(Object::Member(*r, hook.unit.clone()));
                            step.writes.insert(Object::Bag(*r, hook.unit.clone()));
                        }
                    }
                    "remove" => {
                        step.writes.extend(own.iter().map(|r| Object::Member(*r, hook.unit.clone())));
                        step.writes.insert(Object::Leader(app.clone()));
                    }
                    _ => {}
                }
                steps.push(step);
            }
            Event::Tool(call) => {
                let Some(step) = steps.last_mut() else { continue };
                let app = app_of(&call.unit).to_string();
                match call.tool.as_str() {
                    "relation-get" => {
                        let id = relation_flag(&call.args).unwrap_or(Ok(step.relation)).ok().flatten();
                        step.reads.insert(Object::View(call.unit.clone(), id));
                        match relation_get_reads(&call.args, step) {
                            Some(bag) => {
                                step.reads.insert(bag);
                            }
                            None => step.reads.extend(relations_of(&relations, &app).into_iter().map(Object::Relation)),
                        }
                    }
                    "relation-list" => {
                        let id = relation_flag(&call.args).unwrap_or(Ok(step.relation)).ok().flatten();
                        step.reads.insert(Object::View(call.unit.clone(), id));
                    }
                    "relation-ids" => {
                        step.reads.insert(Object::View(call.unit.clone(), None));
                    }
                    "goal-state" => {
                        let own = relations_of(&relations, &app);
                        step.reads.extend(own.into_iter().map(Object::Relation));
                        step.reads.insert(Object::View(call.unit.clone(), None));
                    }
                    "leader-get" | "is-leader" => {
                        step.reads.insert(Object::Leader(app));
                    }
                    "leader-set" => {
                        step.writes.insert(Object::Leader(app));
                    }
                    _ => {}
                }
            }
            Event::Commit(commit) => {
                let Some(step) = steps.last_mut() else { continue };
                for change in commit.changes.relations.iter().filter(|c| c.changed) {
                    let owner = match change.bag {
                        BagKind::Unit => commit.unit.clone(),
                        _ => app_of(&commit.unit).to_string(),
                    };
                    step.writes.insert(Object::Bag(change.relation, owner));
                }
            }
            Event::Exit(exit) if crate::runner::is_missing(&exit.result) => {
                // The formula has no such hook: nothing ran, so no file was touched.
                let Some(step) = steps.last_mut() else { continue };
                step.reads.retain(|o| !matches!(o, Object::Machine(_)));
                step.writes.retain(|o| !matches!(o, Object::Machine(_)));
            }
            Event::End(end) => draws += end.choices.len(),
            _ => {}
        }
    }
    // What each hook offered or withdrew: the options of its pick against those of the next;
    // but the hooks a fault between the two brings about are the fault's writes. (A start
    // before the update-status timer fires offers update-status no more than the timer does
    // before the start: the offer follows from both.)
    let hooks: Vec<usize> = (0..steps.len()).filter(|&i| steps[i].fault.is_none()).collect();
    for pair in hooks.windows(2) {
        let (hook, next) = (pair[0], pair[1]);
        if steps[hook].segment != steps[next].segment {
            continue;
        }
        for name in offers_changed(&steps[hook].candidates, &steps[next].candidates) {
            let offer = Object::Offer(crate::scheduler::transition_unit(&name).to_string(), name);
            let mut by_fault = false;
            for fault in steps[hook + 1..next].iter_mut().filter(|fault| fault.brings_about(&offer)) {
                fault.writes.insert(offer.clone());
                by_fault = true;
            }
            if !by_fault {
                steps[hook].writes.insert(offer);
            }
        }
    }
    steps
}

/// A fault between two hooks as a step of the run, so that the search orders it with the
/// hooks it touches: leadership moving reads and writes its application's leadership (which
/// every hook of the application reads); the update-status timer, each unit's offer of
/// update-status, which that hook reads, and nothing else (a unit not yet started runs it
/// once it has, whether its start came before the tick or after). `None` for faults within a hook
/// (`fail`, `restart`, `stale`), which belong to their hook.
fn fault_step(
    fault: &crate::trace::Fault,
    units: &BTreeMap<String, BTreeSet<String>>,
    segment: usize,
    first_draw: usize,
) -> Option<Step> {
    let mut step = Step { segment, first_draw, fault: Some(fault.fault), ..Step::default() };
    match fault.fault {
        FaultKind::Leader => {
            let unit = fault.unit.clone()?;
            let app = app_of(&unit).to_string();
            step.hook = "fault-leader".to_string();
            step.name = format!("fault-leader {unit}");
            step.reads.insert(Object::Leader(app.clone()));
            step.writes.insert(Object::Leader(app));
            step.remote = Some(unit);
        }
        FaultKind::Tick => {
            step.hook = "fault-tick".to_string();
            step.name = "fault-tick".to_string();
            // Each unit runs update-status once for the ticks since it last did: run before
            // the tick, a unit's update-status has this one still to come.
            for unit in units.values().flatten() {
                let offer = crate::scheduler::name_transition(unit, "update-status", None);
                step.writes.insert(Object::Offer(unit.clone(), offer));
            }
        }
        FaultKind::Fail | FaultKind::Restart | FaultKind::Stale => return None,
    }
    Some(step)
}

/// The options that one of two successive picks has and the other has not: what the hook
/// between them offered or withdrew, its own unit's included (a relation-joined offers the
/// relation-changed that follows it; the hook itself is withdrawn once it ran).
pub fn offers_changed(before: &[String], after: &[String]) -> BTreeSet<String> {
    let before: BTreeSet<&String> = before.iter().collect();
    let after: BTreeSet<&String> = after.iter().collect();
    before.symmetric_difference(&after).map(|name| name.to_string()).collect()
}

/// The bag a `relation-get` call with `args` read, in the hook `step`: the relation of
/// `-r` (else the hook's), the unit or application named (else the hook's remote unit, or
/// with `--app` its application). `None` when the arguments do not say (the caller then
/// takes every relation of the unit's application as read).
fn relation_get_reads(args: &[String], step: &Step) -> Option<Object> {
    let relation = relation_flag(args).unwrap_or(Ok(step.relation)).ok()??;
    let mut app = false;
    let mut positional = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--" => {
                positional.extend(args.by_ref().cloned());
                break;
            }
            "--app" | "--app=true" => app = true,
            "--app=false" => app = false,
            "-r" | "--relation" | "-o" | "--output" | "--format" => {
                args.next();
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {}
            value => positional.push(value.to_string()),
        }
    }
    let remote = step.remote.as_deref();
    let target = match positional.get(1) {
        Some(named) => named.clone(),
        None if app => app_of(remote?).to_string(),
        None => remote?.to_string(),
    };
    let owner = if app { app_of(&target).to_string() } else { target };
    Some(Object::Bag(relation, owner))
}

/// The relation a tool call's `-r`/`--relation` names: `None` without the flag, `Some(Err)`
/// when its value is not a relation id (`db:3` or `3`).
fn relation_flag(args: &[String]) -> Option<Result<Option<i64>, ()>> {
    let mut found = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--" => break,
            "-r" | "--relation" => args.next().cloned(),
            other => other
                .strip_prefix("--relation=")
                .or_else(|| other.strip_prefix("-r=").or_else(|| other.strip_prefix("-r")))
                .map(str::to_string),
        };
        if let Some(value) = value {
            let id = value.rsplit(':').next().and_then(|n| n.parse::<i64>().ok());
            found = Some(id.map(Some).ok_or(()));
        }
    }
    found
}

/// `happens_before[i][j]`: hook `i` must come before hook `j` in every schedule of this run's
/// class: the same unit, a conflict, a settle between them, or a chain of those.
pub fn happens_before(steps: &[Step]) -> Vec<Vec<bool>> {
    let n = steps.len();
    let mut hb = vec![vec![false; n]; n];
    for j in 0..n {
        for i in 0..j {
            let direct = steps[i].segment != steps[j].segment || steps[i].orders(&steps[j]);
            if direct {
                hb[i][j] = true;
                for row in hb.iter_mut().take(i) {
                    if row[i] {
                        row[j] = true;
                    }
                }
            }
        }
    }
    hb
}

/// The races of a run: pairs `(i, j)` of hooks in one settle that must keep their order
/// ([`Step::orders`]), with no hook between them ordered after `i` and before `j`, so that `j`
/// (or what led to it) could have gone in `i`'s place; unless `i` offered `j`: that order is
/// cause and effect. Hooks of one unit race too: where a unit ran `i` and then `j`, which
/// another unit's hook between them offered, that hook run before `i` would let the unit
/// choose `j` first.
pub fn races(steps: &[Step], hb: &[Vec<bool>]) -> Vec<(usize, usize)> {
    // Whether `i` offered `j`: `j` was not offered at `i`'s pick, and was after it.
    let caused = |i: usize, j: usize| {
        let offer = Object::Offer(steps[j].unit.clone(), steps[j].name.clone());
        !steps[i].candidates.contains(&steps[j].name) && steps[i].writes.contains(&offer)
    };
    let mut out = Vec::new();
    for j in 0..steps.len() {
        for i in 0..j {
            if steps[i].segment != steps[j].segment || !steps[i].orders(&steps[j]) || caused(i, j) {
                continue;
            }
            // A hook between that `i` offered orders nothing before `i`: without `i` it would
            // not be there (a database's write makes its application's relation-changed come
            // before the next unit's joined hook, which could otherwise have come first).
            if !(i + 1..j).any(|k| hb[i][k] && hb[k][j] && !caused(i, k)) {
                out.push((i, j));
            }
        }
    }
    out
}

/// The class of a run's schedule: its hooks in Foata normal form (each hook at the depth of
/// its longest chain of hooks that must come before it, hooks of one depth in name order).
/// Two schedules that differ only in the order of independent hooks have the same class.
pub fn class(steps: &[Step], hb: &[Vec<bool>]) -> String {
    let mut depth = vec![0usize; steps.len()];
    for j in 0..steps.len() {
        depth[j] = (0..j).filter(|&i| hb[i][j]).map(|i| depth[i] + 1).max().unwrap_or(0);
    }
    let mut levels: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (step, d) in steps.iter().zip(&depth) {
        let remote = step.remote.as_deref().unwrap_or("");
        levels.entry(*d).or_default().push(format!("{} {} {remote}", step.unit, step.hook));
    }
    let mut out = String::new();
    for (_, mut names) in levels {
        names.sort();
        out.push_str(&names.join(";"));
        out.push('|');
    }
    out
}

/// What the units of a run saw, on one line: for each unit and relation (or none), the hooks
/// it ran there in order, each with the hook tools it called, what they answered, and how the
/// hook ended. Two schedules of one class give the same; tests compare what seeds see with what
/// the search saw, which checks the reading of what commutes against the hooks themselves.
pub fn observations(events: &[Event]) -> String {
    let mut seen: BTreeMap<(String, Option<i64>), Vec<String>> = BTreeMap::new();
    // The relation (or none) of each unit's hook running.
    let mut running: BTreeMap<&str, Option<i64>> = BTreeMap::new();
    for event in events {
        let (unit, what) = match event {
            Event::Hook(hook) => {
                running.insert(&hook.unit, hook.relation);
                let remote = hook.remote_unit.as_ref().or(hook.remote_app.as_ref());
                (&hook.unit, format!("{} {}", hook.hook, remote.map_or("", |r| r.as_str())))
            }
            Event::Tool(call) => {
                (&call.unit, format!("{} {:?} -> {} {:?}", call.tool, call.args, call.code, call.stdout))
            }
            Event::Exit(exit) => (&exit.unit, format!("ended {:?}", exit.result)),
            _ => continue,
        };
        if let Some(relation) = running.get(unit.as_str()) {
            seen.entry((unit.clone(), *relation)).or_default().push(what);
        }
    }
    let units: Vec<String> = seen
        .into_iter()
        .map(|((unit, relation), what)| {
            let relation = relation.map_or(String::new(), |id| format!(" #{id}"));
            format!("{unit}{relation}: {}", what.join("; "))
        })
        .collect();
    units.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{BagChange, Changes, Commit, Hook, Relate, Step as ScenarioStep, Tool};

    fn hook(unit: &str, name: &str, relation: Option<i64>, remote: Option<&str>) -> Event {
        Event::Hook(Hook {
            unit: unit.into(),
            hook: name.into(),
            relation,
            remote_unit: remote.map(str::to_string),
            ..Hook::default()
        })
    }

    fn bag_write(unit: &str, relation: i64) -> Event {
        let change = BagChange { relation, changed: true, ..BagChange::default() };
        Event::Commit(Commit {
            unit: unit.into(),
            changes: Changes { relations: vec![change], ..Changes::default() },
            ..Commit::default()
        })
    }

    fn relate(id: i64, key: &str) -> Event {
        Event::Relate(Relate { relation: id, key: key.into() })
    }

    fn added(unit: &str) -> Event {
        Event::AddUnit(crate::trace::UnitNamed { unit: unit.into() })
    }

    fn call(unit: &str, tool: &str, args: &[&str]) -> Event {
        Event::Tool(Tool {
            unit: unit.into(),
            tool: tool.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            ..Tool::default()
        })
    }

    #[test]
    fn what_a_remote_unit_writes_orders_the_hooks_that_read_it_and_nothing_else() {
        let events = vec![
            relate(0, "db:store gw:db"),
            relate(1, "cache:store gw:cache"),
            Event::Step(ScenarioStep::default()),
            hook("db/0", "install", None, None),
            hook("cache/0", "install", None, None),
            hook("db/0", "store-relation-joined", Some(0), Some("gw/0")),
            bag_write("db/0", 0),
            hook("gw/0", "cache-relation-changed", Some(1), Some("cache/0")),
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
        ];
        let steps = steps(&events);
        assert_eq!(steps.len(), 5);
        // The two installs touch different relations: they commute.
        assert!(!steps[0].conflicts(&steps[1]));
        // db/0's write is read by gw/0's db-relation-changed(db/0), not by its cache one.
        assert!(steps[2].conflicts(&steps[4]));
        assert!(!steps[2].conflicts(&steps[3]));
        // cache/0's install puts it in the cache relation, which cache-relation-changed(cache/0) reads.
        assert!(steps[1].conflicts(&steps[3]));
        let hb = happens_before(&steps);
        assert!(hb[0][2], "a unit's own hooks keep their order");
        assert!(hb[2][4] && !hb[1][2]);
        let races = races(&steps, &hb);
        assert!(races.contains(&(2, 4)) && races.contains(&(1, 3)), "{races:?}");
        // db/0's install races no other unit's hook (its unit's next one, which it may come
        // after or not as the unit chooses, is a race of the unit's own).
        assert!(!races.iter().any(|&(i, j)| i == 0 && steps[j].unit != "db/0"), "{races:?}");
    }

    #[test]
    fn a_remote_units_write_orders_the_changed_hooks_for_units_named_after_it() {
        let events = vec![
            relate(0, "source:feed sink:feed"),
            added("source/0"),
            added("source/1"),
            added("sink/0"),
            hook("sink/0", "feed-relation-changed", Some(0), Some("source/1")),
            hook("source/0", "feed-relation-joined", Some(0), Some("sink/0")),
            bag_write("source/0", 0),
            hook("sink/0", "feed-relation-changed", Some(0), Some("source/0")),
            hook("source/1", "feed-relation-joined", Some(0), Some("sink/0")),
            bag_write("source/1", 0),
            hook("source/0", "install", None, None),
        ];
        let steps = steps(&events);
        // Had source/0 written first, sink/0 would have heard of source/0's change before
        // source/1's: the changed for source/1 does not commute with that write.
        assert!(steps[0].conflicts(&steps[1]));
        // source/1's write comes after source/0's in name order: it preempts nothing.
        assert!(!steps[2].conflicts(&steps[3]));
        // Who is in the relation decides too: a unit entering it would be joined first.
        assert!(steps[0].conflicts(&steps[4]) && steps[2].conflicts(&steps[4]));
    }

    /// `hook` with the picks that were possible in its place.
    fn offered(event: Event, candidates: &[&str]) -> Event {
        let Event::Hook(mut hook) = event else { return event };
        hook.candidates = candidates.iter().map(|c| c.to_string()).collect();
        Event::Hook(hook)
    }

    #[test]
    fn a_hook_offered_by_another_unit_races_the_units_hook_before_it_and_not_its_offerer() {
        let events = vec![
            relate(0, "db:store gw:db"),
            offered(hook("gw/0", "install", None, None), &["db/0 install", "gw/0 install"]),
            offered(hook("gw/0", "config-changed", None, None), &["db/0 install", "gw/0 config-changed"]),
            offered(hook("db/0", "install", None, None), &["db/0 install"]),
            offered(hook("gw/0", "db-relation-joined", Some(0), Some("db/0")), &["gw/0 db-relation-joined db/0"]),
        ];
        let steps = steps(&events);
        // db/0's install offered gw/0 its joined hook, and nothing else of gw/0's.
        let offer = Object::Offer("gw/0".into(), "gw/0 db-relation-joined db/0".into());
        assert!(steps[2].writes.contains(&offer), "{:?}", steps[2].writes);
        assert!(!steps[2].conflicts(&steps[1]), "config-changed is no offer of db/0's install");
        assert!(steps[2].conflicts(&steps[3]));
        let races = races(&steps, &happens_before(&steps));
        // Had db/0 installed before gw/0's config-changed, gw/0 could have run the joined hook
        // first: a race of gw/0's own hooks. db/0's install and the joined hook it offered are
        // cause and effect.
        assert!(races.contains(&(1, 3)), "{races:?}");
        assert!(!races.contains(&(2, 3)), "{races:?}");
    }

    #[test]
    fn schedules_that_only_swap_commuting_hooks_have_one_class() {
        let a = vec![hook("db/0", "install", None, None), hook("cache/0", "install", None, None)];
        let b = vec![hook("cache/0", "install", None, None), hook("db/0", "install", None, None)];
        let class = |events: &[Event]| {
            let steps = steps(events);
            class(&steps, &happens_before(&steps))
        };
        assert_eq!(class(&a), class(&b));
        // Two units entering one relation commute too; a write and the hook that reads it
        // do not.
        let write = |unit: &str| vec![hook(unit, "config-changed", None, None), bag_write(unit, 0)];
        let read = hook("cache/0", "client-relation-changed", Some(0), Some("db/0"));
        let mut c = vec![relate(0, "db:store cache:client")];
        c.extend(write("db/0"));
        c.push(read.clone());
        let mut d = vec![relate(0, "db:store cache:client"), read];
        d.extend(write("db/0"));
        assert_ne!(class(&c), class(&d));
    }

    #[test]
    fn relation_get_reads_the_bag_its_arguments_name() {
        let step = Step { relation: Some(4), remote: Some("db/1".into()), ..Step::default() };
        let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let bag = |id: i64, owner: &str| Some(Object::Bag(id, owner.into()));
        assert_eq!(relation_get_reads(&args(&[]), &step), bag(4, "db/1"));
        assert_eq!(relation_get_reads(&args(&["--app", "database"]), &step), bag(4, "db"));
        assert_eq!(relation_get_reads(&args(&["--app", "database", "db"]), &step), bag(4, "db"));
        assert_eq!(relation_get_reads(&args(&["-r", "cache:7", "-", "cache/0"]), &step), bag(7, "cache/0"));
        assert_eq!(
            relation_get_reads(&args(&["-rcache:7", "--format=json", "-", "cache/0"]), &step),
            bag(7, "cache/0")
        );
        assert_eq!(relation_get_reads(&args(&["--relation=7", "--app", "x", "cache"]), &step), bag(7, "cache"));
        assert_eq!(relation_get_reads(&args(&["-r", "bad", "key", "db/0"]), &step), None);
        // Outside a relation hook, with no unit named, the call says nothing of what it read.
        let plain = Step::default();
        assert_eq!(relation_get_reads(&args(&["-r", "db:2", "key"]), &plain), None);
        assert_eq!(relation_flag(&args(&["-r", "db:2"])), Some(Ok(Some(2))));
        assert_eq!(relation_flag(&args(&["key"])), None);
    }

    #[test]
    fn a_relation_get_of_one_relation_does_not_conflict_with_writes_to_another() {
        let get = |args: &[&str]| call("gw/0", "relation-get", args);
        let events = vec![
            relate(0, "db:store gw:db"),
            relate(1, "cache:store gw:cache"),
            hook("cache/0", "store-relation-joined", Some(1), Some("gw/0")),
            bag_write("cache/0", 1),
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
            get(&["--app", "database"]),
            hook("gw/0", "config-changed", None, None),
            get(&["-r", "cache:1", "-", "cache/0"]),
        ];
        let steps = steps(&events);
        assert!(!steps[0].conflicts(&steps[1]), "gw/0 read db's bag only");
        assert!(steps[0].conflicts(&steps[2]), "gw/0 read cache/0's bag in relation 1");
    }

    #[test]
    fn a_joined_hook_and_relation_list_read_neither_the_remote_units_bag_nor_the_scope() {
        let events = vec![
            relate(0, "db:store gw:db"),
            added("db/0"),
            added("db/1"),
            added("gw/0"),
            hook("db/0", "store-relation-joined", Some(0), Some("gw/0")),
            bag_write("db/0", 0),
            hook("gw/0", "db-relation-joined", Some(0), Some("db/0")),
            hook("db/1", "install", None, None),
            hook("gw/0", "config-changed", None, None),
            call("gw/0", "relation-list", &["-r", "db:0"]),
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
        ];
        let steps = steps(&events);
        // gw/0's changed hook reads db/0's write; its joined hook, whose changed comes next
        // whatever it saw, does not.
        assert!(steps[0].conflicts(&steps[4]));
        assert!(!steps[0].conflicts(&steps[1]));
        // relation-list answers from gw/0's view: db/1 entering the relation is no concern of
        // it until gw/0's own hooks hear of it.
        assert!(steps[3].reads.contains(&Object::View("gw/0".into(), Some(0))));
        assert!(!steps[2].conflicts(&steps[3]));
    }

    #[test]
    fn observations_are_what_each_unit_saw_on_each_relation_in_order() {
        let answered = |unit: &str, tool: &str, stdout: &str| {
            Event::Tool(Tool { unit: unit.into(), tool: tool.into(), stdout: stdout.into(), ..Tool::default() })
        };
        let ran = |events: Vec<Event>| observations(&events);
        let a = ran(vec![
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
            answered("gw/0", "relation-get", "10.0.0.1"),
            hook("db/0", "install", None, None),
            hook("gw/0", "config-changed", None, None),
        ]);
        // db/0's install moved: each unit saw the same.
        let b = ran(vec![
            hook("db/0", "install", None, None),
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
            answered("gw/0", "relation-get", "10.0.0.1"),
            hook("gw/0", "config-changed", None, None),
        ]);
        assert_eq!(a, b);
        assert!(a.contains("gw/0 #0: db-relation-changed db/0; relation-get [] -> 0 \"10.0.0.1\""), "{a}");
        // Another answer is another observation.
        let c = ran(vec![
            hook("gw/0", "db-relation-changed", Some(0), Some("db/0")),
            answered("gw/0", "relation-get", ""),
            hook("db/0", "install", None, None),
            hook("gw/0", "config-changed", None, None),
        ]);
        assert_ne!(a, c);
    }

    #[test]
    fn a_fault_between_hooks_is_a_step_that_orders_the_hooks_it_touches() {
        let fault = |kind: FaultKind, unit: Option<&str>| {
            Event::Fault(crate::trace::Fault { fault: kind, unit: unit.map(str::to_string), ..Default::default() })
        };
        let events = vec![
            added("a/0"),
            added("a/1"),
            added("b/0"),
            offered(hook("a/0", "start", None, None), &["a/0 start", "a/1 start", "b/0 start"]),
            fault(FaultKind::Leader, Some("a/1")),
            fault(FaultKind::Tick, None),
            offered(hook("a/1", "start", None, None), &["a/1 leader-elected", "a/1 start", "b/0 start"]),
            offered(hook("b/0", "start", None, None), &["a/1 leader-elected", "b/0 start"]),
            offered(hook("a/1", "leader-elected", None, None), &["a/1 leader-elected", "b/0 update-status"]),
            offered(hook("b/0", "update-status", None, None), &["b/0 update-status"]),
        ];
        let steps = steps(&events);
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "a/0 start",
                "fault-leader a/1",
                "fault-tick",
                "a/1 start",
                "b/0 start",
                "a/1 leader-elected",
                "b/0 update-status"
            ]
        );
        let (start, leader, tick) = (&steps[0], &steps[1], &steps[2]);
        assert_eq!((leader.fault, tick.fault, start.fault), (Some(FaultKind::Leader), Some(FaultKind::Tick), None));
        // Leadership: every hook of its application reads it, no other hook does.
        assert!(leader.conflicts(start) && leader.conflicts(&steps[3]) && !leader.conflicts(&steps[4]));
        // The offer of leader-elected is the fault's doing, not the hook's before it.
        let elected = Object::Offer("a/1".into(), "a/1 leader-elected".into());
        assert!(leader.writes.contains(&elected) && !start.writes.contains(&elected));
        // The timer touches each unit's update-status and nothing else.
        assert!(tick.conflicts(&steps[6]));
        assert!(!tick.conflicts(start) && !tick.conflicts(&steps[4]) && !tick.conflicts(&steps[5]));
        // So the hooks of other applications commute with both faults, and the two starts of
        // `a` are ordered through leadership.
        let hb = happens_before(&steps);
        assert!(hb[0][3] && !hb[0][4]);
        assert!(class(&steps, &hb).starts_with("a/0 start ;b/0 start |"), "{}", class(&steps, &hb));
    }

    #[test]
    fn leader_settings_and_a_shared_machine_conflict() {
        let events = vec![
            Event::Subordinate(crate::trace::Subordinate {
                unit: "mon/0".into(),
                principal: "db/0".into(),
                relation: 3,
            }),
            hook("db/0", "config-changed", None, None),
            call("db/0", "leader-set", &[]),
            hook("db/1", "update-status", None, None),
            hook("mon/0", "install", None, None),
        ];
        let steps = steps(&events);
        assert!(steps[0].conflicts(&steps[1]), "every hook of db reads its leader settings");
        assert!(steps[0].conflicts(&steps[2]), "a subordinate shares its principal's machine");
        assert!(!steps[1].conflicts(&steps[2]));
    }
}
