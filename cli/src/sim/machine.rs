//! What a run whose units share this machine (`--backend host`) does to it: by default the run
//! gets a machine of its own ([`simulator::backend::isolate`]: private system directories,
//! loopback and pids), so that nothing its formulas write outlives it; with `--no-isolate`, or
//! where this machine allows no namespaces, it runs on the machine itself, and what it wrote
//! outside its directory is listed at the end and recorded for `formula sim --clean`
//! ([`simulator::backend::host::leftovers`]).
//!
//! `formula sim`, `formula shell` (through [`super::setup`]) and `formula test` decide here.

use anyhow::Result;
use simulator::backend::host::leftovers::{Leftovers, Snapshot};
use simulator::backend::isolate::{self, isolate_run, Role};
use simulator::backend::Kind;
use simulator::scenario::Scenario;
use std::path::{Path, PathBuf};

/// How a run keeps this machine as it found it.
#[derive(Debug)]
pub enum Plan {
    /// Units have machines of their own (a container backend): nothing to do.
    Nothing,
    /// The run goes into namespaces of its own; `shared_network` names the application whose
    /// `network: host` keeps this machine's network for the run.
    Isolate {
        /// The first application asking for the machine's network, if any.
        shared_network: Option<String>,
    },
    /// The run happens on this machine; what it writes is watched. Why it is not isolated.
    Watch(String),
}

/// The plan for runs of `scenarios` whose units are on `kind`: `forced` is `--isolate` (the
/// explorer's children: isolated on any backend, or an error), `refused` is `--no-isolate`.
pub fn plan<'a>(kind: Kind, forced: bool, refused: bool, scenarios: impl IntoIterator<Item = &'a Scenario>) -> Plan {
    if !forced && !kind.units_share_this_machine() {
        return Plan::Nothing;
    }
    if refused {
        return Plan::Watch("--no-isolate".into());
    }
    if !forced && !isolate::available() {
        return Plan::Watch(
            "this machine allows the run no namespaces of its own (run as root, or allow unprivileged user namespaces)"
                .into(),
        );
    }
    let shared_network =
        scenarios.into_iter().flat_map(|s| &s.applications).find(|a| a.host_network).map(|a| a.name.value.clone());
    Plan::Isolate { shared_network }
}

/// Where a run stands after [`isolate`].
pub enum Isolated {
    /// In the run, in its namespaces: go on with it.
    Run,
    /// In the process that waited for the run: it ended with this exit code.
    Finished(u8),
    /// The namespaces could not be made; this process is as it was, and the run may go on here
    /// under this plan.
    Failed(Plan),
}

/// Moves the rest of the run into namespaces of its own, keeping `keep` (and what is below
/// them) shared with this machine. When that fails, a run that `forced` it (`--isolate`)
/// fails; another goes on on this machine, watched, and says why.
pub fn isolate(keep: &[PathBuf], shared_network: bool, forced: bool) -> Result<Isolated> {
    // The binary's path as this process's root sees it, read before the run's mounts change
    // (afterwards, in a chroot, the kernel names it from outside the chroot).
    super::formula_binary()?;
    Ok(match isolate_run(keep, shared_network) {
        Ok(Role::Run) => Isolated::Run,
        Ok(Role::Finished(code)) => Isolated::Finished(u8::try_from(code).unwrap_or(2)),
        Err(e) if forced => return Err(e.into()),
        Err(e) => Isolated::Failed(Plan::Watch(format!("{e}"))),
    })
}

/// The directories of `files` (`--trace`, `--html`, `--junit`), which an isolated run keeps
/// shared with this machine.
pub fn dirs_of<'a>(files: impl IntoIterator<Item = &'a Option<PathBuf>>) -> Vec<PathBuf> {
    files
        .into_iter()
        .flatten()
        .filter_map(|file| std::path::absolute(file).ok()?.parent().map(Path::to_path_buf))
        .collect()
}

/// What to say before the run, unless `quiet`: where its units' writes go.
pub fn announce(plan: &Plan, quiet: bool) {
    if quiet {
        return;
    }
    match plan {
        Plan::Nothing => {}
        Plan::Isolate { shared_network: None } => eprintln!(
            "note: the run has a machine of its own (private /etc, /usr, /var, /tmp…, loopback and pids): \
             nothing its formulas write stays on this one (--no-isolate runs it on this machine)"
        ),
        Plan::Isolate { shared_network: Some(app) } => eprintln!(
            "note: the run has a machine of its own (private /etc, /usr, /var, /tmp…, and pids), but this \
             machine's network, since `{app}` asks for it (`network: host`): daemons it starts listen here"
        ),
        Plan::Watch(why) => eprintln!(
            "note: the run's units write on this machine itself ({why}); what they write outside the run's \
             directory is listed at the end"
        ),
    }
}

/// The machine before a watched run's units are made (none for other plans).
pub fn watch(plan: &Plan, run_dir: &Path) -> Option<Snapshot> {
    matches!(plan, Plan::Watch(_)).then(|| Snapshot::take(&[run_dir]))
}

/// After a watched run (its daemons stopped): what it wrote outside `run_dir` since `before`,
/// printed as a warning and recorded for `formula sim --clean`.
pub fn report(before: &Snapshot, run_dir: &Path, quiet: bool) {
    let left = Leftovers::between(before, &Snapshot::take(&[run_dir]));
    if left.is_empty() && left.stopped_at.is_none() {
        if !quiet {
            eprintln!("note: the run wrote nothing on this machine outside its directory");
        }
        return;
    }
    eprintln!("warning: the run wrote on this machine, outside its directory (other processes may have too):");
    for line in left.describe() {
        eprintln!("warning:   {line}");
    }
    if left.created.is_empty() {
        return;
    }
    match left.record(run_dir) {
        Ok(file) => eprintln!(
            "warning: `formula sim --clean --backend host` removes what it created (recorded in {})",
            file.display()
        ),
        Err(e) => eprintln!("warning: cannot record it for `formula sim --clean`: {e}"),
    }
}
