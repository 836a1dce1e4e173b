//! A shell for a person in place of a hook: `--debug-hooks` (as `juju debug-hooks`) and
//! `formula shell` (as `juju exec`), on the simulator's terminal, in the hook's directory and
//! environment, with working hook tools.

use crate::backend::{Capture, ProcessSpec, UnitPlaces};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The shell that opens instead of `program` for `hook` on `unit`, and the words that say so.
pub fn debug_shell(
    unit: &str,
    hook: &str,
    program: &Path,
    mut env: BTreeMap<String, String>,
    places: &UnitPlaces,
) -> ProcessSpec {
    use std::io::IsTerminal;
    let relative = program.strip_prefix(&places.charm_dir).unwrap_or(program);
    if hook == "juju-exec" {
        eprintln!(
            "shell: {unit}, in its charm directory, with the hook tools as `juju exec` gives them; \
             what it writes commits when the shell exits 0."
        );
        env.insert("JUJU_HOOK_NAME".into(), String::new());
        env.insert("JUJU_DISPATCH_PATH".into(), String::new());
        env.insert("PS1".into(), format!("[{unit}] \\w$ "));
    } else {
        eprintln!(
            "debug-hooks: {unit} is about to run `{hook}`; a shell opens in its charm directory with the hook's \
             environment and tools. Run ./{} to run the hook; `exit 0` ends the hook well (its writes commit), \
             `exit 1` fails it.",
            relative.display()
        );
        env.insert("PS1".into(), format!("[{unit} {hook}] \\w$ "));
    }
    let interactive = std::io::stdin().is_terminal();
    ProcessSpec {
        program: PathBuf::from("/bin/bash"),
        args: if interactive { vec!["--norc".into(), "-i".into()] } else { vec!["--norc".into(), "-s".into()] },
        env,
        cwd: places.charm_dir.clone(),
        stdout: Capture::terminal(),
        stderr: Capture::terminal(),
    }
}
