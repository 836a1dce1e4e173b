//! Running a ready `formula sim`: the hooks printed as they run, the status table at the end,
//! the verdict with the command that reproduces a failure, the timeline page, and the run's
//! directory kept (or not) for `formula shell`.

use super::args::{kept_run_args, Keep, SimArgs};
use super::kept;
use super::replay;
use super::setup::{Ready, EMBEDDED_SCENARIO};
use anyhow::{Context, Result};
use simulator::explore::HookStep;
use simulator::run::{self, Report};
use simulator::runner::stream::OutputLine;
use simulator::sim::HookRecord;
use std::cell::RefCell;
use std::rc::Rc;

/// Runs `ready`, set up from `args`; the exit code (0: every expectation held).
pub fn run(args: &SimArgs, ready: Ready) -> Result<u8> {
    // Bindings drop in reverse: the simulator (and its backend) before the run's directory.
    let Ready { examples, scenario_path, scenario, dir, kind, seed, replay, trace_path, watched, mut sim } = ready;
    let ran: Rc<RefCell<Vec<HookStep>>> = Default::default();
    let (quiet, verbose) = (args.quiet, args.verbose);
    let replaying = replay.is_some();
    let log = ran.clone();
    if verbose {
        sim.on_output = Some(Box::new(|line: &OutputLine| eprintln!("{} {} | {}", line.unit, line.hook, line.text)));
    }
    sim.on_hook = Some(Box::new(move |record: &HookRecord| {
        if !quiet {
            print_hook(record, !verbose);
        }
        if replaying {
            log.borrow_mut().push(replay::step(record));
        }
    }));
    if let Some(warning) = replay.as_ref().and_then(|r| r.base_warning(sim.base().as_ref())) {
        eprintln!("replay: {warning}");
    }
    let options = run::Options { idempotence: args.idempotence };
    let report = run::run_with(&mut sim, &scenario, &options);
    if let Some(unit) = &args.shell {
        let ok = sim.shell(unit).map_err(anyhow::Error::msg);
        sim.shutdown();
        if let Some(before) = &watched {
            super::machine::report(before, &dir.root, quiet);
        }
        return Ok(if ok? { 0 } else { 1 });
    }
    eprintln!();
    println!("{}", simulator::status::render_run(&sim));
    sim.shutdown();
    if let Some(replay) = &replay {
        replay.report(&ran.borrow(), sim.base().as_ref());
    }
    let scenario = args.shown_scenario().map(|s| format!(" {s}")).unwrap_or_default();
    let again = match &args.replay {
        Some(trace) => format!("formula sim --replay {}{scenario}", trace.display()),
        None => {
            let faults = args.faults.as_ref().map(|f| format!(" --faults {f}")).unwrap_or_default();
            format!("formula sim{scenario} --seed {seed}{faults}")
        }
    };
    print_report(&report, seed, &again);
    // Once its daemons are stopped: what the run left on this machine.
    if let Some(before) = &watched {
        super::machine::report(before, &dir.root, quiet);
    }
    if let (Some(html), Some(trace)) = (&args.html, &trace_path) {
        let text = std::fs::read_to_string(trace).with_context(|| format!("cannot read {}", trace.display()))?;
        let events = simulator::trace::read(&text).map_err(|e| anyhow::anyhow!("{}:{e}", trace.display()))?;
        crate::trace_html::write_page(&events, html)?;
    }
    let keep = match args.keep {
        Keep::Always => true,
        Keep::Failed => !report.passed(),
        Keep::Never => false,
    };
    if keep {
        let scenario_path = match examples {
            Some(dir) => dir.keep().join(EMBEDDED_SCENARIO),
            None => scenario_path,
        };
        let kept = dir.dir.keep();
        kept::remember(&kept, &kept_run_args(args, kind, &scenario_path))?;
        eprintln!("kept the run's directory: {} (`--keep never` leaves nothing)", kept.display());
        eprintln!("`formula shell UNIT` opens a shell in one of its units");
    }
    Ok(if report.passed() { 0 } else { 1 })
}

/// The line of one hook that ran, and, with `tail`, the end of its output when it failed.
fn print_hook(record: &HookRecord, tail: bool) {
    let remote = record
        .hook
        .remote_unit
        .clone()
        .or_else(|| record.hook.remote_app.clone())
        .map(|r| format!("({r})"))
        .unwrap_or_default();
    let keys = if record.keys_written.is_empty() {
        String::new()
    } else {
        format!("  wrote {}", record.keys_written.join(","))
    };
    eprintln!(
        "[{:>4}] {:<10} {:<32} {:<10} {}{keys}",
        record.step,
        record.unit,
        record.hook.name(),
        remote,
        record.result
    );
    if tail && !record.ok && !record.output.trim().is_empty() {
        for line in record.output.lines().take(20) {
            eprintln!("       | {line}");
        }
    }
}

/// What failed, the notes, and the verdict, with `again`: the command that runs it again.
fn print_report(report: &Report, seed: u64, again: &str) {
    for (at, failure) in &report.failures {
        eprintln!("FAILED {at}: {failure}");
    }
    for unit in &report.unexpected_errors {
        eprintln!("FAILED unit in error: {unit}");
    }
    for call in &report.refused {
        eprintln!("FAILED {call}");
    }
    for what in &report.malformed {
        eprintln!("FAILED not a tool call on the agent's socket: {what}");
    }
    for finding in &report.not_idempotent {
        eprintln!("FAILED not idempotent: {finding}");
    }
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if let Some(error) = &report.error {
        eprintln!("error: {error}");
    }
    if report.passed() {
        eprintln!("ok: {} hooks, every expectation held (seed {seed})", report.hooks);
    } else {
        eprintln!("failed with seed {seed}: run `{again}` to reproduce");
    }
}
