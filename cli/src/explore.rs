//! `formula sim --explore N` / `--seeds A..B` / `--check-determinism`: many seeds at once.
//!
//! Each run is a `formula sim` process of its own (its own run directory, socket and backend):
//! the backends keep process-wide state (the host backend reaps and stops every process the
//! simulator adopted; the ns backend names its cgroup after the process), so two runs in one
//! process would stop each other's daemons. Worker threads drive the processes; the library's
//! `simulator::explore` does the rest from their traces.

use crate::sim::SimArgs;
use anyhow::{Context, Result};
use simulator::backend::isolate::Role;
use simulator::explore::{self, Failure, Plan, Progress, Runner, Schedule};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs one schedule as a `formula sim` process.
#[derive(Clone)]
struct ProcessRunner {
    binary: PathBuf,
    scenario: Option<PathBuf>,
    base: Vec<String>,
    seed: u64,
    /// With recorded choices: the most hooks a settle may run (a candidate schedule of the
    /// shrinker may loop where the original did not; it should not take long to say so).
    shrink_max_hooks: Option<u64>,
}

impl Runner for ProcessRunner {
    fn run(&self, schedule: &Schedule, trace: &Path) -> Result<(), String> {
        let mut command = Command::new(&self.binary);
        command.arg("sim");
        if let Some(s) = &self.scenario {
            command.arg(s);
        }
        command.args(&self.base).arg("--trace").arg(trace);
        let choices_file = trace.with_extension("choices");
        match schedule {
            Schedule::Seed(seed) => {
                command.arg("--seed").arg(seed.to_string());
            }
            Schedule::Choices(picks) => {
                let text: Vec<String> = picks.iter().map(usize::to_string).collect();
                std::fs::write(&choices_file, text.join(" ")).map_err(|e| format!("cannot write choices: {e}"))?;
                command.arg("--seed").arg(self.seed.to_string()).arg("--choices-file").arg(&choices_file);
                if let Some(max) = self.shrink_max_hooks {
                    command.arg("--max-hooks").arg(max.to_string());
                }
            }
        }
        let output = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        let _ = std::fs::remove_file(&choices_file);
        match output.status.code() {
            Some(0 | 1) => Ok(()),
            _ => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("no output");
                Err(format!("the run did not finish ({}): {last}", output.status))
            }
        }
    }
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

pub fn run(args: &SimArgs) -> Result<u8> {
    Ok(match explore(args)? {
        Ended::Code(code) => code,
        Ended::Explored(explored) => u8::from(!explored.failures.is_empty()),
    })
}

