//! `formula bundle`: a scenario's model as a Juju bundle.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct BundleArgs {
    /// The scenario.
    scenario: PathBuf,
    /// Write the bundle to this file (local charm paths are relative to its directory);
    /// without it, print it (paths relative to the current directory).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The bundle's series.
    #[arg(long, default_value = simulator::bundle::DEFAULT_SERIES)]
    series: String,
}

pub fn run(args: BundleArgs) -> Result<u8> {
    let scenario = match simulator::scenario::load(&args.scenario) {
        Ok(s) => s,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return Ok(2);
        }
    };
    let bundle_dir = match args.output.as_ref().and_then(|o| o.parent()) {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().context("cannot read the current directory")?,
    };
    let text = simulator::bundle::to_bundle(&scenario, &bundle_dir, Some(&args.series));
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    if !scenario.steps.is_empty() || !scenario.stubs.is_empty() {
        eprintln!("note: the scenario's steps, stubs and expectations have no place in a bundle and were left out");
    }
    Ok(0)
}
