//! The events of a trace, one type for the engine that writes them and for every reader.
//!
//! Each event is one JSON object on a line, its kind in the `event` key first, then its fields
//! in the order they are declared here (serde_json keeps insertion order in this workspace).
//! The schema, with when each event is written, is `docs/trace.md`; a change to a field here
//! changes the bytes of every trace, and so fails `dev/trace-compat.sh`.
//!
//! Reading is lenient where writing is exact: a field missing from a line reads as its empty
//! value (0, `""`, `[]`, none), so that a trace cut down by hand, or written before a field
//! existed, still reads; an event of a kind this version does not know reads as
//! [`Event::Other`]. Optional fields are written only when set, except the few that are
//! written as `null` (a hook's `remote-unit`, `remote-app` and `relation`, a result's `error`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One event of a trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The first event of every trace: how the run was set up.
    Run(Run),
    /// An application was deployed (its peer relations and units follow).
    Deploy(Deploy),
    /// A unit was added.
    AddUnit(UnitNamed),
    /// The unit just added is a subordinate, beside its principal (follows its `add-unit`).
    Subordinate(Subordinate),
    /// A subordinate unit began to go with its principal or its container relation.
    SubordinateDying(SubordinateDying),
    /// A relation was added (peer relations too, at deploy).
    Relate(Relate),
    /// A relation began to go (its units run departed and broken).
    Unrelate(RelationNamed),
    /// A unit began to go.
    RemoveUnit(UnitNamed),
    /// An application began to go, with its units and relations.
    RemoveApplication(ApplicationNamed),
    /// Config was set.
    Config(Config),
    /// An application was upgraded to a new formula.
    Upgrade(Upgrade),
    /// An action was queued on a unit.
    Action(Action),
    /// A unit in error was resolved.
    Resolve(Resolve),
    /// A unit was made leader.
    Elect(UnitNamed),
    /// The update-status timer fired.
    UpdateStatus(UpdateStatus),
    /// A dying relation that no unit is in scope of any more is gone.
    RelationRemoved(RelationNamed),
    /// A dying application with no units and relations left is gone.
    ApplicationRemoved(ApplicationNamed),
    /// A unit ran its remove hook and is gone.
    UnitRemoved(UnitNamed),
    /// A fault was injected: before a step (`tick`, `leader`) or into a hook (`fail`, `restart`).
    Fault(Fault),
    /// A hook (or action, or `juju exec` shell) is about to run.
    Hook(Hook),
    /// A shell opens in place of the hook (`--debug-hooks`, `formula shell`).
    DebugHooks(DebugHooks),
    /// A hook tool call and its answer.
    Tool(Tool),
    /// A tool call Juju refuses (a write by a non-leader, a gone relation).
    Refused(Refused),
    /// Something on the agent's socket that was not a tool call, sent while a hook ran.
    Malformed(Malformed),
    /// A `juju-log` line.
    Log(Log),
    /// A call of a stubbed command.
    Stub(Stub),
    /// A hook (not an action) ended.
    Exit(Exit),
    /// The buffered writes of a hook that succeeded reached the model.
    Commit(Commit),
    /// The buffered writes of a hook that failed (or was interrupted) were thrown away.
    Discard(Discard),
    /// An action ended (in place of `exit`).
    ActionResult(ActionResult),
    /// A settle step ended with no unit left with work.
    Settled(HookCount),
    /// A settle step ran out of hooks.
    SettleFailed(HookCount),
    /// A scenario step begins.
    Step(Step),
    /// An `expect:` step held.
    ExpectPassed(ExpectPassed),
    /// An `expect:` step did not hold (one event per expectation that failed).
    ExpectFailed(Expectation),
    /// What a unit's second `config-changed` changed (`--idempotence`).
    Idempotence(Idempotence),
    /// The outcome of the run.
    #[serde(rename = "result")]
    RunResult(RunResult),
    /// The last event: the run ended.
    End(End),
    /// A `wait` step: model time moves on by a duration (spec §6.5).
    Wait(Wait),
    /// Model time moved on to an instant where something falls due.
    Clock(Clock),
    /// A hook failed with `automatically-retry-hooks` on: it is retried at a later instant.
    RetryScheduled(RetryScheduled),
    /// A hook retry fell due: the unit leaves error and the failed hook runs again.
    Retry(Retry),
    /// A settle moved the clock on to retries as often as it may, and left units in error.
    RetryLimit(RetryLimit),
    /// A unit's machine rebooted (`juju-reboot`): its processes ended, start runs again.
    Reboot(Reboot),
    /// An exhaustive run stopped: every hook offered next was asleep, so the run could only
    /// repeat schedules already run.
    Redundant(Redundant),
    /// An event of a kind this version does not know (read only, never written).
    #[serde(other)]
    Other,
}

