//! `formula new`: a new, working formula from one of the embedded templates.

use anyhow::{bail, Context, Result};
use clap::Args;
use formula_sdk::format::Formula;
use formula_sdk::lint::{self, Selection};
use formula_sdk::scaffold::{self, FormulaSpec, Relation, Role};
use formula_sdk::Severity;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct NewArgs {
    /// The formula's name (lowercase letters and digits in hyphen-separated parts).
    name: String,
    /// The template: `bash`, `python`, `rust`, or any other directory of the project's templates/.
    #[arg(long, short, default_value = "bash")]
    template: String,
    /// An endpoint this formula provides, as ENDPOINT:INTERFACE (repeatable).
    #[arg(long, value_name = "EP:IFACE")]
    provides: Vec<String>,
    /// An endpoint this formula requires, as ENDPOINT:INTERFACE (repeatable).
    #[arg(long, value_name = "EP:IFACE")]
    requires: Vec<String>,
    /// A peer endpoint, as ENDPOINT:INTERFACE (repeatable).
    #[arg(long, value_name = "EP:IFACE")]
    peers: Vec<String>,
    /// A subordinate formula; gets a container-scoped `host` (juju-info) relation unless one
    /// of its `--requires` has the juju-info interface.
    #[arg(long)]
    subordinate: bool,
    /// The maintainer, as "Name <email>".
    #[arg(long)]
    maintainer: Option<String>,
    /// One line on what the formula does.
    #[arg(long)]
    summary: Option<String>,
    /// Ask for what the flags did not give (reads standard input).
    #[arg(long)]
    interactive: bool,
    /// The new formula's directory (default: ./NAME); it must not exist.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: NewArgs) -> Result<u8> {
    let all = crate::embedded::template_files();
    let names = scaffold::template_names(&all);
    if !names.contains(&args.template) {
        bail!("no template is called `{}`; there are: {}", args.template, names.join(", "));
    }
    let mut spec = FormulaSpec {
        name: args.name.clone(),
        summary: args.summary.clone().unwrap_or_default(),
        maintainer: args.maintainer.clone().unwrap_or_default(),
        subordinate: args.subordinate,
        year: current_year(),
        template: args.template.clone(),
        relations: Vec::new(),
    };
    for (role, values) in
        [(Role::Provides, &args.provides), (Role::Requires, &args.requires), (Role::Peers, &args.peers)]
    {
        for value in values {
            spec.relations.push(parse_relation(value, role)?);
        }
    }
    if args.interactive {
        ask(&mut spec, &args)?;
    }
    if spec.summary.is_empty() {
        spec.summary = format!("The {} service, deployed and related by Juju", spec.name);
    }
    if spec.maintainer.is_empty() {
        spec.maintainer = format!("{} maintainers <{}@example.org>", spec.name, spec.name);
    }
    let problems = spec.problems();
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        bail!("no formula written");
    }
    let dest = args.output.clone().unwrap_or_else(|| PathBuf::from(&spec.name));
    if dest.symlink_metadata().is_ok() {
        bail!("{} already exists; `formula new` never writes over a directory", dest.display());
    }
    let mut files = scaffold::render_files(&scaffold::template_files(&all, &args.template), &spec)?;
    scaffold::hook_crate::add(&mut files, &crate::embedded::hook_crate_files());
    add_schemas(&mut files);
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    // Written beside the destination and renamed into place once it lints clean, so that a
    // failure leaves nothing behind.
    let staging = tempfile::Builder::new()
        .prefix(".formula-new-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let staged = staging.path().join(&spec.name);
    scaffold::write_files(&staged, &files).with_context(|| format!("cannot write {}", staged.display()))?;
    let findings = lint::lint_formula(&Formula::load(&staged), &Selection::default());
    let errors: Vec<_> = findings.iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("error: {} {}: {}", d.code, d.rule, d.message);
        }
        bail!("the new formula would not pass `formula lint`; no formula written");
    }
    std::fs::rename(&staged, &dest).with_context(|| format!("cannot create {}", dest.display()))?;
    eprintln!("created {} from the `{}` template ({} files)", dest.display(), args.template, files.len());
    if files.iter().any(|f| f.path == "Cargo.toml") {
        eprintln!("its hooks are Rust: `formula test` and `formula pack` build them first (`formula build`)");
    }
    eprintln!("next: formula lint {0} && formula test {0} && formula pack {0}", dest.display());
    Ok(0)
}

/// Where `formula new` writes the schemas that the `# yaml-language-server: $schema=` lines
/// of the templates name (relative to the formula's root); `.formulaignore` leaves it out of
/// the charm archive.
pub const SCHEMA_DIR: &str = ".schema";

/// The schemas of the files a formula holds, as `formula schema NAME` prints them, so that an
/// editor checks the new formula's files at once and without a network.
fn add_schemas(files: &mut Vec<scaffold::RenderedFile>) {
    use crate::schema::SchemaFile;
    for file in [SchemaFile::Scenario, SchemaFile::Metadata, SchemaFile::Config, SchemaFile::Actions] {
        files.push(scaffold::RenderedFile {
            path: format!("{SCHEMA_DIR}/{}.json", file.name()),
            kind: scaffold::FileKind::File { mode: 0o644, text: file.text() },
        });
    }
}

/// `EP:IFACE`.
fn parse_relation(value: &str, role: Role) -> Result<Relation> {
    match value.split_once(':') {
        Some((endpoint, interface)) if !endpoint.is_empty() && !interface.is_empty() => {
            Ok(Relation { endpoint: endpoint.into(), interface: interface.into(), role })
        }
        _ => bail!("--{} `{value}`: write ENDPOINT:INTERFACE, e.g. `db:mysql`", role.section()),
    }
}

/// Asks on standard error, reads standard input; an empty answer (or end of input) keeps
/// the value shown in brackets.
fn ask(spec: &mut FormulaSpec, args: &NewArgs) -> Result<()> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut question = |prompt: &str, default: &str| -> Result<String> {
        eprint!("{prompt} [{default}]: ");
        std::io::stderr().flush()?;
        let answer = lines.next().transpose()?.unwrap_or_default();
        let answer = answer.trim();
        Ok(if answer.is_empty() { default.to_string() } else { answer.to_string() })
    };
    if args.summary.is_none() {
        spec.summary = question("summary", &format!("The {} service, deployed and related by Juju", spec.name))?;
    }
    if args.maintainer.is_none() {
        spec.maintainer =
            question("maintainer (Name <email>)", &format!("{} maintainers <{}@example.org>", spec.name, spec.name))?;
    }
    if args.provides.is_empty() && args.requires.is_empty() && args.peers.is_empty() {
        for role in [Role::Provides, Role::Requires, Role::Peers] {
            let answer = question(&format!("{} (EP:IFACE, comma-separated)", role.section()), "")?;
            for value in answer.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                spec.relations.push(parse_relation(value, role)?);
            }
        }
    }
    Ok(())
}

/// This year, from the system clock (UTC), for the copyright line.
fn current_year() -> u32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    // Days to a civil date (Howard Hinnant's algorithm), year only.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as u32
}
