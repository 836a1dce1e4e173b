//! A hook as a process in its unit, started through the backend, while the engine answers its
//! hook tool calls.
//!
//! The engine waits on one channel: the hook-tool server hands it each call, and a thread that
//! waits for the process sends its exit on the same channel, so calls are answered one at a
//! time, as Juju's jujuc server does, and the exit is noticed without polling. A hook that runs
//! past its timeout is killed (its process group, and what the backend knows of it).

use super::stream::{Follower, LineSink};
use super::{shell, HookRun, Outcome, Ran, MAX_OUTPUT};
use crate::backend::{Backend, Capture, ProcessSpec};
use crate::error::SimError;
use crate::hook_context::SimContext;
use crate::server::{ServerEvent, ToolServer};
use crate::wire::Response;
use std::path::Path;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// A hook process that started, for [`serve`].
pub struct Running {
    spec: ProcessSpec,
    pid: u32,
}

/// Whether a hook process started.
pub enum Started {
    /// It runs; serve its tool calls until it exits.
    Running(Running),
    /// It could not start (the hook failed: [`Outcome::SpawnFailed`]).
    Failed(Outcome),
}

impl Running {
    /// A follower of the hook's output, for [`serve`] to read as the hook writes it (nothing
    /// for a person's shell, whose output is the terminal).
    pub fn follow<'s>(&self, unit: &str, hook: &str, sink: LineSink<'s>) -> Follower<'s> {
        Follower::new(unit, hook, &self.spec.stdout, &self.spec.stderr, sink)
    }
}

/// How often the output of a followed hook is read while it runs.
const FOLLOW_EVERY: Duration = Duration::from_millis(100);

/// Starts `program` (its path in the unit) for `run` in its unit, or a person's shell in its
/// place when `run.shell`; its exit will come through `server`'s channel. An error (output
/// that cannot be captured, no thread to wait with) stops the run.
pub fn start(
    run: &HookRun,
    program: &Path,
    backend: &mut dyn Backend,
    server: &ToolServer,
) -> Result<Started, SimError> {
    let capture = |name| Capture::new(name).map_err(|e| SimError(format!("cannot capture the hook's output: {e}")));
    let spec = if run.shell {
        shell::debug_shell(run.unit, &run.hook.name(), program, run.env.clone(), run.places)
    } else {
        ProcessSpec {
            program: program.to_path_buf(),
            args: Vec::new(),
            env: run.env.clone(),
            cwd: run.places.charm_dir.clone(),
            stdout: capture("stdout")?,
            stderr: capture("stderr")?,
        }
    };
    let mut child = match backend.spawn(run.unit, &spec) {
        Ok(child) => child,
        Err(e) => return Ok(Started::Failed(Outcome::SpawnFailed(e.to_string()))),
    };
    let pid = child.id();
    let serial = run.serial;
    let sender = server.sender.clone();
    std::thread::Builder::new()
        .name("hook-waiter".into())
        .spawn(move || {
            let code = match child.wait() {
                Ok(status) => {
                    use std::os::unix::process::ExitStatusExt;
                    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
                }
                Err(_) => 255,
            };
            let _ = sender.send(ServerEvent::Exited(serial, code));
        })
        .map_err(|e| SimError(format!("cannot wait for the hook: {e}")))?;
    Ok(Started::Running(Running { spec, pid }))
}

/// Answers the tool calls of the running hook from `ctx` until it exits, or kills it at its
/// timeout; `follower`, when given, is handed the hook's output as it is written.
pub fn serve(
    run: &HookRun,
    running: Running,
    backend: &mut dyn Backend,
    server: &ToolServer,
    mut ctx: SimContext,
    mut follower: Option<Follower<'_>>,
) -> Ran {
    let (unit, serial, Running { spec, pid }) = (run.unit, run.serial, running);
    // A debugging session takes the time it takes.
    let timeout = if run.shell { Duration::from_secs(100 * 365 * 86_400) } else { run.timeout };
    // The hook's end: its timeout, then (once killed) the time it gets to go.
    let mut deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let mut killed = false;
    let mut calls = Vec::new();
    let code = loop {
        let mut wait = deadline.saturating_duration_since(Instant::now());
        if follower.is_some() {
            wait = wait.min(FOLLOW_EVERY);
        }
        let event = server.events.recv_timeout(wait);
        if let Some(follower) = follower.as_mut() {
            follower.pump();
        }
        match event {
            Ok(ServerEvent::Call(request, reply)) => {
                let response = if request.context != run.context_id {
                    Response {
                        code: 1,
                        stdout: Vec::new(),
                        stderr: format!("ERROR bad request: wrong context ID; got {:?}\n", request.context)
                            .into_bytes(),
                    }
                } else {
                    let stdin = request.has_stdin.then_some(request.stdin.as_slice());
                    match crate::tools::run_request(&request.tool, &request.args, stdin, &mut ctx) {
                        Ok(output) => Response { code: output.code, stdout: output.stdout, stderr: output.stderr },
                        // The client sends the call again with its standard input.
                        Err(crate::tools::NeedsStdin) => {
                            Response { code: crate::wire::NEEDS_STDIN, ..Response::default() }
                        }
                    }
                };
                if response.code == crate::wire::NEEDS_STDIN {
                    let _ = reply.send(response);
                    continue;
                }
                calls.push((request.tool.clone(), request.args.clone(), response.clone()));
                // `juju-reboot --now`, or a failure injected at this call: the hook's process
                // dies in the call, before its answer, as Juju kills it from the tool; so
                // nothing after the call runs, whatever the timing.
                let injected = run.kill_after_calls.is_some_and(|n| calls.len() as u64 == u64::from(n));
                if !killed && (ctx.reboot_now() || injected) {
                    killed = true;
                    backend.kill_hook(unit, pid);
                }
                let _ = reply.send(response);
            }
            Ok(ServerEvent::Exited(s, code)) if s == serial => break code,
            Ok(ServerEvent::Exited(..)) => {}
            // Only a look at the output; the hook has time left.
            Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
            Err(_) if !timed_out => {
                timed_out = true;
                backend.kill_hook(unit, pid);
                deadline = Instant::now() + Duration::from_secs(10);
            }
            Err(_) => break 137,
        }
    };
    if let Some(follower) = follower {
        follower.finish();
    }
    backend.hook_ended(unit, timed_out);
    let outcome = if timed_out { Outcome::Timeout(run.timeout) } else { Outcome::Exit(code) };
    let (stdout, stderr) = (spec.stdout.text(MAX_OUTPUT), spec.stderr.text(MAX_OUTPUT));
    Ran { outcome, stdout, stderr, fuel: None, calls, ctx: Some(ctx), shell: run.shell }
}
