//! One program, many hooks: the entry point that picks the function for the hook being run.

use crate::{Error, Hook};
use std::process::ExitCode;

/// A hook's function.
pub type HookFn = fn(&mut Hook) -> Result<(), Error>;

/// The argument with which the program lists the hooks it handles, one per line, and
/// exits (`formula build` uses it to make `hooks/<name>` links to `dispatch`).
pub const HOOKS_FLAG: &str = "--formula-hooks";

/// The hook (or action) being run: from `JUJU_DISPATCH_PATH` (`hooks/install`,
/// `actions/backup`), as Juju sets it for `dispatch`; else from the name the program was
/// called by (a `hooks/install` link to it, as Juju before `dispatch` ran hooks).
pub fn hook_name(dispatch_path: Option<&str>, argv0: Option<&str>) -> Option<String> {
    let path = dispatch_path.filter(|p| !p.is_empty()).or(argv0)?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name.strip_suffix(".wasm").unwrap_or(name);
    (!name.is_empty()).then(|| name.to_string())
}

/// Hook names and their functions; [`Dispatcher::run`] calls the one for the current hook.
#[derive(Default)]
pub struct Dispatcher {
    hooks: Vec<(String, HookFn)>,
}

impl Dispatcher {
    /// No hooks yet.
    pub fn new() -> Dispatcher {
        Dispatcher::default()
    }

    /// Runs `function` for the hook (or action) `name`; a later registration of the same
    /// name replaces the earlier one.
    pub fn on(mut self, name: &str, function: HookFn) -> Dispatcher {
        self.hooks.retain(|(n, _)| n != name);
        self.hooks.push((name.to_string(), function));
        self
    }

    /// The names registered, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.hooks.iter().map(|(n, _)| n.as_str())
    }

    /// Runs the hook this process was started for: a hook without a function succeeds
    /// doing nothing (as a missing hook file does); a function's error is printed to stderr
    /// and the hook exits 1, so that Juju (or the simulator) discards its writes.
    pub fn run(self) -> ExitCode {
        let mut args = std::env::args();
        let argv0 = args.next();
        if args.next().as_deref() == Some(HOOKS_FLAG) {
            for name in self.names() {
                println!("{name}");
            }
            return ExitCode::SUCCESS;
        }
        let dispatch_path = std::env::var("JUJU_DISPATCH_PATH").ok();
        let Some(name) = hook_name(dispatch_path.as_deref(), argv0.as_deref()) else {
            eprintln!("ERROR no hook to run: JUJU_DISPATCH_PATH is not set");
            return ExitCode::FAILURE;
        };
        let Some(function) = self.hooks.iter().find(|(n, _)| *n == name).map(|(_, f)| *f) else {
            return ExitCode::SUCCESS;
        };
        let mut hook = Hook::from_env(&name);
        match function(&mut hook) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ERROR {name}: {e}");
                ExitCode::FAILURE
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dispatch_path_names_the_hook() {
        assert_eq!(hook_name(Some("hooks/install"), Some("/c/dispatch")).as_deref(), Some("install"));
        assert_eq!(hook_name(Some("actions/backup"), None).as_deref(), Some("backup"));
        assert_eq!(hook_name(Some(""), Some("/c/hooks/db-relation-joined")).as_deref(), Some("db-relation-joined"));
        assert_eq!(hook_name(None, Some("/c/dispatch.wasm")).as_deref(), Some("dispatch"));
        assert_eq!(hook_name(None, None), None);
    }

    #[test]
    fn a_later_registration_replaces_an_earlier_one() {
        fn a(_: &mut Hook) -> Result<(), Error> {
            Ok(())
        }
        let d = Dispatcher::new().on("install", a).on("start", a).on("install", a);
        assert_eq!(d.names().collect::<Vec<_>>(), ["start", "install"]);
    }
}
