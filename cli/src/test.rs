//! `formula test`: every scenario under each formula's tests/, as `cargo test` runs tests; a
//! formula with none is run as `formula sim DIR` runs it, with a companion on each relation,
//! and counts as one test.
//!
//! On the host backend the scenarios run one after another on one machine of their own (the
//! whole command in namespaces of its own, once every formula is built), as `formula sim`
//! runs one ([`crate::sim::machine`]); `--explore` leaves that to its seeds' runs.

use crate::sim::args::{backend_kind, UnitFlags, DEFAULT_HOOK_TIMEOUT};
use crate::sim::explore::{self, Ended, Request};
use crate::sim::formula_arg::{self, Given};
use crate::sim::machine::{self, Plan};
use crate::sim::setup::{self, RunDir};
use anyhow::{Context, Result};
use clap::Args;
use simulator::backend::{self, Kind};
use simulator::run::{self, Report};
use simulator::scenario::{self, Scenario};
use simulator::sim::Sim;
use simulator::trace::Tee;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct TestArgs {
    /// Formula directories, or directories that hold formulas.
    #[arg(default_value = ".")]
    dirs: Vec<PathBuf>,
    /// Run each scenario under seeds 0..N (N different orders of hooks) instead of seed 0,
    /// as `formula sim --explore N` does: a run per seed, in parallel, failures shrunk.
    #[arg(long, value_name = "N")]
    explore: Option<u64>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Where units live (as for `formula sim`).
    #[arg(long, value_parser = backend_kind(), default_value_t = Kind::Auto)]
    backend: Kind,
    /// Kill a hook that runs longer than this many seconds.
    #[arg(long, default_value_t = DEFAULT_HOOK_TIMEOUT)]
    hook_timeout: u64,
    /// With `--backend host`: run the units on this machine itself (as `formula sim
    /// --no-isolate`), not on a machine of the command's own.
    #[arg(long, conflicts_with = "explore")]
    no_isolate: bool,
}

/// One test: a scenario of a formula's, or the scenario made for a formula that has none.
struct Test {
    /// The formula's directory.
    formula: PathBuf,
    /// The scenario to run.
    scenario: PathBuf,
    /// Its name in the report (`alpha/tests/basic.yaml`).
    name: PathBuf,
    /// What `formula sim` is given to run it again (the scenario, or the formula).
    again: String,
    /// A scenario that could not be made for a formula without one: why.
    unmade: Option<String>,
}

/// One scenario's outcome.
struct Outcome {
    formula: String,
    scenario: PathBuf,
    failure: Option<String>,
    time: Duration,
}

