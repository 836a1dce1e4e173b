//! `formula publish`: into a local repository (`REPO/SERIES/NAME`, as Juju's local
//! repositories were laid out), or onto a Juju model through the `juju` command.

use anyhow::{bail, Context, Result};
use clap::Args;
use formula_sdk::format::Formula;
use formula_sdk::pack;
use formula_sdk::pack::repository::{self, Published};
use std::path::PathBuf;
use std::process::Command;

#[derive(Args)]
pub struct PublishArgs {
    /// The formula directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// A local repository: the formula goes to REPO/SERIES/NAME.
    #[arg(long, value_name = "REPO", required_unless_present = "juju", conflicts_with = "juju")]
    repository: Option<PathBuf>,
    /// The series directory (default: the first of metadata `series:`, else jammy).
    #[arg(long)]
    series: Option<String>,
    /// Pack, then deploy (first time) or refresh (later) with the `juju` command.
    #[arg(long)]
    juju: bool,
    /// With --juju: the model.
    #[arg(long, short, requires = "juju")]
    model: Option<String>,
    /// With --juju: the application's name (default: the formula's).
    #[arg(long, short, requires = "juju")]
    application: Option<String>,
    /// Publish even when `formula lint` finds errors.
    #[arg(long)]
    force: bool,
}

pub fn run(args: PublishArgs) -> Result<u8> {
    let packable = crate::pack::prepare(&args.dir, args.force)?;
    if args.juju {
        return to_juju(&args, &packable);
    }
    let Some(repo) = &args.repository else { bail!("give --repository REPO or --juju") };
    let series = args
        .series
        .clone()
        .or_else(|| Formula::load(&args.dir).metadata.series.first().cloned())
        .unwrap_or_else(|| simulator::bundle::DEFAULT_SERIES.to_string());
    if series.is_empty() || series.contains('/') || series.starts_with('.') {
        bail!("series `{series}` cannot be a directory name");
    }
    let target = repository::place(repo, &series, &packable.name);
    match repository::publish(&target, &packable.entries)
        .with_context(|| format!("cannot publish into {}", target.display()))?
    {
        Published::Unchanged(n) => println!("{}: unchanged, revision {n}", target.display()),
        Published::Written(n) => println!("{}: revision {n}", target.display()),
    }
    Ok(0)
}

fn to_juju(args: &PublishArgs, packable: &crate::pack::Packable) -> Result<u8> {
    let juju = simulator::backend::find_program("juju", &[]).context(
        "`juju` is not installed (not on PATH): install it (`snap install juju`) or publish into a local repository with --repository",
    )?;
    let model_args: Vec<String> = args.model.iter().flat_map(|m| ["--model".to_string(), m.clone()]).collect();
    let whoami =
        Command::new(&juju).arg("whoami").output().with_context(|| format!("cannot run {}", juju.display()))?;
    if !whoami.status.success() {
        bail!(
            "`juju` is not logged in to a controller ({}): run `juju login` or `juju bootstrap` first",
            String::from_utf8_lossy(&whoami.stderr).trim()
        );
    }
    let bytes = pack::write_zip(&packable.entries)?;
    let dir = tempfile::Builder::new().prefix("formula-publish-").tempdir()?;
    let archive = dir.path().join(format!("{}.charm", packable.name));
    std::fs::write(&archive, &bytes)?;
    let application = args.application.clone().unwrap_or_else(|| packable.name.clone());
    let exists = Command::new(&juju)
        .arg("show-application")
        .args(&model_args)
        .arg(&application)
        .output()
        .with_context(|| format!("cannot run {}", juju.display()))?
        .status
        .success();
    let mut command = Command::new(&juju);
    if exists {
        command.arg("refresh").args(&model_args).arg(&application).arg("--path").arg(&archive);
    } else {
        command.arg("deploy").args(&model_args).arg(&archive).arg(&application);
    }
    eprintln!(
        "{} {} (sha256 {})",
        if exists { "refreshing" } else { "deploying" },
        application,
        pack::sha256_hex(&bytes)
    );
    let status = command.status().with_context(|| format!("cannot run {}", juju.display()))?;
    if !status.success() {
        bail!("`juju {}` failed ({status})", if exists { "refresh" } else { "deploy" });
    }
    Ok(0)
}
