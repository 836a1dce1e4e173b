//! `juju ssh` and `juju scp`: into a unit's machine, as Juju's ssh lands in a unit's machine.
//!
//! The controller resolves the target (a unit, `app/leader`, or a machine id as `juju status`
//! shows it) to the backend's way into the unit's machine ([`UnitEntry`]: the namespaces of
//! an `ns` unit, the directory of a `host` unit, `lxc exec` for `lxd`) and leaves the rest to
//! the client ([`ClientWork`]), which has the terminal and the files: it starts bash in the
//! machine with its own standard streams, so that the remote command's exit code is its own,
//! and a shell without a command is interactive when its standard input is a terminal. `scp`
//! streams each file (`cat`) or directory (`tar`) from one end to the other.

use super::args::{switch, value, Flag, Parsed};
use super::{parse, Call};
use crate::controller::model::State;
use crate::controller::wire::{ClientWork, Place, Reply};
use simulator::backend::UnitEntry;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};

/// The flags `juju ssh` and `juju scp` share.
const FLAGS: &[Flag] =
    &[value(&["container"]), switch(&["no-host-key-checks"]), switch(&["proxy"]), switch(&["pty"]), value(&["via"])];

/// OpenSSH's options that take a value (`-i key`), skipped after the target.
const SSH_OPTIONS_WITH_VALUE: &str = "BbcDEeFIiJLlmOoPpRSWw";

/// `juju ssh [options] TARGET [ssh options] [COMMAND…]`.
pub fn ssh(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let (flags, rest) = split_leading_flags(argv, FLAGS);
    let parsed = parse("ssh", flags, FLAGS)?;
    let Some((target, rest)) = rest.split_first() else {
        return Err(Reply::usage("no target name specified"));
    };
    let command = skip_ssh_options(rest);
    let command = (!command.is_empty()).then(|| command.join(" "));
    let entry = entry_of(call, &parsed, target)?;
    Ok(Reply { then: Some(Box::new(ClientWork::Ssh { entry, command })), ..Reply::default() })
}

/// `juju scp [options] SOURCE… DESTINATION`, each `[user@]TARGET:PATH` or a local path; `-r`
/// (after `--`) copies directories.
pub fn scp(call: &Call, argv: &[String]) -> Result<Reply, Reply> {
    let parsed = parse("scp", argv, FLAGS)?;
    let recursive = parsed.args.iter().any(|a| a.starts_with('-') && a[1..].contains('r') && !a.starts_with("--"));
    let paths = skip_ssh_options(&parsed.args);
    if paths.len() < 2 {
        return Err(Reply::usage("at least two arguments required"));
    }
    let mut places = Vec::new();
    for path in paths {
        places.push(match path.split_once(':') {
            Some((target, inside)) if looks_like_target(target) => {
                let inside = if inside.is_empty() { ".".to_string() } else { inside.to_string() };
                Place::Unit { entry: entry_of(call, &parsed, target)?, path: inside }
            }
            _ => Place::Local { path: call.path(path).to_string_lossy().into_owned() },
        });
    }
    let Some(to) = places.pop() else { return Err(Reply::usage("at least two arguments required")) };
    let copies = places.into_iter().map(|from| (from, to.clone())).collect();
    Ok(Reply { then: Some(Box::new(ClientWork::Scp { copies, recursive })), ..Reply::default() })
}

/// Whether `text` (before a `:`) names a unit or machine: `[user@]app/N`, `app/leader`, `N`.
fn looks_like_target(text: &str) -> bool {
    let target = text.rsplit_once('@').map_or(text, |(_, t)| t);
    let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    match target.split_once('/') {
        Some((app, n)) => name_ok(app) && (n == "leader" || (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))),
        None => name_ok(target),
    }
}

/// Juju's ssh takes its own flags before the target only: everything after it is the
/// command's (or OpenSSH's).
fn split_leading_flags<'a>(argv: &'a [String], flags: &[Flag]) -> (&'a [String], &'a [String]) {
    let takes_value = |name: &str| {
        flags.iter().chain(super::args::COMMON).any(|f| f.value && f.names.contains(&name)) && !name.contains('=')
    };
    let mut i = 0;
    while i < argv.len() {
        let arg = &argv[i];
        if arg == "--" {
            return (&argv[..i], &argv[i + 1..]);
        }
        let Some(name) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')).filter(|n| !n.is_empty()) else {
            break;
        };
        i += if takes_value(name) { 2 } else { 1 };
    }
    let i = i.min(argv.len());
    (&argv[..i], &argv[i..])
}