pub fn run(args: TestArgs) -> Result<u8> {
    let kind = args.backend.resolve();
    let mut tests = Vec::new();
    // The scenarios made for formulas without one, kept until the runs are done.
    let mut generated = Vec::new();
    for dir in &args.dirs {
        let formulas = formulas_in(dir);
        if formulas.is_empty() {
            anyhow::bail!("{}: no formula here (no metadata.yaml in it or in its subdirectories)", dir.display());
        }
        for formula in formulas {
            let scenarios = scenarios_of(&formula);
            let shown = |path: &Path| {
                path.strip_prefix(formula.parent().unwrap_or(Path::new(""))).unwrap_or(path).to_path_buf()
            };
            if scenarios.is_empty() {
                // As `formula sim DIR`: the formula with a companion on each relation.
                let given = Given { formula: formula.clone(), companion_data: None };
                // `.` is named by its directory's name.
                let dir = match shown(&formula) {
                    path if path.file_name().is_some() => path,
                    path => formula.canonicalize().ok().and_then(|d| d.file_name().map(PathBuf::from)).unwrap_or(path),
                };
                let name = PathBuf::from(format!("{} (no scenario: with companions)", dir.display()));
                let again = given.args().join(" ");
                let (scenario, unmade) = match formula_arg::generate(&given) {
                    Ok(made) => {
                        let scenario = made.scenario.clone();
                        generated.push(made);
                        (scenario, None)
                    }
                    Err(problems) => (formula.clone(), Some(problems.join("\n") + "\n")),
                };
                tests.push(Test { formula: formula.clone(), scenario, name, again, unmade });
            }
            for path in scenarios {
                let again = path.display().to_string();
                tests.push(Test { formula: formula.clone(), name: shown(&path), scenario: path, again, unmade: None });
            }
        }
    }
    // Loaded and built before the runs are isolated: what a build writes (and cargo's caches)
    // stays on this machine.
    let prepared: Vec<(Test, Result<Scenario, String>, Duration)> = tests
        .into_iter()
        .map(|test| {
            let begin = Instant::now();
            let loaded = match (&test.unmade, scenario::load(&test.scenario)) {
                (Some(why), _) => Err(why.clone()),
                (None, Err(errors)) => Err(errors.iter().map(|e| format!("{e}\n")).collect()),
                (None, Ok(scenario)) => crate::build::ensure_built(crate::build::scenario_formulas(&scenario))
                    .map(|()| scenario)
                    .map_err(|e| format!("{e:#}\n")),
            };
            (test, loaded, begin.elapsed())
        })
        .collect();
    let plan = match args.explore {
        // Each seed's run is isolated on its own.
        Some(_) => Plan::Nothing,
        None => machine::plan(kind, false, args.no_isolate, prepared.iter().filter_map(|p| p.1.as_ref().ok())),
    };
    let plan = match plan {
        Plan::Isolate { shared_network } => {
            let keep = machine::dirs_of([&args.junit]);
            match machine::isolate(&keep, shared_network.is_some(), false)? {
                machine::Isolated::Run => Plan::Isolate { shared_network },
                machine::Isolated::Finished(code) => return Ok(code),
                machine::Isolated::Failed(watch) => watch,
            }
        }
        other => other,
    };
    machine::announce(&plan, false);
    println!("\nrunning {} scenario{}", prepared.len(), if prepared.len() == 1 { "" } else { "s" });
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for (test, loaded, preparing) in prepared {
        let begin = Instant::now();
        let seeds = args.explore.unwrap_or(1).max(1);
        let failure = match loaded {
            Err(failure) => Some(failure),
            Ok(_) if args.explore.is_some() => {
                explore_seeds(&test.scenario, &test.again, seeds, kind, args.hook_timeout)?
            }
            Ok(scenario) => {
                let report = run_once(&scenario, 0, kind, args.hook_timeout, &plan)?;
                (!report.passed()).then(|| describe(&report, &test.again, 0))
            }
        };
        let name = test.formula.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let seeds_note = if args.explore.is_some() { format!(" ({seeds} seeds)") } else { String::new() };
        println!("test {} ...{seeds_note} {}", test.name.display(), if failure.is_none() { "ok" } else { "FAILED" });
        let time = preparing + begin.elapsed();
        outcomes.push(Outcome { formula: name, scenario: test.name, failure, time });
    }
    drop(generated);
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    if !failed.is_empty() {
        println!("\nfailures:");
        for o in &failed {
            println!("\n---- {} ----\n{}", o.scenario.display(), o.failure.as_deref().unwrap_or_default().trim_end());
        }
        println!("\nfailures:");
        for o in &failed {
            println!("    {}", o.scenario.display());
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        outcomes.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(&outcomes)).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(if failed.is_empty() { 0 } else { 1 })
}

/// Runs `scenario` under seeds `0..count` with the shared explorer (a child `formula sim`
/// per seed, in parallel, failures shrunk; its progress and summary go to stderr); returns
/// what failed, or `None`.
fn explore_seeds(scenario: &Path, again: &str, count: u64, kind: Kind, hook_timeout: u64) -> Result<Option<String>> {
    let units = UnitFlags { backend: kind, hook_timeout, ..UnitFlags::default() };
    let request = Request { shown: Some(again.to_string()), ..Request::seeds(scenario, count, units) };
    Ok(match explore::explore(&request)? {
        Ended::Code(0) => None,
        Ended::Code(code) => Some(format!("exploring {again} stopped (exit {code})\n")),
        Ended::Explored(explored) if explored.failures.is_empty() => None,
        Ended::Explored(explored) => {
            let mut text = String::new();
            for (seed, signature, trace) in &explored.failures {
                let _ = writeln!(text, "seed {seed}: {signature}");
                let _ = writeln!(
                    text,
                    "failed with seed {seed}: run `formula sim {again} --seed {seed}` (or `formula sim --replay {} {again}`) to reproduce",
                    trace.display()
                );
            }
            Some(text)
        }
    })
}

/// One run of `scenario` under `seed`, in a directory of its own, quietly; on this machine
/// itself, what it wrote there is said at its end.
fn run_once(scenario: &Scenario, seed: u64, kind: Kind, hook_timeout: u64, plan: &Plan) -> Result<Report> {
    // Named as `formula sim`'s run directories are, so that `formula sim --clean` finds what a
    // killed test left.
    let dir = RunDir::create("formula-sim-test-", kind)?;
    let watched = machine::watch(plan, &dir.root);
    let mut cfg = setup::config(&dir, scenario, &scenario.path, seed);
    cfg.hook_timeout = Duration::from_secs(hook_timeout);
    // No limits on units, unlike `formula sim`'s defaults.
    let backend = setup::backend(kind, &dir, &backend::Options::default(), true)?;
    let mut sim = Sim::new(cfg, backend, Box::new(Tee::default())).map_err(anyhow::Error::msg)?;
    let report = run::run(&mut sim, scenario);
    sim.shutdown();
    if let Some(before) = &watched {
        machine::report(before, &dir.root, true);
    }
    Ok(report)
}

/// What failed in `report`, and the command that runs it again (`formula sim {again}`).
fn describe(report: &Report, again: &str, seed: u64) -> String {
    let mut text = String::new();
    for (at, failure) in &report.failures {
        let _ = writeln!(text, "{at}: {failure}");
    }
    for unit in &report.unexpected_errors {
        let _ = writeln!(text, "unit in error: {unit}");
    }
    if let Some(error) = &report.error {
        let _ = writeln!(text, "error: {error}");
    }
    let _ = writeln!(text, "failed with seed {seed}: run `formula sim {again} --seed {seed}` to reproduce");
    text
}

/// `dir` itself when it holds a formula, else the formulas directly under it.
fn formulas_in(dir: &Path) -> Vec<PathBuf> {
    if dir.join("metadata.yaml").is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.join("metadata.yaml").is_file()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

/// The scenarios of a formula: `tests/*.yaml` (and `.yml`), sorted.
fn scenarios_of(formula: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(formula.join("tests"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The outcomes as JUnit XML: one suite per formula, one case per scenario.
fn junit(outcomes: &[Outcome]) -> String {
    let failures = outcomes.iter().filter(|o| o.failure.is_some()).count();
    let total: f64 = outcomes.iter().map(|o| o.time.as_secs_f64()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"formula test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">",
        outcomes.len()
    );
    let mut suites: Vec<&str> = outcomes.iter().map(|o| o.formula.as_str()).collect();
    suites.dedup();
    for suite in suites {
        let cases: Vec<&Outcome> = outcomes.iter().filter(|o| o.formula == suite).collect();
        let suite_failures = cases.iter().filter(|o| o.failure.is_some()).count();
        let time: f64 = cases.iter().map(|o| o.time.as_secs_f64()).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\" time=\"{time:.3}\">",
            simulator::html::escape(suite),
            cases.len()
        );
        for case in cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                simulator::html::escape(&case.scenario.to_string_lossy()),
                simulator::html::escape(suite),
                case.time.as_secs_f64()
            );
            match &case.failure {
                None => out.push_str("/>\n"),
                Some(text) => {
                    let first = text.lines().next().unwrap_or("failed");
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"scenario\">{}</failure>\n    </testcase>",
                        simulator::html::escape(first),
                        simulator::html::escape(text)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
