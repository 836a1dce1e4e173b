//! `formula shell UNIT`: a shell in a unit of a kept run, with working hook tools.
//!
//! The simulator is gone when a run ends, and with it the model the hook tools answer from.
//! A run is fixed by its seed, so the shell runs the kept run again, quietly, with the same
//! arguments (which `formula sim` wrote into the kept directory), and opens the shell in the
//! unit once the scenario is done: the same model, and with container backends the unit's
//! services running again.

use crate::sim::args::{self, SimArgs};
use crate::sim::{kept, setup};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ShellArgs {
    /// The unit (`wiki/0`).
    unit: String,
    /// The kept run's directory (default: the last run `formula sim` kept).
    #[arg(long, value_name = "DIR")]
    run: Option<PathBuf>,
}

pub fn run(args: ShellArgs) -> Result<u8> {
    let (file, recorded) = kept::recorded(args.run)?;
    let mut shown = recorded.clone();
    shown.extend(args::shell_flags(&args.unit));
    eprintln!("running the kept run again to rebuild its model: formula sim {}", shown.join(" "));
    let sim = SimArgs::parse_recorded(&recorded)
        .with_context(|| format!("{} holds arguments this `formula` does not take", file.display()))?;
    let mut sim = args::shell_in(sim, &args.unit);
    // A kept run of a formula given alone names the formula: its scenario is made again.
    let _generated = match crate::sim::formula_arg::prepare(&mut sim)? {
        crate::sim::formula_arg::Prepared::Exit(code) => return Ok(code),
        crate::sim::formula_arg::Prepared::Ready(generated) => generated,
    };
    match setup::setup(&sim)? {
        setup::Setup::Exit(code) => Ok(code),
        setup::Setup::Ready(ready) => crate::sim::run::run(&sim, *ready),
    }
}