/// The arguments after OpenSSH's options (`-i key -o X=y`), which the simulator has no use for.
fn skip_ssh_options(args: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if arg == "--" {
            return &args[i + 1..];
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else { break };
        let last = letters.chars().last().unwrap_or(' ');
        let takes_value = letters.len() == 1 && SSH_OPTIONS_WITH_VALUE.contains(last);
        i += if takes_value { 2 } else { 1 };
    }
    &args[i.min(args.len())..]
}

/// The way into the machine of `target`: a unit (`app/N`, `app/leader`) or a machine id, with
/// an optional `user@`.
fn entry_of(call: &Call, parsed: &Parsed, target: &str) -> Result<UnitEntry, Reply> {
    let target = target.rsplit_once('@').map_or(target, |(_, t)| t).to_string();
    let handle = call.model(parsed)?;
    handle
        .run(move |state: &mut State| -> Result<UnitEntry, String> {
            let unit = resolve_target(state, &target)?;
            state.sim.backend().entry(&unit).ok_or_else(|| format!("unit {unit:?} has no running machine"))
        })
        .map_err(|e| Reply::error(format!("{e:#}")))?
        .map_err(Reply::error)
}

/// The unit `target` names: a unit, `app/leader`, or the principal unit on machine `N`.
pub fn resolve_target(state: &State, target: &str) -> Result<String, String> {
    let model = &state.sim.model;
    if !target.is_empty() && target.chars().all(|c| c.is_ascii_digit()) {
        return state.keeper.unit_on_machine(target).ok_or_else(|| format!("machine {target} not found"));
    }
    if let Some(app) = target.strip_suffix("/leader") {
        let a = model.apps.get(app).ok_or_else(|| super::apps::app_not_found(app))?;
        return a.leader.clone().ok_or_else(|| format!("could not determine leader for {app:?}"));
    }
    if model.units.contains_key(target) {
        Ok(target.to_string())
    } else if target.contains('/') {
        Err(format!("unit {target:?} not found"))
    } else {
        Err(format!("invalid target {target:?}: not a unit or a machine"))
    }
}

/// The client's side: does `work` and returns its exit code.
pub fn run_client_work(work: &ClientWork) -> ExitCode {
    let code = match work {
        ClientWork::Ssh { entry, command } => ssh_session(entry, command.as_deref()),
        ClientWork::Scp { copies, recursive } => {
            copies.iter().try_for_each(|(from, to)| copy(from, to, *recursive)).map(|()| 0).unwrap_or_else(|e| {
                eprintln!("ERROR {e}");
                1
            })
        }
        ClientWork::Follow { .. } => {
            eprintln!("ERROR following the log is done by the debug-log client");
            1
        }
    };
    ExitCode::from(code)
}

/// Runs `command` with bash in the machine (or an interactive login shell); its exit code.
fn ssh_session(entry: &UnitEntry, command: Option<&str>) -> u8 {
    let argv: Vec<String> = match command {
        Some(command) => vec!["/bin/bash".into(), "-c".into(), command.into()],
        None => vec!["/bin/bash".into(), "-l".into()],
    };
    let child = spawn_in(entry, &argv, Stdio::inherit(), Stdio::inherit());
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!("ERROR cannot enter the unit's machine: {e}");
            return 255;
        }
    };
    // As a shell does while its command runs: Ctrl-C is the command's to take.
    ignore_interrupts();
    exit_code(child.wait())
}