impl Event {
    /// The event's kind, as the `event` key says.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Run(_) => "run",
            Event::Deploy(_) => "deploy",
            Event::AddUnit(_) => "add-unit",
            Event::Subordinate(_) => "subordinate",
            Event::SubordinateDying(_) => "subordinate-dying",
            Event::Relate(_) => "relate",
            Event::Unrelate(_) => "unrelate",
            Event::RemoveUnit(_) => "remove-unit",
            Event::RemoveApplication(_) => "remove-application",
            Event::Config(_) => "config",
            Event::Upgrade(_) => "upgrade",
            Event::Action(_) => "action",
            Event::Resolve(_) => "resolve",
            Event::Elect(_) => "elect",
            Event::UpdateStatus(_) => "update-status",
            Event::RelationRemoved(_) => "relation-removed",
            Event::ApplicationRemoved(_) => "application-removed",
            Event::UnitRemoved(_) => "unit-removed",
            Event::Fault(_) => "fault",
            Event::Hook(_) => "hook",
            Event::DebugHooks(_) => "debug-hooks",
            Event::Tool(_) => "tool",
            Event::Refused(_) => "refused",
            Event::Malformed(_) => "malformed",
            Event::Log(_) => "log",
            Event::Stub(_) => "stub",
            Event::Exit(_) => "exit",
            Event::Commit(_) => "commit",
            Event::Discard(_) => "discard",
            Event::ActionResult(_) => "action-result",
            Event::Settled(_) => "settled",
            Event::SettleFailed(_) => "settle-failed",
            Event::Step(_) => "step",
            Event::ExpectPassed(_) => "expect-passed",
            Event::ExpectFailed(_) => "expect-failed",
            Event::Idempotence(_) => "idempotence",
            Event::RunResult(_) => "result",
            Event::End(_) => "end",
            Event::Wait(_) => "wait",
            Event::Clock(_) => "clock",
            Event::RetryScheduled(_) => "retry-scheduled",
            Event::Retry(_) => "retry",
            Event::RetryLimit(_) => "retry-limit",
            Event::Reboot(_) => "reboot",
            Event::Redundant(_) => "redundant",
            Event::Other => "other",
        }
    }
}

/// Fields of [`Event::Run`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Run {
    /// The seed.
    pub seed: u64,
    /// The backend units live in (`host`, `ns`, `lxd`).
    pub backend: String,
    /// The model's name.
    pub model: String,
    /// What units' roots were made from (the unit base's recipe and digest), on backends
    /// that give units files of their own; a replay on another base says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<crate::base::BaseId>,
    /// The scenario file, when the run was given one (a replay needs it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The faults injected, as `--faults` takes them, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faults: Option<String>,
    /// The run replays recorded choices instead of drawing from the seed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
    /// The run drew from its seed but kept out of the schedules its exploration had run
    /// before ([`crate::schedules_run`]), so the seed alone may not run it again: its trace
    /// does (`--replay`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub avoiding: bool,
}

/// Fields of [`Event::Deploy`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deploy {
    /// The application.
    pub application: String,
    /// Its formula's name.
    pub formula: String,
    /// How many units it starts with.
    pub units: u32,
}

/// Fields of an event about one unit ([`Event::AddUnit`], [`Event::RemoveUnit`],
/// [`Event::Elect`], [`Event::UnitRemoved`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitNamed {
    /// The unit (`wiki/0`).
    pub unit: String,
}

