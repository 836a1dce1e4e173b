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
}

pub fn run(args: PortPuppetArgs) -> Result<u8> {
    let ported = port::port_module(&args.module_dir, args.class.as_deref())?;
    let out = args.output.unwrap_or_else(|| PathBuf::from(&ported.name));
    ported.write(&out).with_context(|| format!("cannot write the formula to {}", out.display()))?;
    eprintln!(
        "wrote {}: {} of {} resources translated, {} item(s) left in PORTING.md",
        out.display(),
        ported.translated,
        ported.total,
        ported.todos.len()
    );
    Ok(0)
}
