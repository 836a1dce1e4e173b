//! Running a scenario: deploy, relate, then each step in order.

use crate::expect::{self, Failure};
use crate::model::{Placement, Value};
use crate::scenario::{Scenario, Step};
use crate::sim::{Sim, SimError};
use crate::trace::{self, Event, Expectation};
use std::collections::BTreeMap;

/// The outcome of a scenario run.
#[derive(Debug, Default)]
pub struct Report {
    /// Expectations that did not hold, with the step that checked them.
    pub failures: Vec<(String, Failure)>,
    /// Units left in error that no expectation asked for.
    pub unexpected_errors: Vec<String>,
    /// Tool calls Juju refused that the scenario does not allow (`allow-refused:`).
    pub refused: Vec<String>,
    /// What hooks sent on the agent's socket that was not a tool call.
    pub malformed: Vec<String>,
    /// Units whose second `config-changed` changed something (`--idempotence`).
    pub not_idempotent: Vec<String>,
    /// Notes of the idempotence check that do not fail the run (same values written again).
    pub notes: Vec<String>,
    /// Hooks run.
    pub hooks: u64,
    /// An error that stopped the run, with the step's position.
    pub error: Option<String>,
    /// An exhaustive run stopped where it could only repeat schedules already run
    /// ([`Sim::is_redundant`]): nothing after that point was checked, and it passed.
    pub redundant: bool,
}

impl Report {
    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
            && self.unexpected_errors.is_empty()
            && self.refused.is_empty()
            && self.malformed.is_empty()
            && self.not_idempotent.is_empty()
            && self.error.is_none()
    }
}

/// Checks a run makes beyond the scenario's own.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// At the end, run `config-changed` again on every unit and fail on any change
    /// ([`crate::idempotence`]).
    pub idempotence: bool,
}

/// Deploys the scenario's model and runs its steps (or settles, when it has none).
pub fn run(sim: &mut Sim, scenario: &Scenario) -> Report {
    run_with(sim, scenario, &Options::default())
}