/// Fields of [`Event::Subordinate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Subordinate {
    /// The subordinate unit (`monitor/0`).
    pub unit: String,
    /// The principal unit whose machine it shares (`wiki/0`).
    pub principal: String,
    /// The container-scoped relation the principal entered, which asked for it.
    pub relation: i64,
}

/// Fields of [`Event::SubordinateDying`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubordinateDying {
    /// The subordinate unit.
    pub unit: String,
    /// Its principal unit.
    pub principal: String,
    /// Why: `principal-dying`, or `no-container-relation` (its last container-scoped relation
    /// to its principal's application is going).
    pub reason: String,
}

/// Fields of an event about one application ([`Event::RemoveApplication`],
/// [`Event::ApplicationRemoved`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationNamed {
    /// The application.
    pub application: String,
}

/// Fields of an event about one relation ([`Event::Unrelate`], [`Event::RelationRemoved`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelationNamed {
    /// The relation's id.
    pub relation: i64,
}

/// Fields of [`Event::Relate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Relate {
    /// The relation's id (model-unique, from 0).
    pub relation: i64,
    /// Juju's relation key (`db:db wiki:db`; peers: `wiki:peers`).
    pub key: String,
}

/// Fields of [`Event::Config`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The application.
    pub application: String,
    /// Its config version after the change (unchanged when no value changed).
    pub version: u64,
}

/// Fields of [`Event::Upgrade`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Upgrade {
    /// The application.
    pub application: String,
    /// Its charm version after the upgrade.
    #[serde(rename = "charm-version")]
    pub charm_version: u64,
}

/// Fields of [`Event::Action`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Action {
    /// The unit.
    pub unit: String,
    /// The action's name.
    pub name: String,
    /// Its id (model-unique).
    pub id: u64,
}

/// Fields of [`Event::Resolve`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resolve {
    /// The unit.
    pub unit: String,
    /// Whether the failed hook runs again (else it counts as done).
    pub retry: bool,
    /// The failed hook.
    pub hook: String,
}

/// Fields of [`Event::Wait`]. Instants and durations are written as Go writes durations
/// (`5m0s`), instants counted from the model's start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wait {
    /// How long.
    pub duration: String,
    /// Model time when the wait began.
    pub from: String,
    /// Model time when it ends.
    pub until: String,
}

/// Fields of [`Event::Clock`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Clock {
    /// Model time now.
    pub now: String,
}

/// Fields of [`Event::RetryScheduled`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryScheduled {
    /// The unit in error.
    pub unit: String,
    /// The failed hook.
    pub hook: String,
    /// Which retry of it this will be (from 1).
    pub retry: u32,
    /// The backoff before it.
    pub after: String,
    /// Model time when it falls due.
    pub due: String,
}

/// Fields of [`Event::Retry`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retry {
    /// The unit.
    pub unit: String,
    /// The hook that runs again.
    pub hook: String,
    /// Which retry (from 1).
    pub retry: u32,
}

/// Fields of [`Event::RetryLimit`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryLimit {
    /// How many times the settle moved the clock on to a retry.
    pub retries: u32,
    /// The units left in error, each with its failed hook (`wiki/0 install`).
    pub units: Vec<String>,
}

/// Fields of [`Event::Redundant`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Redundant {
    /// The last hook's step.
    pub step: u64,
    /// The options of the pick, every one asleep (`unit hook [remote]`).
    pub options: Vec<String>,
}

/// Fields of [`Event::Reboot`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reboot {
    /// The unit.
    pub unit: String,
    /// `juju-reboot --now`: the hook was killed and runs again (else it had succeeded).
    pub now: bool,
    /// Whether the backend ended the unit's processes (the host backend cannot: its units
    /// share this machine).
    pub stopped: bool,
}

/// Fields of [`Event::UpdateStatus`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateStatus {
    /// The timer's tick, from 1.
    pub tick: u64,
}

