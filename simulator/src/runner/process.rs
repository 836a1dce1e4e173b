//! A hook as a process in its unit, started through the backend, while the engine answers its
//! hook tool calls.
//!
//! The engine waits on the hook-tool server ([`ToolServer::next`]), which gives it each call
//! and the process's end: calls are answered one at a time, as Juju's jujuc server does, and
//! the exit is noticed without polling. A hook that runs past its timeout, or writes more than
//! [`OUTPUT_LIMIT`] to its stdout or stderr (held in memory), is killed (its process group,
//! and what the backend knows of it).

use super::stream::{Follower, LineSink};
use super::{shell, HookRun, Outcome, Ran, MAX_OUTPUT, OUTPUT_LIMIT};
use crate::backend::{Backend, Capture, ProcessSpec};
use crate::error::SimError;
use crate::hook_context::SimContext;
use crate::server::{HookProcess, ServerEvent, ToolServer};
use crate::wire::Response;
use std::path::Path;
use std::time::{Duration, Instant};

/// How often a running hook's output is measured against [`OUTPUT_LIMIT`].
const OUTPUT_CHECK: Duration = Duration::from_millis(200);

/// A hook process that started, for [`serve`].
pub struct Running {
    spec: ProcessSpec,
    process: HookProcess,
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

/// Whether a hook process started.
pub enum Started {
    /// It runs; serve its tool calls until it exits.
    Running(Running),
    /// It could not start (the hook failed: [`Outcome::SpawnFailed`]).
    Failed(Outcome),
}

/// Starts `program` (its path in the unit) for `run` in its unit, or a person's shell in its
/// place when `run.shell`. An error (output that cannot be captured) stops the run.
pub fn start(run: &HookRun, program: &Path, backend: &mut dyn Backend) -> Result<Started, SimError> {
    let capture = |name| Capture::new(name).map_err(|e| SimError(format!("cannot capture the hook's output: {e}")));
    let spec = if run.shell {
        shell::debug_shell(run.unit, &run.hook.name(), program, run.env.clone(), run.places)
    } else {
        ProcessSpec {
            program: program.to_path_buf(),
            // A `juju exec` command runs under bash, as Juju's `juju-exec` runs it.
            args: run.hook.command.iter().flat_map(|c| ["-c".to_string(), c.clone()]).collect(),
            env: run.env.clone(),
            cwd: run.places.charm_dir.clone(),
            stdout: capture("stdout")?,
            stderr: capture("stderr")?,
        }
    };
    match backend.spawn(run.unit, &spec) {
        Ok(child) => Ok(Started::Running(Running { spec, process: HookProcess::new(child) })),
        Err(e) => Ok(Started::Failed(Outcome::SpawnFailed(e.to_string()))),
    }
}

/// Answers the tool calls of the running hook from `ctx` until it exits, or kills it at its
/// timeout; `follower`, when given, is handed the hook's output as it is written.
pub fn serve(
    run: &HookRun,
    running: Running,
    backend: &mut dyn Backend,
    server: &mut ToolServer,
    mut ctx: SimContext,
    mut follower: Option<Follower<'_>>,
) -> Ran {
    let (unit, Running { spec, mut process }) = (run.unit, running);
    let pid = process.id();
    // A debugging session takes the time it takes.
    let timeout = if run.shell { Duration::from_secs(100 * 365 * 86_400) } else { run.timeout };
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let mut killed = false;
    let mut calls = Vec::new();
    let mut malformed = Vec::new();
    let mut waiting_until = deadline;
    let over_output = || spec.stdout.written().max(spec.stderr.written()) > OUTPUT_LIMIT;
    let mut output_stopped = false;
    let code = loop {
        let every = if follower.is_some() { FOLLOW_EVERY } else { OUTPUT_CHECK };
        let event = server.next(&mut process, waiting_until.min(Instant::now() + every));
        if let Some(follower) = follower.as_mut() {
            follower.pump();
        }
        match event {
            ServerEvent::Call(request, reply) => {
                let within = waiting_until.saturating_duration_since(Instant::now());
                // A call with another hook's context id (a daemon an earlier hook left, a
                // tool of a killed hook still in flight) is answered as Juju answers it, and
                // is not this hook's call.
                if request.context != run.context_id {
                    let stderr = format!("ERROR bad request: wrong context ID; got {:?}\n", request.context);
                    reply.send(&Response { code: 1, stdout: Vec::new(), stderr: stderr.into_bytes() }, within);
                    continue;
                }
                let stdin = request.has_stdin.then_some(request.stdin.as_slice());
                let response = match crate::tools::run_request(&request.tool, &request.args, stdin, &mut ctx) {
                    Ok(output) => Response { code: output.code, stdout: output.stdout, stderr: output.stderr },
                    // The client sends the call again with its standard input.
                    Err(crate::tools::NeedsStdin) => Response { code: crate::wire::NEEDS_STDIN, ..Response::default() },
                };
                if response.code == crate::wire::NEEDS_STDIN {
                    reply.send(&response, within);
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
                reply.send(&response, within);
            }
            ServerEvent::Malformed(what) => malformed.push(what),
            ServerEvent::Exited(code) => break code,
            // A look at the output, or the deadline; once the hook is killed, up to 10 s for
            // its end.
            ServerEvent::TimedOut => {
                let stopping = timed_out || output_stopped;
                if !stopping && over_output() {
                    output_stopped = true;
                } else if Instant::now() < waiting_until {
                    continue;
                } else if !stopping {
                    timed_out = true;
                } else {
                    break 137;
                }
                backend.kill_hook(unit, pid);
                waiting_until = Instant::now() + Duration::from_secs(10);
            }
        }
    };
    if let Some(follower) = follower {
        follower.finish();
    }
    // A hook that wrote past the limit and ended before it was measured fails all the same.
    let output_stopped = output_stopped || (!timed_out && over_output());
    backend.hook_ended(unit, timed_out || output_stopped);
    let outcome = match () {
        _ if output_stopped => Outcome::OverOutput,
        _ if timed_out => Outcome::Timeout(run.timeout),
        _ => Outcome::Exit(code),
    };
    let (stdout, stderr) = (spec.stdout.text(MAX_OUTPUT), spec.stderr.text(MAX_OUTPUT));
    Ran { outcome, stdout, stderr, fuel: None, calls, malformed, ctx: Some(ctx), shell: run.shell }
}