/// [`run`], with the extra checks of `options`.
pub fn run_with(sim: &mut Sim, scenario: &Scenario, options: &Options) -> Report {
    let mut report = Report::default();
    let place = |span: formula_sdk::source::Span| {
        format!("{}:{}:{}", scenario.path.display(), span.start.line, span.start.column)
    };
    sim.set_stubs(scenario.stubs.clone());
    sim.model.default_series = scenario.series.clone();
    sim.model.model_config = scenario.model_config;
    // A subordinate is deployed without units: they come with its container relations.
    let subordinate: Vec<bool> =
        scenario.applications.iter().map(|a| crate::model::is_subordinate_dir(&a.formula)).collect();
    for (app, _) in scenario.applications.iter().zip(&subordinate).filter(|(_, sub)| **sub) {
        if let Some(span) = app.units_span {
            report.error = Some(format!(
                "{}: application `{}` runs a subordinate formula, which takes no `units`: Juju adds one of its units beside each principal unit it relates to with a container-scoped relation",
                place(span),
                app.name.value
            ));
            return report;
        }
    }
    let units_of = |i: usize, a: &crate::scenario::AppSpec| if subordinate[i] { 0 } else { a.units };
    let units: Vec<String> = scenario
        .applications
        .iter()
        .enumerate()
        .flat_map(|(i, a)| (0..units_of(i, a)).map(|n| format!("{}/{n}", a.name.value)))
        .collect();
    sim.backend().expect_units(&units);
    for (i, app) in scenario.applications.iter().enumerate() {
        let config: BTreeMap<String, Value> = app.config.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        let placement = Placement { host_network: app.host_network, series: app.series.clone() };
        if let Err(e) = sim.deploy(&app.name.value, &app.formula, units_of(i, app), config, placement) {
            report.error = Some(format!("{}: {e}", place(app.name.span)));
            return report;
        }
        if let Err(e) = attach(sim, app) {
            report.error = Some(format!("{}: {e}", place(app.name.span)));
            return report;
        }
    }
    for (a, b) in &scenario.relations {
        if let Err(e) = sim.relate(a, b) {
            report.error = Some(format!("{}: {e}", place(a.span)));
            return report;
        }
    }
    let steps: Vec<_> = if scenario.steps.is_empty() {
        vec![formula_sdk::source::Spanned::new(Step::Settle, formula_sdk::source::Span::default())]
    } else {
        scenario.steps.clone()
    };
    let mut expected_errors: Vec<String> = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let at = place(step.span);
        sim.trace(Event::Step(trace::Step { index, line: step.span.start.line }));
        let result = apply(sim, &step.value, &mut report, &at, &mut expected_errors);
        if let Err(e) = result {
            if sim.is_redundant() {
                // Nothing from here on is new: the runs it repeats check it.
                report.redundant = true;
                report.hooks = sim.hook_count;
                sim.trace(Event::RunResult(trace::RunResult { passed: true, ..trace::RunResult::default() }));
                return report;
            }
            report.error = Some(format!("{at}: {e}"));
            break;
        }
    }
    if options.idempotence && report.error.is_none() {
        match crate::idempotence::check(sim) {
            Ok(findings) => {
                for finding in findings {
                    let unit = &finding.unit;
                    report.notes.extend(finding.notes.iter().map(|n| format!("{unit}: {n}")));
                    if finding.failed() {
                        report.not_idempotent.push(finding.to_string());
                    }
                }
            }
            Err(e) => report.error = Some(format!("idempotence check: {e}")),
        }
    }
    report.hooks = sim.hook_count;
    for (unit, agent) in &sim.agents {
        if let Some(error) = &agent.error {
            if !expected_errors.contains(unit) {
                // Automatic retries that did not help are worth saying (spec §6.5).
                // The timer of the next retry is running already: it has not run.
                let ran = agent.retry_attempts - u32::from(agent.retry_due.is_some());
                let retried = match ran {
                    0 => String::new(),
                    1 => " (retried once)".to_string(),
                    n => format!(" (retried {n} times)"),
                };
                report.unexpected_errors.push(format!("{unit}: {}{retried}", error.message));
            }
        }
    }
    report.refused = sim
        .refused
        .iter()
        .filter(|call| !scenario.allow_refused.contains(&call.refusal.kind))
        .map(|call| call.to_string())
        .collect();
    report.malformed = sim.malformed.clone();
    let failures = report.failures.iter().map(|(at, f)| expectation(at, f)).collect();
    sim.trace(Event::RunResult(trace::RunResult {
        passed: report.passed(),
        failures,
        unexpected_errors: report.unexpected_errors.clone(),
        refused: report.refused.clone(),
        not_idempotent: report.not_idempotent.clone(),
        malformed: report.malformed.clone(),
        error: report.error.clone(),
    }));
    report
}

/// Deploys `scenario` and takes its steps, as [`run_with`] does, but checks nothing and
/// writes no result in the trace: a run restored from its scenario (a controller's model
/// after a restart) that goes on afterwards. The first error stops it.
pub fn restore(sim: &mut Sim, scenario: &Scenario) -> Result<(), String> {
    sim.set_stubs(scenario.stubs.clone());
    sim.model.default_series = scenario.series.clone();
    sim.model.model_config = scenario.model_config;
    for app in &scenario.applications {
        let config: BTreeMap<String, Value> = app.config.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        let placement = Placement { host_network: app.host_network, series: app.series.clone() };
        let units = if crate::model::is_subordinate_dir(&app.formula) { 0 } else { app.units };
        sim.deploy(&app.name.value, &app.formula, units, config, placement).map_err(|e| e.to_string())?;
    }
    for (a, b) in &scenario.relations {
        sim.relate(a, b).map_err(|e| e.to_string())?;
    }
    let (mut report, mut expected_errors) = (Report::default(), Vec::new());
    for step in &scenario.steps {
        let at = format!("{}:{}", scenario.path.display(), step.span.start.line);
        apply(sim, &step.value, &mut report, &at, &mut expected_errors).map_err(|e| format!("{at}: {e}"))?;
    }
    Ok(())
}

