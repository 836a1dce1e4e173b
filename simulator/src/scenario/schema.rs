//! The scenario file as written, for its JSON Schema (`formula schema scenario`): what to
//! deploy, what to do, what to expect (docs/scenario.md). The reader in this module's parent
//! takes its lists of known keys and steps from these types ([`keys`], [`step_names`]), so
//! that an editor and `formula sim` refuse the same keys.

// The types describe a file for its schema: nothing builds them.
#![allow(dead_code)]

use crate::fault::Faults;
use formula_sdk::format::names::APPLICATION_NAME_PATTERN;
use formula_sdk::schema::juju::Scalar;
use schemars::JsonSchema;
use serde_json::Value;
use std::any::TypeId;
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// The keys of the mapping `T` describes, in declaration order. Each is worked out from
/// `T`'s schema once per process: every mapping of every scenario loaded asks, and making a
/// schema is the most of what loading a small scenario costs.
pub(crate) fn keys<T: JsonSchema + 'static>() -> Vec<String> {
    static KNOWN: Mutex<BTreeMap<TypeId, Vec<String>>> = Mutex::new(BTreeMap::new());
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    known.entry(TypeId::of::<T>()).or_insert_with(formula_sdk::schema::property_names::<T>).clone()
}

/// The names of the steps, in declaration order.
pub(crate) fn step_names() -> Vec<String> {
    formula_sdk::schema::variant_names::<StepEntry>()
}

/// The scenario's schema, draft 2020-12.
pub fn schema() -> Value {
    formula_sdk::schema::generate::<ScenarioFile>()
}

/// A scenario for `formula sim` and `formula test`: formulas to deploy, steps to run, and what
/// must hold after them. A Juju bundle is a scenario too.
#[derive(JsonSchema)]
#[schemars(title = "formula scenario", deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("anyOf" = [{ "required": ["applications"] }, { "required": ["services"] }]))]
pub(crate) struct ScenarioFile {
    /// Formula directories by name, relative to this file (`wiki: ../formulas/wiki`);
    /// applications name them with `formula:`.
    formulas: Option<BTreeMap<String, String>>,
    /// The applications to deploy, by name.
    applications: Option<Applications>,
    /// A bundle's older name of `applications`.
    services: Option<Applications>,
    /// Relations made at deploy, each a pair: `[wiki:db, db:db]`, or `[wiki, db]` when the
    /// endpoints are unambiguous.
    relations: Option<Vec<Pair>>,
    /// Commands replaced by a shell body in the units of an application (`*` for all):
    /// `{wiki: {apt-get: "exit 0"}}`.
    stubs: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// What to do after deploying; none means settle.
    steps: Option<Vec<StepEntry>>,
    /// The most hooks one settle may run (a bound that fails instead of hanging).
    #[schemars(range(min = 0, max = 10000))]
    max_hooks: Option<u32>,
    /// What the scenario is about.
    description: Option<String>,
    /// The scenario's name.
    name: Option<String>,
    /// The Ubuntu series units answer as, unless their application says otherwise (`trusty`).
    series: Option<Scalar>,
    /// The base units answer as, unless their application says otherwise (`ubuntu@22.04`).
    default_base: Option<Scalar>,
    /// A bundle's machines (placement is ignored: every unit gets a machine of its own).
    machines: Option<Value>,
    /// Faults to inject in every run, in percent: `{leader: 5, fail: 3}`.
    faults: Option<Faults>,
    /// Kinds of refused hook-tool call that do not fail the run.
    allow_refused: Option<Vec<RefusalKindName>>,
    /// The model settings the simulator honours (Juju's defaults otherwise).
    model_config: Option<ModelConfig>,
}

/// Applications by name (lowercase letters and digits in hyphen-separated words).
#[derive(JsonSchema)]
#[schemars(extend("propertyNames" = { "pattern": APPLICATION_NAME_PATTERN }))]
pub(crate) struct Applications(BTreeMap<String, Application>);