/// What kind of fault ([`Event::Fault`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// The update-status timer fires before a step.
    #[default]
    Tick,
    /// Leadership moves before a step.
    Leader,
    /// A hook fails once, before running, and is retried.
    Fail,
    /// The agent restarts during a hook, before its commit; the hook runs again.
    Restart,
    /// A hook reads other members' relation settings from its unit's cache (stale).
    Stale,
}

/// Fields of [`Event::Fault`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// The step it happened in (for `tick` and `leader`: the step of the next hook).
    pub step: u64,
    /// What happened.
    pub fault: FaultKind,
    /// The new leader (`leader`) or the hook's unit (`fail`, `restart`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The hook (`fail`, `restart`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<String>,
}

/// One draw from the run's choices, written as `[label, options, picked]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, usize, usize)", into = "(String, usize, usize)")]
pub struct Draw {
    /// What it was about (`unit`, `hook`, `stale`, `fault-fail`, …).
    pub label: String,
    /// How many options there were (100 for a chance in percent).
    pub options: usize,
    /// The option taken.
    pub picked: usize,
}

impl From<(String, usize, usize)> for Draw {
    fn from((label, options, picked): (String, usize, usize)) -> Draw {
        Draw { label, options, picked }
    }
}

impl From<Draw> for (String, usize, usize) {
    fn from(d: Draw) -> (String, usize, usize) {
        (d.label, d.options, d.picked)
    }
}

impl From<&crate::choice::Draw> for Draw {
    fn from(d: &crate::choice::Draw) -> Draw {
        Draw { label: d.label.to_string(), options: d.options, picked: d.picked }
    }
}

/// Fields of [`Event::Hook`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hook {
    /// The step: hooks are numbered from 1, and every event of a hook carries its step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook's name (`db-relation-changed`), the action's, or `juju-exec`.
    pub hook: String,
    /// `JUJU_REMOTE_UNIT` (`null` when none).
    #[serde(rename = "remote-unit")]
    pub remote_unit: Option<String>,
    /// `JUJU_REMOTE_APP` (`null` when none).
    #[serde(rename = "remote-app")]
    pub remote_app: Option<String>,
    /// The relation's id (`null` when none).
    pub relation: Option<i64>,
    /// The draws made since the previous hook's, this hook's own last.
    pub choices: Vec<Draw>,
    /// The units that had work when this one was picked, in name order (the `unit` draw's
    /// options): written only by runs asked to (`--exhaustive`'s, which reorder from them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// The hook's environment, paths scrubbed.
    pub env: BTreeMap<String, String>,
}

/// Fields of [`Event::DebugHooks`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebugHooks {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook the shell stands for.
    pub hook: String,
}

/// Fields of [`Event::Tool`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tool {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The tool (`relation-get`).
    pub tool: String,
    /// Its arguments, paths scrubbed.
    pub args: Vec<String>,
    /// Its exit code.
    pub code: i32,
    /// What it printed, paths scrubbed.
    pub stdout: String,
    /// Its errors, paths scrubbed.
    pub stderr: String,
}

/// Fields of [`Event::Refused`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Refused {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook that made the call.
    pub hook: String,
    /// The kind, as `allow-refused:` names it (`non-leader`, `gone-relation`).
    pub kind: String,
    /// The call in words (`leader-set by a non-leader`).
    pub what: String,
}

/// Fields of [`Event::Malformed`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Malformed {
    /// The step.
    pub step: u64,
    /// The unit whose hook was running.
    pub unit: String,
    /// That hook.
    pub hook: String,
    /// What was wrong (`frame of 1195725856 bytes is too large`).
    pub what: String,
}

/// Fields of [`Event::Log`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Log {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The line, level first (`INFO ready`), paths scrubbed.
    pub line: String,
}

/// Fields of [`Event::Stub`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stub {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The stubbed command.
    pub command: String,
    /// Its arguments, paths scrubbed.
    pub args: Vec<String>,
}

/// Fields of [`Event::Exit`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exit {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The hook.
    pub hook: String,
    /// How it ended: `ok`, `missing (skipped)`, `failed (exit 1)`, …
    pub result: String,
    /// Its output, up to 64 KiB, paths scrubbed (not for a `juju-exec` shell).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdout: Option<String>,
    /// Its errors, as `stdout`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    /// The fuel a WebAssembly hook used (only for those).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
}

