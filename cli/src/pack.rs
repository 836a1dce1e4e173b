//! `formula pack` and `formula unpack`: charm archives.

use anyhow::{bail, Context, Result};
use clap::Args;
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
    if !dir.join("metadata.yaml").is_file() {
        bail!("{} is not a formula directory (no metadata.yaml)", dir.display());
    }
    crate::build::ensure_built([dir])?;
    let formula = Formula::load(dir);
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
            bail!("{} has lint errors; fix them or pack anyway with --force", dir.display());
        }
        eprintln!("warning: packing despite {} lint errors (--force)", errors.len());
    }
    let name = formula
        .metadata
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .or_else(|| dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())))
        .unwrap_or_else(|| "formula".into());
    let entries = pack::collect(dir)?;
    Ok(Packable { name, entries })
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
