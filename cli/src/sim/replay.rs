//! `formula sim --replay TRACE`: the run a trace recorded, again (its scenario, backend,
//! seed, faults and every choice), and where the new run departs from it.
//!
//! Setup asks the trace what to run ([`Replay::backend`], [`Replay::scenario`],
//! [`Replay::apply`]); the run records its hooks as the trace does ([`step`]) and reports
//! the first difference ([`Replay::report`]).

use anyhow::Result;
use simulator::backend::Kind;
use simulator::base::BaseId;
use simulator::explore::{self, HookStep, TraceInfo};
use simulator::sim::{Config, HookRecord};
use std::path::{Path, PathBuf};

/// A trace being replayed.
pub struct Replay {
    path: PathBuf,
    trace: TraceInfo,
}

impl Replay {
    /// Reads the trace at `path`.
    pub fn read(path: &Path) -> Result<Replay> {
        let trace = explore::read_trace(path).map_err(anyhow::Error::msg)?;
        Ok(Replay { path: path.to_path_buf(), trace })
    }

    /// The backend the replay asks for: the trace's, unless `asked` names one.
    pub fn backend(&self, asked: Kind) -> Kind {
        match Kind::parse(&self.trace.header.backend) {
            Some(recorded) if asked == Kind::Auto => recorded,
            _ => asked,
        }
    }

    /// The scenario the trace ran, as its run named it.
    pub fn scenario(&self) -> Option<PathBuf> {
        self.trace.header.scenario.as_ref().map(PathBuf::from)
    }

    /// Makes `cfg` run the trace's schedule: its seed, its choices and, unless `--faults`
    /// was given (`faults_given`), its faults.
    pub fn apply(&self, cfg: &mut Config, faults_given: bool) -> Result<()> {
        cfg.seed = self.trace.seed();
        if !faults_given {
            let spec = self.trace.header.faults.as_deref().unwrap_or("");
            cfg.faults =
                simulator::fault::Faults::parse(spec).map_err(|e| anyhow::anyhow!("the trace's faults: {e}"))?;
        }
        cfg.choices = Some(self.trace.picks());
        Ok(())
    }

    /// What to say when the trace was taken on units of another base than `current` (this
    /// run's): their files differ, so hooks may take other paths. `None` when the bases are
    /// the same, or when either run gave units this machine's files.
    pub fn base_warning(&self, current: Option<&BaseId>) -> Option<String> {
        let recorded = self.trace.header.base.as_ref()?;
        let current = current?;
        (recorded != current).then(|| {
            format!(
                "warning: the trace was taken on units of base {recorded}; this run's units are of base {current}: their files differ, so hooks may run otherwise"
            )
        })
    }

    /// Says on stderr whether the run that replayed the trace (its hooks, `ran`) followed it,
    /// or where it departed from it (and, then, whether the bases differ).
    pub fn report(&self, ran: &[HookStep], current: Option<&BaseId>) {
        match explore::departure(&self.trace.hooks, ran) {
            None => eprintln!(
                "replay: this run followed the trace's {} hooks ({})",
                self.trace.hooks.len(),
                self.path.display()
            ),
            Some(step) => {
                eprintln!("replay: the run departs from the trace at {step}");
                if let Some(warning) = self.base_warning(current) {
                    eprintln!("replay: {warning}");
                }
            }
        }
    }
}

/// A hook that ran, as a trace's hooks are compared.
pub fn step(record: &HookRecord) -> HookStep {
    HookStep {
        step: record.step,
        unit: record.unit.clone(),
        hook: record.hook.name(),
        draws_end: 0,
        remote: record.hook.remote_unit.clone().or_else(|| record.hook.remote_app.clone()),
        result: record.result.clone(),
        fault: None,
    }
}