/// Copies `from` to `to`: a file with `cat`, a directory (`recursive`) with `tar`, as a
/// stream from a process at one end to a process at the other.
fn copy(from: &Place, to: &Place, recursive: bool) -> Result<(), String> {
    let source = path_of(from);
    let name = Path::new(source.trim_end_matches('/')).file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| ".".into());
    let sh = |script: &str, args: &[&str]| -> Vec<String> {
        let mut argv = vec!["/bin/sh".to_string(), "-c".into(), script.into(), "sh".into()];
        argv.extend(args.iter().map(|a| a.to_string()));
        argv
    };
    let (reader, writer) = if recursive {
        (
            sh(r#"cd "$(dirname "$1")" && exec tar -cf - "$(basename "$1")""#, &[source]),
            sh(
                r#"if [ -d "$1" ]; then exec tar -C "$1" -xf -; else mkdir -p "$1" && exec tar -C "$1" --strip-components=1 -xf -; fi"#,
                &[path_of(to)],
            ),
        )
    } else {
        (
            sh(r#"if [ -d "$1" ]; then echo "$1: not a regular file" >&2; exit 1; fi; exec cat -- "$1""#, &[source]),
            sh(r#"d="$1"; if [ -d "$d" ]; then d="$d/$2"; fi; exec cat > "$d""#, &[path_of(to), &name]),
        )
    };
    let mut read = spawn_at(from, &reader, Stdio::null(), Stdio::piped()).map_err(|e| e.to_string())?;
    let pipe = read.stdout.take().ok_or("no pipe from the source")?;
    let mut write = spawn_at(to, &writer, Stdio::from(pipe), Stdio::inherit()).map_err(|e| e.to_string())?;
    let (read, write) = (exit_code(read.wait()), exit_code(write.wait()));
    if read != 0 || write != 0 {
        return Err(format!("cannot copy {source} to {}", path_of(to)));
    }
    Ok(())
}

fn path_of(place: &Place) -> &str {
    match place {
        Place::Local { path } | Place::Unit { path, .. } => path,
    }
}

/// Starts `argv` at `place`: on this machine, or in a unit's.
fn spawn_at(place: &Place, argv: &[String], stdin: Stdio, stdout: Stdio) -> std::io::Result<Child> {
    match place {
        Place::Local { .. } => Command::new(&argv[0]).args(&argv[1..]).stdin(stdin).stdout(stdout).spawn(),
        Place::Unit { entry, .. } => spawn_in(entry, argv, stdin, stdout),
    }
}

/// Starts `argv` in the machine `entry` leads into, in its home, with a login's environment.
fn spawn_in(entry: &UnitEntry, argv: &[String], stdin: Stdio, stdout: Stdio) -> std::io::Result<Child> {
    let term = std::env::var("TERM").unwrap_or_else(|_| "dumb".into());
    match entry {
        UnitEntry::Namespaces { pid, start_time, home } => {
            let mut command = Command::new(&argv[0]);
            command.args(&argv[1..]).env_clear().stdin(stdin).stdout(stdout).envs([
                ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ("HOME", &home.to_string_lossy()),
                ("USER", "root"),
                ("LOGNAME", "root"),
                ("SHELL", "/bin/bash"),
                ("LANG", "C.UTF-8"),
                ("TERM", &term),
            ]);
            simulator::backend::ns::spawn_in_machine(*pid, *start_time, home, &mut command)
        }
        UnitEntry::Directory { dir, home } => Command::new(&argv[0])
            .args(&argv[1..])
            .current_dir(dir)
            .env("HOME", home)
            .stdin(stdin)
            .stdout(stdout)
            .spawn(),
        UnitEntry::Command { prefix } => {
            let Some((program, args)) = prefix.split_first() else {
                return Err(std::io::Error::other("no way into the unit"));
            };
            Command::new(program).args(args).args(argv).stdin(stdin).stdout(stdout).spawn()
        }
    }
}

/// Ignores SIGINT and SIGQUIT in this process (the command it waits for gets them).
fn ignore_interrupts() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: setting a signal to be ignored installs no handler code.
    unsafe {
        let _ = signal(Signal::SIGINT, SigHandler::SigIgn);
        let _ = signal(Signal::SIGQUIT, SigHandler::SigIgn);
    }
}

/// A process's end as an exit code: its own, or 128 + the signal that killed it.
fn exit_code(status: std::io::Result<std::process::ExitStatus>) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => code.clamp(0, 255) as u8,
            (None, Some(signal)) => (128 + signal).clamp(0, 255) as u8,
            _ => 255,
        },
        Err(_) => 255,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn ssh_flags_stop_at_the_target() {
        let argv = strings("-m dev --no-host-key-checks kv/0 -i key ls -l");
        let (flags, rest) = split_leading_flags(&argv, FLAGS);
        assert_eq!(flags, strings("-m dev --no-host-key-checks"));
        assert_eq!(rest, strings("kv/0 -i key ls -l"));
        assert_eq!(skip_ssh_options(&rest[1..]), strings("ls -l"));
        let argv = strings("kv/0 -- -x");
        assert_eq!(skip_ssh_options(&split_leading_flags(&argv, FLAGS).1[1..]), strings("-x"));
    }
}