fn apply(
    sim: &mut Sim,
    step: &Step,
    report: &mut Report,
    at: &str,
    expected_errors: &mut Vec<String>,
) -> Result<(), SimError> {
    match step {
        Step::Settle => sim.settle().map(|_| ()),
        Step::Config { app, values } => {
            sim.config(app, values.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect())
        }
        Step::AddUnit { app, count } => (0..*count).try_for_each(|_| sim.add_unit(app).map(|_| ())),
        Step::RemoveUnit(unit) => sim.remove_unit(unit),
        Step::Relate(a, b) => sim.relate(a, b).map(|_| ()),
        Step::Unrelate(a, b) => sim.unrelate(a, b),
        Step::RemoveApplication(app) => sim.remove_application(app),
        Step::Upgrade { app, formula } => sim.upgrade(app, formula),
        // Like `juju run`, the step waits for the action's result (other units go on too).
        Step::Action { unit, name, params, wait } => {
            let id = sim.action(unit, name, params.clone())?;
            if *wait {
                sim.run_until_action_done(unit, id)
            } else {
                Ok(())
            }
        }
        Step::Exec { unit, command } => sim.exec(unit, command).map(|_| ()),
        Step::FailNextHook { unit, hook } => sim.fail_next_hook(unit, hook.as_deref()),
        Step::Resolve { unit, retry } => sim.resolve(unit, *retry),
        Step::Elect(unit) => sim.elect(unit),
        Step::UpdateStatus => {
            sim.update_status();
            Ok(())
        }
        Step::Wait(duration) => sim.wait(*duration).map(|_| ()),
        Step::Deploy(apps) => apps.iter().try_for_each(|app| {
            let config = app.config.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
            let placement = Placement { host_network: app.host_network, series: app.series.clone() };
            sim.deploy(&app.name.value, &app.formula, app.units, config, placement)?;
            attach(sim, app)
        }),
        Step::ModelConfig(entries) => entries
            .iter()
            .try_for_each(|(key, value)| sim.model.model_config.set(key, value).map_err(crate::error::SimError)),
        Step::StepAt(at) => {
            sim.advance_clock(*at);
            sim.step().map(|_| ())
        }
        Step::Expect(expect) => {
            for (unit, state) in &expect.agent {
                if state == "error" {
                    expected_errors.push(unit.clone());
                }
            }
            let failures = expect::check(sim, expect);
            for f in &failures {
                sim.trace(Event::ExpectFailed(expectation(at, f)));
            }
            if failures.is_empty() {
                sim.trace(Event::ExpectPassed(trace::ExpectPassed { at: at.to_string() }));
            }
            report.failures.extend(failures.into_iter().map(|f| (at.to_string(), f)));
            Ok(())
        }
    }
}

/// An expectation that did not hold, at the step `at`, as the trace writes it.
fn expectation(at: &str, f: &Failure) -> Expectation {
    Expectation { at: at.to_string(), what: f.what.clone(), expected: f.expected.clone(), found: f.found.clone() }
}

/// Gives a deployed application its trust and its resources' files, refusing a resource its
/// formula does not declare as Juju's deploy does.
fn attach(sim: &mut Sim, app: &crate::scenario::AppSpec) -> Result<(), crate::error::SimError> {
    let Some(deployed) = sim.model.apps.get_mut(&app.name.value) else { return Ok(()) };
    for name in app.resources.keys() {
        if !deployed.formula.metadata.resource_names.contains(name) {
            return Err(crate::error::SimError(format!(
                "invalid resource name {name:?}: not found in the charm's metadata"
            )));
        }
    }
    deployed.trusted = app.trust;
    deployed.resources = app.resources.clone();
    Ok(())
}
