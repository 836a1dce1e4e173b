//! `formula trace-html TRACE -o FILE`: the timeline page of a trace written by `formula sim --trace`.

use anyhow::{Context, Result};
use clap::Args;
use simulator::trace::Event;
use std::path::PathBuf;

#[derive(Args)]
pub struct TraceHtmlArgs {
    /// A trace (JSON lines) written by `formula sim --trace`.
    trace: PathBuf,
    /// Where to write the page.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

pub fn run(args: TraceHtmlArgs) -> Result<u8> {
    let text = std::fs::read_to_string(&args.trace).with_context(|| format!("cannot read {}", args.trace.display()))?;
    let events = match simulator::trace::read(&text) {
        Ok(events) => events,
        Err(e) => {
            eprintln!("error: {}:{e}", args.trace.display());
            return Ok(2);
        }
    };
    write_page(&events, &args.output)?;
    Ok(0)
}

/// Renders `events` and writes the page to `path`.
pub fn write_page(events: &[Event], path: &std::path::Path) -> Result<()> {
    std::fs::write(path, simulator::html::render_events(events))
        .with_context(|| format!("cannot write the timeline to {}", path.display()))
}