/// Runs the seeds `args` asks for as child `formula sim` processes, in parallel; reports
/// progress, failures (shrunk) and a summary on stderr.
pub fn explore(args: &SimArgs) -> Result<Ended> {
    if args.replay.is_some() || args.clean || args.trace.is_some() {
        anyhow::bail!("--explore, --seeds and --check-determinism take no --replay, --clean or --trace");
    }
    if let Some(spec) = &args.faults {
        simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?;
    }
    if let Some(path) = &args.scenario {
        match simulator::scenario::load(path) {
            Err(errors) => {
                for e in &errors {
                    eprintln!("error: {e}");
                }
                return Ok(Ended::Code(2));
            }
            // Here, once, not in each child run.
            Ok(scenario) => crate::build::ensure_built(crate::build::scenario_formulas(&scenario))?,
        }
    }
    let range = match (&args.seeds, args.explore) {
        (Some(text), _) => explore::parse_seeds(text).map_err(anyhow::Error::msg)?,
        (None, Some(n)) if n > 0 => args.seed..args.seed.saturating_add(n),
        (None, Some(_)) => anyhow::bail!("--explore needs at least 1 seed"),
        (None, None) => args.seed..args.seed + 1,
    };
    let shard = args.shard.as_deref().map(explore::parse_shard).transpose().map_err(anyhow::Error::msg)?;
    let seeds = explore::shard_seeds(range.clone(), shard);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let jobs = args.jobs.unwrap_or(cores).max(1);
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let work = tempfile::Builder::new().prefix("formula-explore-").tempdir().context("cannot create a directory")?;
    let runner = ProcessRunner {
        binary: std::env::current_exe().context("cannot find the formula binary")?,
        scenario: args.scenario.clone(),
        base: child_args(args),
        seed: args.seed,
        shrink_max_hooks: None,
    };
    if args.check_determinism {
        return check_determinism(&runner, &seeds, jobs, work.path()).map(Ended::Code);
    }
    let plan = Plan { seeds, jobs, keep_going: args.keep_going, work_dir: work.path().to_path_buf() };
    let shard_text = shard.map(|(k, n)| format!(", shard {k}/{n}")).unwrap_or_default();
    eprintln!(
        "exploring {} seed(s) ({}..{}{shard_text}) on {} worker(s){}",
        plan.seeds.len(),
        range.start,
        range.end,
        jobs.min(plan.seeds.len()),
        args.faults.as_ref().map(|f| format!(", faults {f}")).unwrap_or_default()
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
    let replay_scenario = args.scenario.as_ref().map(|s| format!(" {}", s.display())).unwrap_or_default();
    let mut shrunk_signatures = Vec::new();
    let mut failures = Vec::new();
    for failure in &summary.failures {
        let kept = explore::seed_trace(&out, failure.seed);
        let _ = std::fs::copy(&failure.trace, &kept);
        failures.push((failure.seed, failure.signature.clone(), kept.clone()));
        eprintln!("FAILED seed {}: {}", failure.seed, failure.signature);
        eprintln!("  trace: {}", kept.display());
        eprintln!("  replay: formula sim --replay {}{replay_scenario}", kept.display());
        if !args.no_shrink && !shrunk_signatures.contains(&failure.signature) && !failure.info.hooks.is_empty() {
            shrunk_signatures.push(failure.signature.clone());
            shrink(&runner, failure, args.shrink_budget, jobs, &out, work.path(), &replay_scenario);
        }
    }
    let distinct = summary.distinct();
    eprintln!(
        "{} runs, {} failed, {} distinct failures, {} hooks, {:.1}s wall ({:.2} seeds/s){}",
        summary.runs,
        summary.failures.len(),
        distinct.len(),
        summary.hooks,
        wall.as_secs_f64(),
        summary.runs as f64 / wall.as_secs_f64().max(1e-9),
        if summary.stopped_early { "; stopped at the first failure (--keep-going runs every seed)" } else { "" }
    );
    for (signature, seeds) in &distinct {
        let list: Vec<String> = seeds.iter().take(8).map(u64::to_string).collect();
        let more = if seeds.len() > 8 { ", …" } else { "" };
        eprintln!("  {} × {signature} (seeds {}{more})", seeds.len(), list.join(", "));
    }
    Ok(Ended::Explored(Explored { failures }))
}

/// The flags every child run gets.
fn child_args(args: &SimArgs) -> Vec<String> {
    // The explorer keeps failing runs' traces; their directories would only pile up.
    let mut base = vec!["-q".to_string(), "--keep".into(), "never".into()];
    base.extend(crate::sim::run_flags(args, args.backend));
    if args.backend.units_share_this_machine() {
        base.push("--isolate".into());
    }
    base
}

/// `formula sim --isolate`: moves this run into namespaces of its own, keeping its trace's
/// directory shared. `Some(code)` in the process that waited for the run; `None` in the run.
pub(crate) fn isolate(args: &SimArgs) -> Result<Option<u8>> {
    let keep: Vec<PathBuf> = [&args.trace, &args.html]
        .into_iter()
        .flatten()
        .filter_map(|file| std::path::absolute(file).ok()?.parent().map(Path::to_path_buf))
        .collect();
    Ok(match simulator::backend::isolate::isolate_run(&keep)? {
        Role::Run => None,
        Role::Finished(code) => Some(u8::try_from(code).unwrap_or(2)),
    })
}

fn shrink(
    runner: &ProcessRunner,
    failure: &Failure,
    budget: usize,
    jobs: usize,
    out: &Path,
    work: &Path,
    scenario: &str,
) {
    eprintln!("  shrinking (at most {budget} runs, {jobs} at once)…");
    let user_max = runner.base.iter().any(|a| a == "--max-hooks");
    let bound = (!user_max).then_some(failure.info.hooks.len() as u64 * 2 + 50);
    let runner = ProcessRunner { seed: failure.seed, shrink_max_hooks: bound, ..runner.clone() };
    let shrunk = explore::shrink(&runner, failure, budget, jobs, work);
    let kept = out.join(format!("formula-sim-seed-{}.shrunk.trace.jsonl", failure.seed));
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