/// Fields of [`Event::Commit`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Commit {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// What was written.
    pub changes: Changes,
}

/// The buffered writes of one hook, as they were committed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Changes {
    /// Relation bag writes, by relation and bag.
    pub relations: Vec<BagChange>,
    /// Ports opened and closed, in order.
    pub ports: Vec<PortChange>,
    /// Charm state keys set (a value) or deleted (`null`).
    pub state: BTreeMap<String, Option<String>>,
}

/// Which bag of a relation a write went to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BagKind {
    /// The unit's own bag.
    #[default]
    Unit,
    /// The application's bag (written by the leader).
    App,
}

/// One relation bag's writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BagChange {
    /// The relation's id.
    pub relation: i64,
    /// The bag.
    pub bag: BagKind,
    /// Keys set (a value) or deleted (`null`).
    pub changes: BTreeMap<String, Option<String>>,
    /// Whether the bag's data changed (and so its version moved).
    pub changed: bool,
}

/// One port opened or closed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortChange {
    /// Opened (else closed).
    pub open: bool,
    /// The range (`80/tcp`, `8000-8080/udp`, `icmp`).
    pub range: String,
}

/// Fields of [`Event::Discard`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Discard {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// Whether the hook had buffered anything.
    pub buffered: bool,
}

/// Fields of [`Event::ActionResult`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionResult {
    /// The step.
    pub step: u64,
    /// The unit.
    pub unit: String,
    /// The action's name.
    pub action: String,
    /// Its id.
    pub id: u64,
    /// `completed` or `failed`.
    pub status: String,
    /// Why it failed (`action-fail`'s message, or how the process ended).
    pub message: String,
    /// What `action-set` set (nested maps), with the action's `stdout` and `stderr`.
    pub results: BTreeMap<String, serde_json::Value>,
    /// `action-log` messages.
    pub log: Vec<String>,
}

/// Fields of [`Event::Settled`] and [`Event::SettleFailed`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HookCount {
    /// Hooks the settle step ran.
    pub hooks: u64,
}

/// Fields of [`Event::Step`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Step {
    /// The step's index in the scenario, from 0.
    pub index: usize,
    /// Its line in the scenario file (0 for the implicit settle of a scenario without steps).
    pub line: usize,
}

/// Fields of [`Event::ExpectPassed`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpectPassed {
    /// Where the step is (`scenario.yaml:12:5`).
    pub at: String,
}

/// An expectation that did not hold ([`Event::ExpectFailed`], and each of a result's
/// `failures`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Expectation {
    /// Where the step is (`scenario.yaml:12:5`).
    pub at: String,
    /// What was checked (`status of wiki/0`).
    pub what: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

/// Fields of [`Event::Idempotence`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Idempotence {
    /// The unit.
    pub unit: String,
    /// What the second `config-changed` changed, in words.
    pub changes: Vec<String>,
    /// Writes that changed nothing.
    pub notes: Vec<String>,
}

/// Fields of [`Event::RunResult`] (written as `result`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunResult {
    /// Whether the run passed.
    pub passed: bool,
    /// Expectations that did not hold.
    pub failures: Vec<Expectation>,
    /// Units left in error that no expectation asked for (`wiki/0: hook failed: "start"`).
    #[serde(rename = "unexpected-errors")]
    pub unexpected_errors: Vec<String>,
    /// Tool calls Juju refused that the scenario does not allow.
    pub refused: Vec<String>,
    /// Units whose second `config-changed` changed something.
    #[serde(rename = "not-idempotent")]
    pub not_idempotent: Vec<String>,
    /// What hooks sent on the agent's socket that was not a tool call, when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<String>,
    /// An error that stopped the run (`null` when none).
    pub error: Option<String>,
}

/// Fields of [`Event::End`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct End {
    /// Hooks run in all.
    pub hooks: u64,
    /// Draws made after the last hook (a replay needs them too), when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Draw>,
}
