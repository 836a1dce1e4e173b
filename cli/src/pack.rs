//! `formula pack` and `formula unpack`: charm archives.

use anyhow::{bail, Context, Result};
use clap::Args;
use formula_sdk::charmcraft;
use formula_sdk::format::Formula;
use formula_sdk::lint::{self, Selection};
use formula_sdk::pack::{self, unpack, Entry};
use formula_sdk::Severity;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct PackArgs {
    /// The formula directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The archive to write (default: ./NAME.charm).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Pack even when `formula lint` finds errors.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct UnpackArgs {
    /// The charm archive.
    archive: PathBuf,
    /// The directory to create; it must not exist.
    dir: PathBuf,
}

/// A formula read for packing: its name and entries, after the lint gate.
pub struct Packable {
    /// The formula's name (metadata `name`, else the directory's name).
    pub name: String,
    /// What goes into the archive.
    pub entries: Vec<Entry>,
}

/// Reads the formula in `dir` for packing; refuses one with lint errors unless `force`.
pub fn prepare(dir: &Path, force: bool) -> Result<Packable> {
    if charmcraft::is_project(dir) {
        return prepare_charmcraft(dir, force);
    }
    if !dir.join("metadata.yaml").is_file() {
        bail!("{} is not a formula directory (no metadata.yaml or charmcraft.yaml)", dir.display());
    }
    crate::build::ensure_built([dir])?;
    lint_gate(dir, dir, force)?;
    let name = Formula::load(dir)
        .metadata
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .or_else(|| dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())))
        .unwrap_or_else(|| "formula".into());
    let entries = pack::collect(dir)?;
    Ok(Packable { name, entries })
}

/// A charmcraft project: laid out as its charm in a scratch directory (its dependencies
/// installed there by pip), linted there, and read back.
fn prepare_charmcraft(dir: &Path, force: bool) -> Result<Packable> {
    let project = charmcraft::Project::read(dir)?;
    let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
    let laid_out = scratch.path().join(&project.name);
    std::fs::create_dir(&laid_out).context("cannot make a scratch directory")?;
    charmcraft::stage::stage(&project, &laid_out).with_context(|| format!("cannot pack {}", dir.display()))?;
    lint_gate(&laid_out, dir, force)?;
    let entries = pack::collect(&laid_out)?;
    Ok(Packable { name: project.name, entries })
}

/// Lays the charmcraft project in `dir` out in `into` as its charm (dependencies installed),
/// for the commands that take a project where they take a formula (`sim`, `juju deploy`).
pub fn lay_out_project(dir: &Path, into: &Path) -> Result<()> {
    let project = charmcraft::Project::read(dir)?;
    let _ = std::fs::remove_dir_all(into);
    std::fs::create_dir_all(into).with_context(|| format!("cannot create {}", into.display()))?;
    charmcraft::stage::stage(&project, into).with_context(|| format!("cannot lay out {} as its charm", dir.display()))
}

/// Refuses a formula with lint errors unless `force`; findings name files under `shown`.
fn lint_gate(dir: &Path, shown: &Path, force: bool) -> Result<()> {
    let formula = Formula::load_as(dir, shown);
    let errors: Vec<_> = lint::lint_formula(&formula, &Selection::default())
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            let place = d.span.map(|s| format!(":{}:{}", s.start.line, s.start.column)).unwrap_or_default();
            eprintln!("{}{place}: error {} {}: {}", d.path.display(), d.code, d.rule, d.message);
        }
        if !force {
            bail!("{} has lint errors; fix them or pack anyway with --force", shown.display());
        }
        eprintln!("warning: packing despite {} lint errors (--force)", errors.len());
    }
    Ok(())
}

pub fn run(args: PackArgs) -> Result<u8> {
    let packable = prepare(&args.dir, args.force)?;
    let bytes = pack::write_zip(&packable.entries)?;
    let output = args.output.unwrap_or_else(|| PathBuf::from(format!("{}.charm", packable.name)));
    std::fs::write(&output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!("{}  {} bytes  sha256 {}", output.display(), bytes.len(), pack::sha256_hex(&bytes));
    Ok(0)
}

pub fn run_unpack(args: UnpackArgs) -> Result<u8> {
    let done = unpack::unpack(&args.archive, &args.dir, &unpack::Limits::default())
        .with_context(|| format!("{}: refused, nothing written", args.archive.display()))?;
    println!(
        "{}: {} files, {} directories, {} symlinks, {} bytes",
        args.dir.display(),
        done.files,
        done.dirs,
        done.symlinks,
        done.bytes
    );
    Ok(0)
}
