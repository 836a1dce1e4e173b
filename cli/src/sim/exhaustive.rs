//! `formula sim --exhaustive`: every schedule of a scenario, up to the order of hooks that
//! commute (the search is `simulator::exhaustive`); runs go to worker processes, as
//! `--explore`'s are, and a failure is reported, shrunk and replayed as theirs.

use super::args::SimArgs;
use super::explore::{self as seeds, ProcessRunner, Request, Workspace};
use anyhow::{Context, Result};
use simulator::exhaustive::{self, Plan, Progress};
use simulator::fault::Faults;
use std::io::Write as _;
use std::time::Instant;

/// `formula sim SCENARIO --exhaustive [--max-schedules N] [--max-time SECONDS]`.
pub fn run(args: &SimArgs) -> Result<u8> {
    let request = Request::from_args(args)?;
    if args.max_schedules == 0 {
        anyhow::bail!("--max-schedules needs at least 1");
    }
    let Some(Workspace { jobs, out, work }) = seeds::prepare(&request, "formula-exhaustive-")? else {
        return Ok(2);
    };
    // `prepare` checked the spec.
    let faults = request.units.faults.as_deref().and_then(|spec| Faults::parse(spec).ok()).unwrap_or_default();
    let runner = ProcessRunner {
        workers: std::sync::Arc::new(super::worker::Pool::new(super::formula_binary()?)),
        runs: super::args::ChildRuns::new(request.scenario.as_deref(), &request.units).with_joint_picks(),
        seed: 0,
        shrink_max_hooks: None,
    };
    // Without a budget of the user's own, one fault per schedule: the space grows with each.
    let max_faults = if faults.is_off() {
        0
    } else if faults.budget == 0 {
        1
    } else {
        faults.budget as usize
    };
    let started = Instant::now();
    let plan = Plan {
        jobs,
        max_schedules: args.max_schedules,
        deadline: args.max_time.map(|seconds| started + std::time::Duration::from_secs(seconds)),
        max_faults,
        max_stale: args.max_stale,
        keep_going: request.keep_going,
        work_dir: work.path().to_path_buf(),
    };
    eprintln!(
        "exhaustive exploration on {jobs} worker(s): at most {} schedules, {} stale snapshot(s) and {} fault(s) per schedule{}",
        plan.max_schedules,
        plan.max_stale,
        plan.max_faults,
        request.units.faults.as_ref().map(|f| format!(" (faults {f})")).unwrap_or_default()
    );
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let last_line = std::sync::Mutex::new(Instant::now());
    let line = |p: &Progress| {
        format!(
            "{} schedules run ({} cut short as repeats), {} to go, {} failed",
            p.runs, p.redundant, p.frontier, p.failures
        )
    };
    let progress = |p: Progress| {
        if terminal {
            eprint!("\r{}\x1b[K", line(&p));
            let _ = std::io::stderr().flush();
        } else if let Ok(mut last) = last_line.lock() {
            // In a log: a line every ten seconds.
            if last.elapsed().as_secs() >= 10 {
                *last = Instant::now();
                eprintln!("{}", line(&p));
            }
        }
    };
    let summary = exhaustive::exhaust(&plan, &runner, &progress);
    let wall = started.elapsed();
    if terminal {
        eprintln!();
    }
    seeds::report_failures(&summary.failures, "schedule", &runner, &request, jobs, (&out, work.path()));
    let verdict = if summary.exhausted {
        "the space is exhausted".to_string()
    } else if summary.timed_out && summary.failures.is_empty() {
        format!("stopped at --max-time with {} schedules to go", summary.frontier)
    } else if !summary.failures.is_empty() && !request.keep_going {
        format!("stopped at the first failure with {} schedules to go (--keep-going runs on)", summary.frontier)
    } else {
        format!("stopped at --max-schedules with {} schedules to go", summary.frontier)
    };
    eprintln!(
        "{} schedules ({} distinct up to commuting hooks, {} cut short as repeats), {} failed, {} hooks, {:.1}s wall ({:.2} schedules/s); {verdict}",
        summary.runs,
        summary.classes,
        summary.redundant,
        summary.failures.len(),
        summary.hooks,
        wall.as_secs_f64(),
        summary.runs as f64 / wall.as_secs_f64().max(1e-9),
    );
    for (file, lines) in [(&args.classes_file, &summary.class_names), (&args.observations_file, &summary.observations)]
    {
        if let Some(file) = file {
            let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
            std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
        }
    }
    Ok(u8::from(!summary.failures.is_empty()))
}