/// An application: a formula and how many units. A bundle's `charm`, `num_units` and
/// `options` are read too; its other keys are accepted and ignored.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Application {
    /// A name under `formulas:`, or a directory relative to this file.
    formula: Option<String>,
    /// A bundle's formula: a local directory (`./wiki`) relative to this file.
    charm: Option<String>,
    /// How many units (1 when absent; none for a subordinate).
    #[schemars(range(min = 0, max = 10000))]
    units: Option<u32>,
    /// A bundle's `units`.
    #[schemars(rename = "num_units", range(min = 0, max = 10000))]
    num_units: Option<u32>,
    /// Config values set at deploy, by option name.
    config: Option<BTreeMap<String, Value>>,
    /// A bundle's `config`.
    options: Option<BTreeMap<String, Value>>,
    /// `host`: hooks use this machine's network instead of the model's network.
    network: Option<Network>,
    /// A bundle's `expose` (ignored).
    expose: Option<Value>,
    /// A bundle's placement (ignored).
    to: Option<Value>,
    /// The Ubuntu series its units answer as (`trusty`).
    series: Option<Scalar>,
    /// The base its units answer as (`ubuntu@22.04`).
    base: Option<Scalar>,
    /// A bundle's constraints (ignored).
    constraints: Option<Value>,
    /// Trusted with the cloud credential, as `juju deploy --trust` (`credential-get` answers).
    trust: Option<bool>,
    /// Files attached as resources, by resource name, relative to this file (`resource-get`);
    /// a bundle's store revisions are ignored.
    resources: Option<BTreeMap<String, Value>>,
    /// A bundle's annotations (ignored).
    annotations: Option<Value>,
    /// A bundle's store channel (ignored).
    channel: Option<Value>,
    /// A bundle's store revision (ignored).
    revision: Option<Value>,
    /// A bundle's endpoint bindings (ignored).
    bindings: Option<Value>,
}

/// The network an application's hooks use.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub(crate) enum Network {
    /// This machine's network.
    Host,
}

/// Two endpoints: `app:endpoint` or `app`.
#[derive(JsonSchema)]
#[schemars(extend("minItems" = 2, "maxItems" = 2))]
pub(crate) struct Pair(Vec<String>);

/// A kind of refused hook-tool call.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
pub(crate) enum RefusalKindName {
    /// A non-leader's `leader-set` or application-bag write.
    NonLeader,
    /// A read or write of a relation that is gone.
    GoneRelation,
}

/// Model settings (`model-config:`): hook retries and the update-status interval.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ModelConfig {
    /// Whether a failed hook is run again after a backoff (`true`, Juju's default); `false`
    /// waits for a `resolve` step.
    automatically_retry_hooks: Option<bool>,
    /// How often started units run update-status, from `1m` to `60m` (`5m`).
    update_status_hook_interval: Option<Duration>,
}

/// A duration of model time: `30s`, `11m`, `1h30m`.
#[derive(JsonSchema)]
#[schemars(extend("pattern" = r"^\+?(0|([0-9]*\.?[0-9]+(ns|us|µs|μs|ms|s|m|h))+)$"))]
pub(crate) struct Duration(String);

