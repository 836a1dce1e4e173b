//! `formula port-puppet`: flags and output; the port itself is `formula_puppet::port`.

use anyhow::{Context, Result};
use clap::Args;
use formula_puppet::port;
use std::path::PathBuf;

#[derive(Args)]
pub struct PortPuppetArgs {
    /// A Puppet module's directory (with manifests/, templates/, files/), or a control
    /// repository (environment.conf's module path, hiera data).
    module_dir: PathBuf,
    /// The class to port (default: a module's own class, from init.pp; a control repository
    /// needs one, `role::NAME`).
    #[arg(long = "class", value_name = "NAME")]
    class: Option<String>,
    /// Where to write the formula (default: ./NAME, the module's name with hyphens, or the
    /// class's last segment for a control repository).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
    /// The directories `$basemodulepath` stands for in a control repository's
    /// environment.conf (Puppet takes them from puppet.conf), `:`-separated, relative to the
    /// repository or absolute.
    #[arg(long, value_name = "DIR:DIR")]
    basemodulepath: Option<String>,
    /// Then apply the class with `puppet apply` and deploy the formula, each in a unit of the
    /// ns backend (root), and compare the files they leave (exit 1 when they differ).
    #[arg(long)]
    verify: bool,
}

pub fn run(args: PortPuppetArgs) -> Result<u8> {
    let base: Vec<PathBuf> = args
        .basemodulepath
        .iter()
        .flat_map(|dirs| dirs.split(':'))
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect();
    let ported = port::port_module_with(&args.module_dir, args.class.as_deref(), &base)?;
    let out = args.output.unwrap_or_else(|| PathBuf::from(&ported.name));
    ported.write(&out).with_context(|| format!("cannot write the formula to {}", out.display()))?;
    eprintln!(
        "wrote {}: {} of {} resources translated, {} item(s) left in PORTING.md",
        out.display(),
        ported.translated,
        ported.total,
        ported.todos.len()
    );
    if !args.verify {
        return Ok(0);
    }
    let verdict = crate::port_verify::verify(&args.module_dir, &ported, &out)?;
    if let Some(failure) = &verdict.port_failure {
        println!("the port's hooks failed:\n{failure}");
    }
    for e in &verdict.puppet_errors {
        println!("puppet apply: {e}");
    }
    for d in &verdict.differences {
        println!("{d}");
    }
    eprintln!(
        "verify: {} of {} files as Puppet leaves them",
        verdict.compared - verdict.differences.len(),
        verdict.compared
    );
    Ok(if verdict.differences.is_empty() && verdict.port_failure.is_none() { 0 } else { 1 })
}
