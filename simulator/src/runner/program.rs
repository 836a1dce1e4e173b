//! What runs for a hook: Juju's `dispatch` or the hook's own file (spec §3.3, §3.5), or the
//! formula's WebAssembly module standing for them.

use super::HookRun;
use crate::backend::UnitPlaces;
use crate::hook::{Hook, HookKind};
use std::path::{Path, PathBuf};

/// What runs for a hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// A WebAssembly module (its path on this machine), run in-process.
    Wasm(PathBuf),
    /// A program (its path in the unit), run as a process in the unit.
    Process(PathBuf),
    /// No hook file: nothing runs, and that counts as success.
    Missing,
    /// A hook file that is not executable (its path in the formula): a failure.
    NotExecutable(PathBuf),
}

/// What runs for `run`: a `juju exec` shell is bash; else the formula's WebAssembly module,
/// unless `native` (run native hooks) or a person's shell opens instead; else what Juju
/// would run.
pub fn resolve(run: &HookRun, native: bool) -> Program {
    let wasm = if native || run.shell { None } else { wasm_module(run.places, run.hook) };
    if let Some(module) = wasm {
        return Program::Wasm(module);
    }
    if run.hook.kind == HookKind::Exec {
        return Program::Process(PathBuf::from("/bin/bash"));
    }
    hook_program(run.places, run.hook)
}

/// The program Juju would run for `hook`: an executable `dispatch`, else `hooks/<name>` or
/// `actions/<name>` (a missing hook is skipped; a present, non-executable one fails).
fn hook_program(places: &UnitPlaces, hook: &Hook) -> Program {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let dispatch = places.charm_dir_host.join("dispatch");
    if executable(&dispatch) {
        return Program::Process(places.charm_dir.join("dispatch"));
    }
    let relative = hook.dispatch_path();
    let host = places.charm_dir_host.join(&relative);
    if std::fs::metadata(&host).is_err() {
        return Program::Missing;
    }
    if !executable(&host) {
        return Program::NotExecutable(PathBuf::from(relative));
    }
    Program::Process(places.charm_dir.join(relative))
}

/// The WebAssembly module Juju's `dispatch` would correspond to: `dispatch.wasm`, else
/// `hooks/<name>.wasm` (or `actions/<name>.wasm`).
fn wasm_module(places: &UnitPlaces, hook: &Hook) -> Option<PathBuf> {
    let dispatch = places.charm_dir_host.join("dispatch.wasm");
    if dispatch.is_file() {
        return Some(dispatch);
    }
    let own = places.charm_dir_host.join(format!("{}.wasm", hook.dispatch_path()));
    own.is_file().then_some(own)
}
