//! `formula base`: the unit base that `ns` units start from (see `simulator::base`): build it
//! ahead of a run, show what it is, remove it.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use simulator::base::{recipe, Store};

#[derive(Args, Debug)]
pub struct BaseArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Build the base of this version's recipe, unless it is there (needs root and mmdebstrap).
    Build,
    /// Show the bases in the store: recipe, digest, where, and what this version uses.
    Show {
        /// Also read every file again and check the digest (the tree was not changed).
        #[arg(long)]
        verify: bool,
        /// List the packages of this version's base, with versions.
        #[arg(long)]
        packages: bool,
    },
    /// Remove every base in the store (the next ns run builds it again).
    Remove,
}

/// Runs `formula base`.
pub fn run(args: BaseArgs) -> Result<u8> {
    let store = Store::from_env();
    match args.action {
        Action::Build => {
            let base = store.build(&mut |line| eprintln!("{line}")).context("cannot build the unit base")?;
            println!("{}\t{}\t{}", base.id.recipe, base.id.digest, base.root.display());
            Ok(0)
        }
        Action::Show { verify, packages } => show(&store, verify, packages),
        Action::Remove => {
            let removed = store.remove_all().context("cannot remove the unit bases")?;
            if removed.is_empty() {
                eprintln!("no base in {}", store.dir().display());
            }
            for path in removed {
                eprintln!("removed {}", path.display());
            }
            Ok(0)
        }
    }
}

fn show(store: &Store, verify: bool, packages: bool) -> Result<u8> {
    let wanted = recipe::name();
    let bases = store.list();
    println!("store: {}", store.dir().display());
    println!("this version's recipe: {wanted} (Debian {}, {} packages added)", recipe::SUITE, recipe::PACKAGES.len());
    if bases.is_empty() {
        println!("no base is built (`formula base build`, or the first `formula sim` on the ns backend, builds it)");
        return Ok(1);
    }
    let mut code = 0;
    for base in &bases {
        let used = if base.id.recipe == wanted { "  (used by this version)" } else { "" };
        println!("{}\t{}\t{}{used}", base.id.recipe, base.id.digest, base.root.display());
        if verify {
            let now = base.verify().with_context(|| format!("cannot read {}", base.root.display()))?;
            if now == base.id.digest {
                println!("  verified: the files are as built");
            } else {
                println!("  CHANGED: the files' digest is now {now}; remove the base and build it again");
                code = 1;
            }
        }
        if packages && base.id.recipe == wanted {
            print!("{}", base.packages());
        }
    }
    Ok(code)
}
