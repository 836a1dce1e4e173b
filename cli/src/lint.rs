//! `formula lint`: flags, parallel linting of many formulas, output and exit codes.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use formula_sdk::diagnostic::Diagnostic;
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
}

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
            "# {} `{}`\n\n{}.\n\nSeverity: {}. Group: {}.{}\n\n{}",
            rule.code,
            rule.name,
            rule.summary,
            rule.severity.as_str(),
            rule.group.as_str(),
            rule.proof.map(|p| format!(" charm proof: check {p}.")).unwrap_or_default(),
            rule.explanation
        );
        return Ok(0);
    }
    if args.list {
        for rule in registry::RULES {
            println!(
                "{}  {:<36} {:<8} {:<12} {}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.group.as_str(),
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
    let targets = lint::discover(&args.paths);
    let results: Vec<(Vec<Diagnostic>, Sources)> = targets.par_iter().map(|t| lint_target(t, &selection)).collect();
    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    for (found, texts) in results {
        diagnostics.extend(found);
        sources.extend(texts);
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
    if matches!(format, Format::Human) {
        text.push_str(&summary(&diagnostics, targets.len()));
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

fn lint_target(target: &Target, selection: &Selection) -> (Vec<Diagnostic>, Sources) {
    let mut sources = Sources::default();
    let found = match target {
        Target::Formula(dir) => {
            let formula = Formula::load(dir);
            sources.add_formula(&formula);
            lint::lint_formula(&formula, selection)
        }
        Target::Bundle(path) => {
            let found = lint::lint_bundle(path, path, selection);
            if let Ok(text) = std::fs::read_to_string(path) {
                sources.insert(path.clone(), text);
            }
            found
        }
        Target::Invalid(path, message) => vec![lint::invalid_target(path, message)],
    };
    (found, sources)
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