/// One step: `- settle`, or `- NAME: {...}`.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
pub(crate) enum StepEntry {
    /// Run hooks until no unit has work.
    Settle,
    /// Change config: `{application: wiki, values: {port: 81}}`; `null` resets a value.
    Config(ConfigStep),
    /// Add units: an application, or `{application: wiki, count: 2}`.
    AddUnit(AddUnitStep),
    /// Remove a unit: `wiki/1`.
    RemoveUnit(String),
    /// Relate two endpoints: `[wiki:db, db:db]`.
    Relate(Pair),
    /// Remove the relation between two endpoints.
    Unrelate(Pair),
    /// Remove an application.
    RemoveApplication(String),
    /// Deploy a new version of an application's formula (upgrade-charm).
    Upgrade(UpgradeStep),
    /// Run an action on a unit.
    Action(ActionStep),
    /// Run a command in a unit's hook context (`juju exec`).
    Exec(ExecStep),
    /// Make the next hook (of that name, if given) of a unit fail: a unit, or `{unit, hook}`.
    FailNextHook(FailNextHookStep),
    /// Resolve a unit in error: a unit (retries the hook), or `{unit, retry: false}`.
    Resolve(ResolveStep),
    /// Make a unit the leader.
    Elect(String),
    /// Run update-status on every started unit.
    UpdateStatus,
    /// Move model time on (`11m`): update-status and hook retries fall due.
    Wait(Duration),
    /// Deploy applications now, written as under `applications:`.
    Deploy(BTreeMap<String, Application>),
    /// Change model settings now, as `juju model-config` does.
    ModelConfig(ModelConfig),
    /// Move model time to this instant (`1m5.2s` from the start), then take one engine step
    /// (the hook the scheduler picks, if any): what the controller writes, one per step.
    StepAt(Duration),
    /// Check what must hold now.
    Expect(Box<ExpectStep>),
}

/// Change an application's config: `{application: wiki, values: {port: 81}}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ConfigStep {
    /// The application.
    application: String,
    /// New values by option name; `null` resets one to its default.
    values: Option<BTreeMap<String, Value>>,
}

/// Add units: an application (one unit), or `{application: wiki, count: 2}`.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum AddUnitStep {
    /// One unit of this application.
    Application(String),
    /// Several.
    Count(AddUnits),
}

/// `add-unit: {application, count}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct AddUnits {
    /// The application.
    application: String,
    /// How many units (1).
    #[schemars(range(min = 0, max = 10000))]
    count: Option<u32>,
}

/// Upgrade an application to another formula directory: `{application, formula}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct UpgradeStep {
    /// The application.
    application: String,
    /// The new formula directory, relative to this file.
    formula: String,
}

/// Run an action: `{unit: wiki/0, name: backup, params: {…}}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ActionStep {
    /// The unit (`wiki/0`).
    unit: String,
    /// The action.
    name: String,
    /// Its parameters.
    params: Option<BTreeMap<String, Value>>,
    /// Wait for its result (the default), or only queue it (`false`), as `juju run --background`.
    wait: Option<bool>,
}

/// Run a command in a unit's hook context: `{unit: wiki/0, command: "config-get"}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ExecStep {
    /// The unit (`wiki/0`).
    unit: String,
    /// The command, run with `bash -c` in the unit's charm directory.
    command: String,
}

/// Make a unit's next hook fail: a unit, or `{unit, hook}` for the next hook of that name.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum FailNextHookStep {
    /// The next hook of this unit.
    Unit(String),
    /// The next hook of that name.
    Hook(FailHook),
}

/// `fail-next-hook: {unit, hook}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct FailHook {
    /// The unit.
    unit: String,
    /// The hook (`config-changed`); any hook when absent.
    hook: Option<String>,
}

/// Resolve a unit in error: a unit (the hook runs again), or `{unit, retry: false}`.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum ResolveStep {
    /// Retry the failed hook of this unit.
    Unit(String),
    /// Retry or skip it.
    Resolve(Resolve),
}

/// `resolve: {unit, retry}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Resolve {
    /// The unit.
    unit: String,
    /// Run the hook again (`true`), or mark it done (`false`).
    retry: Option<bool>,
}

