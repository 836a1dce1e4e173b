//! `formula lint`: flags, parallel linting of many formulas, output and exit codes.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use formula_sdk::diagnostic::Diagnostic;
use formula_sdk::fix::{self, Applicability, Fix};
use formula_sdk::format::Formula;
use formula_sdk::lint::{self, registry, Selection, Target};
use formula_sdk::render::{self, Format, Sources};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct LintArgs {
    /// Formula directories, directories that hold formulas, or bundle files.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    /// Count warnings as errors for the exit code.
    #[arg(long)]
    strict: bool,
    /// Run only these rules (codes, names or groups, comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Also run these rules (e.g. `pedantic`).
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Never run these rules.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Print the explanation of a rule and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
    /// List every rule and exit.
    #[arg(long)]
    list: bool,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Write the findings to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Apply the safe fixes, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With `--fix` or `--diff`: the unsafe fixes too (they may change what the formula does).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print what the fixes would change, change nothing, and exit 1 if there is something to fix.
    #[arg(long)]
    diff: bool,
}

/// What `--fix`, `--diff` and `--unsafe-fixes` ask for.
#[derive(Clone, Copy)]
struct Fixing {
    write: bool,
    unsafe_too: bool,
}

/// What the fixes did (or would do) to one target.
#[derive(Default)]
struct Fixed {
    /// The code of every finding fixed.
    codes: Vec<&'static str>,
    diff: String,
}

/// How many passes of lint-and-fix a formula gets at most (a fix may make room for another).
const MAX_FIX_PASSES: usize = 8;

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(args: LintArgs) -> Result<u8> {
    if let Some(code) = &args.explain {
        let Some(rule) = registry::find(code) else {
            bail!("no rule is called `{code}`; `formula lint --list` shows them")
        };
        print!(
            "# {} `{}`\n\n{}.\n\nSeverity: {}. Group: {}. Fix: {}.{}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            rule.severity.as_str(),
            rule.group.as_str(),
            rule.fix.as_str(),
            rule.proof.map(|p| format!(" charm proof: check {p}.")).unwrap_or_default(),
            rule.explanation
        );
        return Ok(0);
    }
    if args.list {
        for rule in registry::RULES {
            println!(
                "{}  {:<36} {:<8} {:<12} {:<7} {}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.group.as_str(),
                rule.fix.as_str(),
                rule.summary
            );
        }
        return Ok(0);
    }
    let selection =
        Selection { select: args.select.clone(), extend: args.extend_select.clone(), ignore: args.ignore.clone() };
    let unknown = selection.unknown_names();
    if !unknown.is_empty() {
        bail!("unknown rules or groups: {}; `formula lint --list` shows them", unknown.join(", "));
    }
    if args.unsafe_fixes && !args.fix && !args.diff {
        bail!("`--unsafe-fixes` goes with `--fix` or `--diff`");
    }
    let fixing = (args.fix || args.diff).then_some(Fixing { write: !args.diff, unsafe_too: args.unsafe_fixes });
    let targets = lint::discover(&args.paths);
    let results: Vec<Result<(Vec<Diagnostic>, Sources, Fixed)>> =
        targets.par_iter().map(|t| lint_target(t, &selection, fixing)).collect();
    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let mut fixed = Fixed::default();
    for result in results {
        let (found, texts, done) = result?;
        diagnostics.extend(found);
        sources.extend(texts);
        fixed.codes.extend(done.codes);
        fixed.diff.push_str(&done.diff);
    }
    if args.diff {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(fixed.diff.as_bytes());
        eprintln!("{}", fixed_line("would fix", &fixed.codes));
        return Ok(if fixed.codes.is_empty() { 0 } else { 1 });
    }
    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut text = render::render(format, &diagnostics, &sources, color);
    let mut notes = Vec::new();
    if args.fix {
        notes.push(fixed_line("fixed", &fixed.codes));
    }
    let safe_left =
        diagnostics.iter().filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe)).count();
    if safe_left > 0 {
        let plural = if safe_left == 1 { "finding has a safe fix" } else { "findings have safe fixes" };
        notes.push(format!("{safe_left} {plural} (apply with `--fix`)"));
    }
    let unsafe_left =
        diagnostics.iter().filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Unsafe)).count();
    if unsafe_left > 0 && !args.unsafe_fixes {
        let plural = if unsafe_left == 1 { "finding has an unsafe fix" } else { "findings have unsafe fixes" };
        notes.push(format!("{unsafe_left} {plural} (apply with `--fix --unsafe-fixes`)"));
    }
    if matches!(format, Format::Human) {
        for note in &notes {
            text.push_str(note);
            text.push('\n');
        }
        text.push_str(&summary(&diagnostics, targets.len()));
    } else {
        // Machine-readable output stays what it is; the notes go to standard error.
        for note in &notes {
            eprintln!("{note}");
        }
    }
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`formula lint | head`) is not an error.
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    Ok(lint::exit_code(&diagnostics, args.strict))
}

