//! `formula bundle`: a scenario's model as a Juju bundle, or a juju-deployer (v3) bundle
//! upgraded to the format Juju deploys.

use anyhow::{Context, Result};
use clap::Args;
use formula_sdk::deployer;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BundleArgs {
    /// The scenario.
    #[arg(required_unless_present = "upgrade")]
    scenario: Option<PathBuf>,
    /// Write the bundle to this file (local charm paths are relative to its directory);
    /// without it, print it (paths relative to the current directory).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The bundle's series.
    #[arg(long, default_value = simulator::bundle::DEFAULT_SERIES)]
    series: String,
    /// Upgrade this juju-deployer (v3) bundle to a bundle Juju deploys (v4) instead, and say
    /// what could not be carried over.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "series"])]
    upgrade: Option<PathBuf>,
    /// With `--upgrade`: the deployment to upgrade, when the file holds several.
    #[arg(long, value_name = "NAME", requires = "upgrade")]
    deployment: Option<String>,
}

pub fn run(args: BundleArgs) -> Result<u8> {
    if let Some(file) = &args.upgrade {
        return upgrade(file, args.deployment.as_deref(), args.output.as_deref());
    }
    let Some(scenario_path) = &args.scenario else { return Ok(2) };
    let scenario = match simulator::scenario::load(scenario_path) {
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
    write(args.output.as_deref(), &text)?;
    if !scenario.steps.is_empty() || !scenario.stubs.is_empty() {
        eprintln!("note: the scenario's steps, stubs and expectations have no place in a bundle and were left out");
    }
    Ok(0)
}

/// `formula bundle --upgrade FILE`: prints or writes the v4 bundle; what was not carried over
/// goes to standard error (and into the bundle's opening comment).
fn upgrade(file: &Path, deployment: Option<&str>, output: Option<&Path>) -> Result<u8> {
    let shown = file.display();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {shown}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let root = match formula_sdk::yaml::parse(&text) {
        Ok(root) => root,
        Err(e) => {
            eprintln!(
                "error: {shown}:{}:{}: cannot parse the bundle: {}",
                e.span.start.line, e.span.start.column, e.message
            );
            return Ok(2);
        }
    };
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| shown.to_string());
    let upgraded = match deployer::upgrade(&root, &source, deployment) {
        Ok(upgraded) => upgraded,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return Ok(2);
        }
    };
    write(output, &upgraded.text)?;
    for dropped in &upgraded.dropped {
        let at = dropped.span.start;
        eprintln!("note: {shown}:{}:{}: not carried over: {}", at.line, at.column, dropped.message);
    }
    eprintln!(
        "upgraded the deployment `{}` ({} not carried over)",
        upgraded.deployment,
        match upgraded.dropped.len() {
            0 => "nothing".to_string(),
            1 => "one setting".to_string(),
            n => format!("{n} settings"),
        }
    );
    Ok(0)
}

fn write(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
