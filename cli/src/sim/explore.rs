//! `formula sim --explore N` / `--seeds A..B` / `--check-determinism`: many seeds at once.
//!
//! Each run is a `formula sim` command line, run by a worker process ([`super::worker`]) as a
//! process of its own would run it (its own run directory, socket and backend): the backends
//! keep process-wide state (the host backend reaps and stops every process the simulator
//! adopted; the ns backend names its cgroup after the process), so two runs at once in one
//! process would stop each other's daemons; one after the other, they do not. Worker threads
//! each drive a worker; the library's `simulator::explore` does the rest from their traces.
//! The runs' command lines are built in `args` ([`ChildRuns`]), beside the flags they use.

use super::args::{ChildRuns, SimArgs, UnitFlags, DEFAULT_SHRINK_BUDGET};
use super::worker::{Answer, Job, Pool};
use anyhow::{Context, Result};
use simulator::explore::{self, Failure, Plan, Progress, Runner, Schedule};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Runs one schedule as a `formula sim` command line, in one of the exploration's workers.
#[derive(Clone)]
pub(super) struct ProcessRunner {
    pub(super) workers: Arc<Pool>,
    pub(super) runs: ChildRuns,
    pub(super) seed: u64,
    /// With recorded choices: the most hooks a settle may run (a candidate schedule of the
    /// shrinker may loop where the original did not; it should not take long to say so).
    pub(super) shrink_max_hooks: Option<u64>,
}

impl Runner for ProcessRunner {
    fn run(&self, schedule: &Schedule, trace: &Path) -> Result<(), String> {
        let choices_file = trace.with_extension("choices");
        let sleep_file = trace.with_extension("sleep.json");
        let args = match schedule {
            // The schedules to keep out of go to the worker, which keeps their tree.
            Schedule::Seed(seed) | Schedule::SeedAvoiding(seed, _) => self.runs.args(trace, *seed, None),
            Schedule::Choices(picks) => {
                write_choices(&choices_file, picks)?;
                self.runs.args(trace, self.seed, Some((&choices_file, self.shrink_max_hooks)))
            }
            Schedule::Asleep(picks, asleep) => {
                write_choices(&choices_file, picks)?;
                let text = serde_json::to_string(asleep).map_err(|e| format!("cannot write the sleep set: {e}"))?;
                std::fs::write(&sleep_file, text).map_err(|e| format!("cannot write the sleep set: {e}"))?;
                self.runs.args_asleep(trace, self.seed, Some((&choices_file, self.shrink_max_hooks)), Some(&sleep_file))
            }
        };
        // The runs share the modules they compile, unless the variable is set empty here
        // (each run then compiles its own: a benchmark's baseline).
        let mut env = Vec::new();
        let share = std::env::var_os(simulator::runner::wasm::COMPILED_CACHE_ENV).is_none_or(|v| !v.is_empty());
        if let (true, Some(dir)) = (share, trace.parent()) {
            let compiled = dir.join("wasm-compiled").to_string_lossy().into_owned();
            env.push((simulator::runner::wasm::COMPILED_CACHE_ENV.to_string(), compiled));
        }
        if let Some(tool) = trace.parent().map(|dir| dir.join(crate::hook_tool::NAME)).filter(|t| t.is_file()) {
            env.push((super::setup::SHARED_HOOK_TOOL_ENV.to_string(), tool.to_string_lossy().into_owned()));
        }
        let args = args.into_iter().map(|a| a.into_string().map_err(|a| format!("not UTF-8: {}", a.to_string_lossy())));
        let request = Job { args: args.collect::<Result<_, _>>()?, env, schedules: None };
        let before = match schedule {
            Schedule::SeedAvoiding(_, before) => Some(before),
            _ => None,
        };
        let answer = self.workers.run(request, before);
        let _ = std::fs::remove_file(&choices_file);
        let _ = std::fs::remove_file(&sleep_file);
        match answer? {
            Answer { code: 0 | 1, .. } => Ok(()),
            Answer { code, last_line, .. } => Err(format!(
                "the run did not finish (exit status: {code}): {}",
                last_line.as_deref().unwrap_or("no output")
            )),
        }
    }
}

/// Writes a list of choices as the child's `--choices-file` reads it.
fn write_choices(file: &Path, picks: &[usize]) -> Result<(), String> {
    let text: Vec<String> = picks.iter().map(usize::to_string).collect();
    std::fs::write(file, text.join(" ")).map_err(|e| format!("cannot write choices: {e}"))
}