/// `expect:`: what must hold.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ExpectStep {
    /// Workload status by unit: `active`, or `{status: active, message: ready}`.
    status: Option<BTreeMap<String, StatusCheck>>,
    /// Agent state by unit: `idle` or `error`.
    agent: Option<BTreeMap<String, AgentState>>,
    /// Relation settings that a unit's or application's bag must hold.
    relation_data: Option<Vec<RelationDataCheck>>,
    /// Open ports by unit, exactly: `[80/tcp]`.
    ports: Option<BTreeMap<String, Vec<Scalar>>>,
    /// The leader unit by application.
    leader: Option<BTreeMap<String, String>>,
    /// Files by unit, then by path (relative to the formula directory).
    files: Option<BTreeMap<String, BTreeMap<String, FileCheck>>>,
    /// Commands to run in units and what they must give: one, or a list.
    run: Option<RunChecks>,
    /// Hooks that must or must not have run, by unit.
    hooks: Option<BTreeMap<String, HookCheck>>,
    /// Units that must exist (`true`) or not (`false`).
    units: Option<BTreeMap<String, bool>>,
    /// The last action's status and results, by unit.
    action: Option<BTreeMap<String, ActionCheck>>,
}

/// A workload status, alone or with its message.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum StatusCheck {
    /// The status (`active`, `blocked`, `waiting`, `maintenance`, …).
    Status(String),
    /// The status and its message.
    Full(StatusAndMessage),
}

/// `{status, message}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct StatusAndMessage {
    /// The status.
    status: String,
    /// The message, exactly.
    message: Option<Scalar>,
}

/// An agent state.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub(crate) enum AgentState {
    /// No hook failed.
    Idle,
    /// A hook failed and waits to be retried or resolved.
    Error,
}

/// A relation-data check: `{relation: "wiki:db db:db", unit: wiki/0, data: {port: "80"}}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["unit"] }, { "required": ["app"] }]))]
pub(crate) struct RelationDataCheck {
    /// The relation, as its two endpoints: `wiki:db db:db`.
    relation: String,
    /// The unit whose bag is checked.
    unit: Option<String>,
    /// The application whose bag is checked.
    app: Option<String>,
    /// Keys and the values they must have.
    data: Option<BTreeMap<String, Scalar>>,
    /// Keys that must be absent.
    absent: Option<Vec<Scalar>>,
}

/// A file check.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct FileCheck {
    /// Text the file must contain.
    contains: Option<Scalar>,
    /// The file's whole text.
    equals: Option<Scalar>,
    /// Whether the file exists.
    exists: Option<bool>,
}

/// One command, or several.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum RunChecks {
    /// One command.
    One(RunCheck),
    /// Several.
    Several(Vec<RunCheck>),
}

/// A command run in a unit: `{unit: wiki/0, command: "cat ../data/x", exit: 0}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RunCheck {
    /// The unit.
    unit: String,
    /// A shell command, run in the formula directory.
    command: String,
    /// Its exit code.
    exit: Option<i32>,
    /// Text its standard output must contain.
    stdout_contains: Option<Scalar>,
}

/// Hooks of a unit.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct HookCheck {
    /// Hooks that must have run.
    ran: Option<Vec<String>>,
    /// Hooks that must not have run.
    not_ran: Option<Vec<String>>,
}

/// The last action of a unit.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ActionCheck {
    /// `completed` or `failed`.
    status: Option<Scalar>,
    /// Results it must have set (a subset).
    results: Option<BTreeMap<String, Scalar>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_of_other_modules_agree() {
        assert_eq!(keys::<Faults>(), crate::fault::NAMES);
        assert_eq!(keys::<ModelConfig>(), crate::clock::MODEL_CONFIG_KEYS);
        let refusals: Vec<&str> = crate::misuse::RefusalKind::ALL.iter().map(|k| k.name()).collect();
        let schema = formula_sdk::schema::generate::<RefusalKindName>();
        let named: Vec<&str> = schema["oneOf"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v["const"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(named, refusals);
    }

    #[test]
    fn steps_in_order() {
        assert_eq!(
            step_names(),
            [
                "settle",
                "config",
                "add-unit",
                "remove-unit",
                "relate",
                "unrelate",
                "remove-application",
                "upgrade",
                "action",
                "exec",
                "fail-next-hook",
                "resolve",
                "elect",
                "update-status",
                "wait",
                "deploy",
                "model-config",
                "step-at",
                "expect"
            ]
        );
    }
}
