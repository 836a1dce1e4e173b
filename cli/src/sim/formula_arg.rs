//! `formula sim DIR` (or `NAME.charm`): a formula where a scenario was expected, as `juju
//! deploy ./DIR` takes one. Before `formula sim` picks its mode, the formula is made into a
//! scenario in a directory of its own ([`simulator::companions`]: the formula with a companion
//! on each relation, `--companion-data` for what they publish), and the arguments then name
//! that scenario: every mode that runs a scenario (one run, `--explore`, `--seeds`,
//! `--check-determinism`, `--replay`) runs it. What is shown and recorded to run it again
//! (the command that reproduces a failure, a kept run's arguments, the trace's `scenario`)
//! names the formula as it was given.

use super::args::SimArgs;
use anyhow::{Context, Result};
use simulator::companions::{self, CompanionData};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A formula given to `formula sim` in place of a scenario, as it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    /// The formula: a directory or a charm archive.
    pub formula: PathBuf,
    /// `--companion-data`.
    pub companion_data: Option<PathBuf>,
}

impl Given {
    /// The arguments of a `formula sim` that runs it: `DIR [--companion-data FILE]`.
    pub fn args(&self) -> Vec<String> {
        let mut out = vec![self.formula.to_string_lossy().into_owned()];
        if let Some(data) = &self.companion_data {
            out.extend(["--companion-data".to_string(), data.to_string_lossy().into_owned()]);
        }
        out
    }

    /// The same, with absolute paths (for a command run from elsewhere).
    pub fn absolute(&self) -> Given {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        Given { formula: absolute(&self.formula), companion_data: self.companion_data.as_deref().map(absolute) }
    }
}

/// Whether `path` is a formula rather than a scenario: a directory, or a charm archive.
pub fn is_formula(path: &Path) -> bool {
    path.is_dir() || (path.is_file() && path.extension().is_some_and(|e| e == "charm"))
}

/// A formula made into a scenario: the scenario, and the directory it is in with the
/// companions (removed when this is dropped).
pub struct Generated {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Endpoints left unrelated, and why.
    pub notes: Vec<String>,
    /// The companions' applications and the endpoints they are on, for the run's first line.
    pub companions: Vec<String>,
    _dir: TempDir,
}

/// Writes the scenario that runs `given`: the formula (unpacked first if it is an archive)
/// with its companions, which the embedded `formula new` templates make. An error is a list
/// of problems, each at its file, line and column where it has one.
pub fn generate(given: &Given) -> Result<Generated, Vec<String>> {
    let lines = |errors: Vec<simulator::scenario::ScenarioError>| -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    };
    let one = |error: anyhow::Error| vec![format!("{error:#}")];
    let data = match &given.companion_data {
        None => None,
        Some(path) => Some(CompanionData::load(path).map_err(lines)?),
    };
    let dir = tempfile::Builder::new()
        .prefix("formula-sim-formula-")
        .tempdir()
        .context("cannot create a directory")
        .map_err(one)?;
    let formula_dir = if given.formula.is_dir() && formula_sdk::charmcraft::is_project(&given.formula) {
        let laid_out = dir.path().join("formula");
        crate::pack::lay_out_project(&given.formula, &laid_out).map_err(one)?;
        laid_out
    } else if given.formula.is_dir() {
        given.formula.clone()
    } else {
        let unpacked = dir.path().join("formula");
        formula_sdk::pack::unpack::unpack(&given.formula, &unpacked, &Default::default())
            .with_context(|| format!("{}: refused, not unpacked", given.formula.display()))
            .map_err(one)?;
        unpacked
    };
    if !formula_dir.join("metadata.yaml").is_file() {
        return Err(vec![format!(
            "{}: neither a scenario nor a formula (a formula has a metadata.yaml or a charmcraft.yaml)",
            given.formula.display()
        )]);
    }
    let templates = formula_sdk::scaffold::template_files(&crate::embedded::template_files(), "bash");
    let written = companions::write(&formula_dir, &templates, data.as_ref(), dir.path()).map_err(lines)?;
    let companions = written
        .plan
        .endpoints
        .iter()
        .filter_map(|(endpoint, other)| {
            let name = &endpoint.name.value;
            match other {
                companions::OtherSide::Companion(app) => Some(format!("{app} on {name}")),
                companions::OtherSide::Principal => Some(format!("{} on {name}", companions::PRINCIPAL)),
                _ => None,
            }
        })
        .collect();
    Ok(Generated { scenario: written.scenario, notes: written.notes, companions, _dir: dir })
}

impl Generated {
    /// What the run's first lines say: what is deployed, and the endpoints left unrelated.
    pub fn announce(&self, given: &Given) {
        let with = if self.companions.is_empty() {
            "with no companion: none of its relations needs one".to_string()
        } else {
            format!("with {}", self.companions.join(", "))
        };
        eprintln!("running the formula {} {with}", given.formula.display());
        for note in &self.notes {
            eprintln!("note: {note}");
        }
        let scenarios = std::fs::read_dir(given.formula.join("tests")).into_iter().flatten().flatten();
        if scenarios.into_iter().any(|e| e.path().extension().is_some_and(|x| x == "yaml" || x == "yml")) {
            let dir = given.formula.display();
            eprintln!("note: {dir}/tests holds scenarios of its own; `formula test {dir}` runs them");
        }
    }
}

/// What [`prepare`] left.
pub enum Prepared {
    /// The arguments name a scenario (made for a formula: kept while this lives).
    Ready(Option<Generated>),
    /// The formula could not be made into a scenario; the exit code.
    Exit(u8),
}

/// Makes `args` name the scenario made for the formula it names in place of one (or, with
/// `--replay` and no scenario, that the trace's run was given), and records the formula in
/// `args.given`; `--companion-data` without a formula is an error.
pub fn prepare(args: &mut SimArgs) -> Result<Prepared> {
    let named = match (&args.scenario, &args.replay) {
        (Some(scenario), _) => Some(scenario.clone()),
        (None, Some(trace)) => super::replay::Replay::read(trace)?.scenario(),
        (None, None) => None,
    };
    let Some(formula) = named.filter(|path| is_formula(path)) else {
        if args.companion_data.is_some() {
            anyhow::bail!("--companion-data goes with a formula (a directory or .charm) given in place of a scenario");
        }
        return Ok(Prepared::Ready(None));
    };
    let given = Given { formula, companion_data: args.companion_data.clone() };
    match generate(&given) {
        Err(problems) => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            Ok(Prepared::Exit(2))
        }
        Ok(generated) => {
            if !args.quiet {
                generated.announce(&given);
            }
            args.scenario = Some(generated.scenario.clone());
            args.given = Some(Box::new(given));
            Ok(Prepared::Ready(Some(generated)))
        }
    }
}