/// How exploring ended: with the runs made, or before them with an exit code (a scenario
/// that does not load, `--check-determinism`'s verdict).
pub enum Ended {
    /// The seeds ran.
    Explored(Explored),
    /// No exploring to report on; the exit code.
    Code(u8),
}

/// What the runs found.
pub struct Explored {
    /// Each failing seed: the seed, what failed (its signature) and the kept trace.
    pub failures: Vec<(u64, String, PathBuf)>,
}

/// What to explore: the flags of `formula sim` that `--explore`, `--seeds` and
/// `--check-determinism` take.
#[derive(Clone, Debug)]
pub struct Request {
    /// The scenario (none: the embedded example stack).
    pub scenario: Option<PathBuf>,
    /// The scenario as the commands that replay a failure name it (a formula given in place
    /// of one: `DIR --companion-data FILE`), when not as `scenario`.
    pub shown: Option<String>,
    /// `--seed`: the first seed of `--explore`.
    pub seed: u64,
    /// `--explore`: how many seeds.
    pub explore: Option<u64>,
    /// `--seeds`: a range of seeds.
    pub seeds: Option<String>,
    /// `--shard`.
    pub shard: Option<String>,
    /// `--jobs`.
    pub jobs: Option<usize>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--keep-going`.
    pub keep_going: bool,
    /// `--allow-repeats`.
    pub allow_repeats: bool,
    /// `--no-shrink`.
    pub no_shrink: bool,
    /// `--shrink-budget`.
    pub shrink_budget: usize,
    /// `--check-determinism`.
    pub check_determinism: bool,
    /// How each run's units run.
    pub units: UnitFlags,
}

impl Request {
    /// What `args` asks to explore; an error for the flags exploring does not take.
    pub fn from_args(args: &SimArgs) -> Result<Request> {
        if args.replay.is_some() || args.clean || args.trace.is_some() {
            anyhow::bail!("--explore, --seeds and --check-determinism take no --replay, --clean or --trace");
        }
        if args.no_isolate {
            anyhow::bail!(
                "--explore, --seeds and --check-determinism take no --no-isolate: runs side by side on the host \
                 backend need machines of their own"
            );
        }
        Ok(Request {
            scenario: args.scenario.clone(),
            shown: args.shown_scenario(),
            seed: args.seed,
            explore: args.explore,
            seeds: args.seeds.clone(),
            shard: args.shard.clone(),
            jobs: args.jobs,
            out: args.out.clone(),
            keep_going: args.keep_going,
            allow_repeats: args.allow_repeats,
            no_shrink: args.no_shrink,
            shrink_budget: args.shrink_budget,
            check_determinism: args.check_determinism,
            units: args.unit_flags(),
        })
    }

    /// `formula sim SCENARIO --explore COUNT` with `units`, and every other flag at its
    /// default: seeds `0..COUNT`.
    pub fn seeds(scenario: &Path, count: u64, units: UnitFlags) -> Request {
        Request {
            scenario: Some(scenario.to_path_buf()),
            shown: None,
            seed: 0,
            explore: Some(count),
            seeds: None,
            shard: None,
            jobs: None,
            out: None,
            keep_going: false,
            allow_repeats: false,
            no_shrink: false,
            shrink_budget: DEFAULT_SHRINK_BUDGET,
            check_determinism: false,
            units,
        }
    }
}

/// `formula sim --explore N` / `--seeds A..B` / `--check-determinism`.
pub fn run(args: &SimArgs) -> Result<u8> {
    Ok(match explore(&Request::from_args(args)?)? {
        Ended::Code(code) => code,
        Ended::Explored(explored) => u8::from(!explored.failures.is_empty()),
    })
}

/// Runs the seeds `args` asks for in `formula sim` workers, in parallel; reports
/// progress, failures (shrunk) and a summary on stderr.
pub fn explore(args: &Request) -> Result<Ended> {
    let Some(Workspace { jobs, out, work }) = prepare(args, "formula-explore-")? else {
        return Ok(Ended::Code(2));
    };
    let range = match (&args.seeds, args.explore) {
        (Some(text), _) => explore::parse_seeds(text).map_err(anyhow::Error::msg)?,
        (None, Some(n)) if n > 0 => args.seed..args.seed.saturating_add(n),
        (None, Some(_)) => anyhow::bail!("--explore needs at least 1 seed"),
        (None, None) => args.seed..args.seed + 1,
    };
    let shard = args.shard.as_deref().map(explore::parse_shard).transpose().map_err(anyhow::Error::msg)?;
    let seeds = explore::shard_seeds(range.clone(), shard);
    let runner = ProcessRunner {
        workers: Arc::new(Pool::new(super::formula_binary()?)),
        runs: ChildRuns::new(args.scenario.as_deref(), &args.units),
        seed: args.seed,
        shrink_max_hooks: None,
    };
    if args.check_determinism {
        return check_determinism(&runner, &seeds, jobs, work.path()).map(Ended::Code);
    }
    let plan = Plan {
        seeds,
        jobs,
        keep_going: args.keep_going,
        work_dir: work.path().to_path_buf(),
        avoid_repeats: !args.allow_repeats,
    };
    let shard_text = shard.map(|(k, n)| format!(", shard {k}/{n}")).unwrap_or_default();
    eprintln!(
        "exploring {} seed(s) ({}..{}{shard_text}) on {} worker(s){}",
        plan.seeds.len(),
        range.start,
        range.end,
        jobs.min(plan.seeds.len()),
        args.units.faults.as_ref().map(|f| format!(", faults {f}")).unwrap_or_default()
    );
    let started = Instant::now();
    // A progress line rewritten in place on a terminal; in a log, a line per tenth.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |p: Progress| {
        if terminal {
            eprint!("\r[{}/{}] runs, {} failed", p.done, p.total, p.failures);
            let _ = std::io::stderr().flush();
        } else if p.done == p.total || p.done.is_multiple_of((p.total / 10).max(1)) {
            eprintln!("[{}/{}] runs, {} failed", p.done, p.total, p.failures);
        }
    };
    let summary = explore::explore(&plan, &runner, &progress);
    let wall = started.elapsed();
    if terminal {
        eprintln!();
    }
    let failures = report_failures(&summary.failures, "seed", &runner, args, jobs, (&out, work.path()));
    let distinct = summary.distinct();
    let seconds = wall.as_secs_f64().max(1e-9);
    eprintln!(
        "{} runs, {} failed, {} distinct failures, {} distinct schedules ({} distinct orders of hooks), {} hooks, \
         {:.1}s wall ({:.2} seeds/s, {:.2} distinct schedules/s){}",
        summary.runs,
        summary.failures.len(),
        distinct.len(),
        summary.distinct_schedules,
        summary.hook_orders,
        summary.hooks,
        wall.as_secs_f64(),
        summary.runs as f64 / seconds,
        summary.distinct_schedules as f64 / seconds,
        if summary.exhausted {
            "; every schedule of the scenario has run: the space is exhausted"
        } else if summary.stopped_early {
            "; stopped at the first failure (--keep-going runs every seed)"
        } else {
            ""
        }
    );
    for (signature, seeds) in &distinct {
        let list: Vec<String> = seeds.iter().take(8).map(u64::to_string).collect();
        let more = if seeds.len() > 8 { ", …" } else { "" };
        eprintln!("  {} × {signature} (seeds {}{more})", seeds.len(), list.join(", "));
    }
    Ok(Ended::Explored(Explored { failures }))
}

/// What a mode of many runs needs before its first: workers, where failing traces go, and a
/// directory for the runs' traces.
pub(super) struct Workspace {
    /// Runs at once (`--jobs`, default one per core).
    pub(super) jobs: usize,
    /// Where failing runs' traces are kept (`--out`, default the current directory).
    pub(super) out: PathBuf,
    /// The runs' own traces.
    pub(super) work: tempfile::TempDir,
}

/// Checks `--faults`, loads the scenario and builds its formulas (here, once, not in each
/// child run), and makes the directories; `None` when the scenario does not load (its errors
/// printed: exit 2).
pub(super) fn prepare(args: &Request, work_prefix: &str) -> Result<Option<Workspace>> {
    if let Some(spec) = &args.units.faults {
        simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?;
    }
    if let Some(path) = &args.scenario {
        match simulator::scenario::load(path) {
            Err(errors) => {
                for e in &errors {
                    eprintln!("error: {e}");
                }
                return Ok(None);
            }
            Ok(scenario) => crate::build::ensure_built(crate::build::scenario_formulas(&scenario))?,
        }
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let jobs = args.jobs.unwrap_or(cores).max(1);
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let work = tempfile::Builder::new().prefix(work_prefix).tempdir().context("cannot create a directory")?;
    // Written once for all the runs, which find it beside their traces.
    if let Some(bytes) = crate::embedded::hook_tool() {
        super::setup::write_hook_tool(work.path(), bytes)?;
    }
    Ok(Some(Workspace { jobs, out, work }))
}

/// Reports each failed run (`what` it was: `seed` or `schedule`, and its number), keeps its
/// trace as `formula-sim-WHAT-N.trace.jsonl` in `out`, and shrinks the first of each
/// signature; returns (number, signature, kept trace) of each.
pub(super) fn report_failures(
    failures: &[Failure],
    what: &str,
    runner: &ProcessRunner,
    args: &Request,
    jobs: usize,
    (out, work): (&Path, &Path),
) -> Vec<(u64, String, PathBuf)> {
    let shown = args.shown.clone().or_else(|| args.scenario.as_ref().map(|s| s.display().to_string()));
    let replay_scenario = shown.map(|s| format!(" {s}")).unwrap_or_default();
    let mut shrunk_signatures = Vec::new();
    let mut kept_traces = Vec::new();
    for failure in failures {
        let stem = format!("formula-sim-{what}-{}", failure.seed);
        let kept = out.join(format!("{stem}.trace.jsonl"));
        let _ = std::fs::copy(&failure.trace, &kept);
        kept_traces.push((failure.seed, failure.signature.clone(), kept.clone()));
        eprintln!("FAILED {what} {}: {}", failure.seed, failure.signature);
        eprintln!("  trace: {}", kept.display());
        eprintln!("  replay: formula sim --replay {}{replay_scenario}", kept.display());
        if !args.no_shrink && !shrunk_signatures.contains(&failure.signature) && !failure.info.hooks.is_empty() {
            shrunk_signatures.push(failure.signature.clone());
            shrink(runner, failure, args, jobs, (out, &stem), work, &replay_scenario);
        }
    }
    kept_traces
}

fn shrink(
    runner: &ProcessRunner,
    failure: &Failure,
    args: &Request,
    jobs: usize,
    (out, stem): (&Path, &str),
    work: &Path,
    scenario: &str,
) {
    // A bound of the user's own stays (it is among the child runs' flags).
    let (user_max, budget) = (args.units.max_hooks.is_some(), args.shrink_budget);
    eprintln!("  shrinking (at most {budget} runs, {jobs} at once)…");
    let bound = (!user_max).then_some(failure.info.hooks.len() as u64 * 2 + 50);
    let runner = ProcessRunner { seed: failure.seed, shrink_max_hooks: bound, ..runner.clone() };
    let shrunk = explore::shrink(&runner, failure, budget, jobs, work);
    let kept = out.join(format!("{stem}.shrunk.trace.jsonl"));
    if std::fs::copy(&shrunk.trace, &kept).is_err() {
        eprintln!("  cannot write {}", kept.display());
        return;
    }
    let (hooks, faults, out_of_turn) = explore::size(&shrunk.info);
    let (hooks0, faults0, out_of_turn0) = explore::size(&failure.info);
    eprintln!(
        "  shrunk in {} runs: {hooks} hooks up to the failure (from {hooks0}), {faults} faults (from {faults0}), {out_of_turn} choices out of the default order (from {out_of_turn0})",
        shrunk.attempts
    );
    for line in explore::explain(&shrunk.info).lines() {
        eprintln!("  {line}");
    }
    eprintln!("  shrunk trace: {}", kept.display());
    eprintln!("  replay: formula sim --replay {}{scenario}", kept.display());
}

fn check_determinism(runner: &ProcessRunner, seeds: &[u64], jobs: usize, work: &Path) -> Result<u8> {
    eprintln!("running {} seeds twice each on {jobs} workers", seeds.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(&seed) = seeds.get(index) else { break };
                let a = work.join(format!("det-{seed}-a.jsonl"));
                let b = work.join(format!("det-{seed}-b.jsonl"));
                let outcome =
                    runner.run(&Schedule::Seed(seed), &a).and_then(|()| runner.run(&Schedule::Seed(seed), &b));
                let problem = match outcome {
                    Err(e) => Some(e),
                    Ok(()) => {
                        let ta = std::fs::read_to_string(&a).unwrap_or_default();
                        let tb = std::fs::read_to_string(&b).unwrap_or_default();
                        explore::first_difference(&ta, &tb)
                    }
                };
                if let Some(p) = problem {
                    if let Ok(mut list) = problems.lock() {
                        list.push((seed, p));
                    }
                }
                let _ = (std::fs::remove_file(&a), std::fs::remove_file(&b));
            });
        }
    });
    let mut problems = problems.into_inner().unwrap_or_default();
    problems.sort();
    for (seed, problem) in &problems {
        eprintln!("NOT DETERMINISTIC seed {seed}: {problem}");
    }
    eprintln!("{} seeds run twice, {} gave different traces", seeds.len(), problems.len());
    Ok(if problems.is_empty() { 0 } else { 1 })
}