fn lint_target(
    target: &Target,
    selection: &Selection,
    fixing: Option<Fixing>,
) -> Result<(Vec<Diagnostic>, Sources, Fixed)> {
    let mut sources = Sources::default();
    let mut fixed = Fixed::default();
    let found = match target {
        Target::Formula(dir) => {
            let mut formula = Formula::load(dir);
            let mut found = lint::lint_formula(&formula, selection);
            if let Some(fixing) = fixing {
                for _ in 0..MAX_FIX_PASSES {
                    let wanted = |f: &&Fix| fixing.unsafe_too || f.applicability == Applicability::Safe;
                    let candidates: Vec<(&'static str, &Fix)> =
                        found.iter().filter_map(|d| d.fix.as_ref().filter(wanted).map(|f| (d.code, f))).collect();
                    if candidates.is_empty() {
                        break;
                    }
                    let fixes: Vec<&Fix> = candidates.iter().map(|(_, f)| *f).collect();
                    let outcome = fix::apply(dir, dir, &fixes, fixing.write)
                        .with_context(|| format!("cannot apply fixes to `{}`", dir.display()))?;
                    fixed.codes.extend(outcome.applied.iter().map(|&i| candidates[i].0));
                    fixed.diff.push_str(&outcome.diff);
                    if !fixing.write || outcome.applied.is_empty() {
                        break;
                    }
                    formula = Formula::load(dir);
                    found = lint::lint_formula(&formula, selection);
                }
            }
            sources.add_formula(&formula);
            found
        }
        Target::Bundle(path) => {
            let mut found = lint::lint_bundle(path, path, selection);
            if let Some(fixing) = fixing {
                // A bundle's edits name its file relative to its directory.
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let wanted = |f: &&Fix| fixing.unsafe_too || f.applicability == Applicability::Safe;
                let candidates: Vec<(&'static str, &Fix)> =
                    found.iter().filter_map(|d| d.fix.as_ref().filter(wanted).map(|f| (d.code, f))).collect();
                if !candidates.is_empty() {
                    let fixes: Vec<&Fix> = candidates.iter().map(|(_, f)| *f).collect();
                    let outcome = fix::apply(&dir, &dir, &fixes, fixing.write)
                        .with_context(|| format!("cannot apply fixes to `{}`", path.display()))?;
                    fixed.codes.extend(outcome.applied.iter().map(|&i| candidates[i].0));
                    fixed.diff.push_str(&outcome.diff);
                    if fixing.write && !outcome.applied.is_empty() {
                        found = lint::lint_bundle(path, path, selection);
                    }
                }
            }
            if let Ok(text) = std::fs::read_to_string(path) {
                sources.insert(path.clone(), text);
            }
            found
        }
        Target::Archive(path) | Target::Project(path) => {
            if fixing.is_some() {
                anyhow::bail!(
                    "`{}`: --fix and --diff take formula directories, not charms or charmcraft projects",
                    path.display()
                );
            }
            let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
            // Laid out in a directory named as the charm, as `juju deploy` would see it.
            let laid_out;
            if matches!(target, Target::Archive(_)) {
                laid_out = scratch.path().join(path.file_stem().unwrap_or_default());
                formula_sdk::pack::unpack::unpack(path, &laid_out, &Default::default())
                    .with_context(|| format!("{}: refused, not unpacked", path.display()))?;
            } else {
                let project = formula_sdk::charmcraft::Project::read(path)?;
                laid_out = scratch.path().join(&project.name);
                std::fs::create_dir_all(&laid_out).context("cannot make a scratch directory")?;
                formula_sdk::charmcraft::stage::lay_out(&project, &laid_out)
                    .with_context(|| format!("cannot lay out {}", path.display()))?;
            }
            // Findings name the files as the charm holds them, under the path given.
            let formula = Formula::load_as(&laid_out, path);
            let found = lint::lint_formula(&formula, selection);
            sources.add_formula(&formula);
            found
        }
        Target::Invalid(path, message) => vec![lint::invalid_target(path, message)],
    };
    Ok((found, sources, fixed))
}

/// `fixed 3 findings (F503 ×2, F606 ×1)`, in code order.
fn fixed_line(verb: &str, codes: &[&str]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for code in codes {
        *counts.entry(*code).or_insert(0usize) += 1;
    }
    let noun = if codes.len() == 1 { "finding" } else { "findings" };
    if counts.is_empty() {
        return "nothing to fix".to_string();
    }
    let each: Vec<String> = counts.iter().map(|(code, n)| format!("{code} ×{n}")).collect();
    format!("{verb} {} {noun} ({})", codes.len(), each.join(", "))
}

fn summary(diagnostics: &[Diagnostic], targets: usize) -> String {
    use formula_sdk::Severity::*;
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (count(Error), count(Warning), count(Info));
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {}, {}, {}\n",
        plural(targets, "target"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "info")
    )
}
