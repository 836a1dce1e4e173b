//! One hook's path through the engine, from the scheduler's pick to its commit.
//!
//! 1. The uniter prepares it ([`operation::prepare`]: Juju's install status; an action leaves
//!    its queue). An upgrade-charm first gets the new formula into the unit.
//! 2. The scheduler draws its fault and the token of its context id.
//! 3. The `hook` event is traced, with the draws that led to it, and flushed, so that a hook
//!    that hangs leaves the trace up to it on disk.
//! 4. The runner runs it ([`Runner::run`](crate::runner::Runner::run)) with a hook context
//!    that owns the model meanwhile; the engine takes the model back and traces the hook's tool
//!    calls, logs and stub calls.
//! 5. The uniter says how it ends ([`operation::ending`]): its writes commit, or are
//!    discarded and the unit is in error, or the agent restarted under it, or it was an
//!    action; the agent records it and what the commit causes follows
//!    ([`operation::after_commit`]).

use super::{ExecOutput, HookRecord, Sim, SimError};
use crate::backend::UnitPlaces;
use crate::fault::{FailAt, HookFault};
use crate::hook::{Hook, HookKind};
use crate::hook_context::{ActionRun, Buffers, SimContext};
use crate::model::{unit_app, ActionResult, Model, Value};
use crate::runner::{env, stubs, HookRun, Outcome, Ran, ToolCall};
use crate::trace::{self, Event, FaultKind};
use crate::uniter::operation::{self, Ending};
use crate::uniter::{self, Agent, Snapshot};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A hook that ran, on its way to its commit or discard.
struct Ended {
    step: u64,
    unit: String,
    hook: Hook,
    /// Exit 0 or no hook file: it succeeded.
    ok: bool,
    /// How it ended, in words (`ok`, `failed (exit 1)`, …).
    result: String,
    /// Its exit code (0 when no process ran and it succeeded, 1 when it failed otherwise).
    code: i32,
    /// Its output, paths scrubbed.
    stdout: String,
    stderr: String,
    /// The fuel a WebAssembly hook used.
    fuel: Option<u64>,
    /// The writes it buffered.
    buffers: Buffers,
    /// Its action's record, for an action.
    action: ActionRun,
}

impl Ended {
    /// The `exit` event: with the hook's output (not for a shell), and with the fuel a
    /// WebAssembly hook used (not when the agent restarted under it).
    fn exit(&self, output: bool, fuel: bool) -> Event {
        Event::Exit(trace::Exit {
            step: self.step,
            unit: self.unit.clone(),
            hook: self.hook.name(),
            result: self.result.clone(),
            stdout: output.then(|| self.stdout.clone()),
            stderr: output.then(|| self.stderr.clone()),
            fuel: self.fuel.filter(|_| fuel),
        })
    }

    /// The `discard` event.
    fn discard(&self) -> Event {
        Event::Discard(trace::Discard { step: self.step, unit: self.unit.clone(), buffered: !self.buffers.is_empty() })
    }
}

impl Sim {
    /// Runs `hook` on `unit`, derived from `snap`, to its end.
    pub(super) fn run_hook(&mut self, unit: &str, hook: Hook, snap: &Snapshot) -> Result<HookRecord, SimError> {
        let step = self.scheduler.begin_step();
        let name = hook.name();
        let places = self.runner.places(unit).cloned().ok_or_else(|| SimError(format!("unit {unit} has no place")))?;
        let app = self.model.apps.get(unit_app(unit)).ok_or_else(|| SimError(format!("no application for {unit}")))?;
        let (agent, formula_dir) = (env::AgentVersion::of(&app.formula), app.formula_dir.clone());
        if hook.kind == HookKind::UpgradeCharm {
            self.runner.deploy_formula(unit, &formula_dir)?;
        }
        {
            // Where this machine sees a path of the unit: none when it does not (lxd).
            let backend = self.runner.backend();
            let host = |inside: &std::path::Path| backend.shares_files().then(|| backend.host_path(unit, inside));
            prepare_storage(&mut self.model, unit, &places, &host);
            prepare_resources(&mut self.model, unit, &places, &host);
        }
        let action = operation::prepare(&mut self.model, unit, &hook);
        let retry = self.agents.get(unit).is_some_and(|a| a.retry.as_ref() == Some(&hook));
        let fault = self.scheduler.hook_fault(&hook, retry);
        let mut run = HookRun {
            unit,
            hook: &hook,
            places: &places,
            context_id: format!("{unit}-{name}-{}", self.scheduler.token()),
            env: BTreeMap::new(),
            timeout: self.cfg.hook_timeout,
            fuel: self.cfg.hook_fuel,
            memory: self.cfg.hook_memory,
            // A shell (`formula shell`, `--debug-hooks`) is a process even in a WebAssembly formula.
            shell: (hook.kind == HookKind::Exec && hook.command.is_none())
                || self.cfg.debug_hooks.iter().any(|d| d.matches(unit, &name)),
            kill_after_calls: match fault {
                Some(HookFault::Fail(FailAt::AfterCalls(n))) => Some(n),
                _ => None,
            },
        };
        run.env = env::hook_env(&run, &self.runner.site(&self.model.name, &self.model.uuid), agent);
        if let Some(principal) = self.model.units.get(unit).and_then(|u| u.principal.clone()) {
            // A subordinate's hooks are told their principal (spec §5); the 2011 agent,
            // which had no subordinates, set no JUJU_* variable.
            if agent == env::AgentVersion::Juju {
                run.env.insert("JUJU_PRINCIPAL_UNIT".into(), principal);
            }
        }
        self.trace_start(step, &run, fault);
        let cached = self.stale_reads(step, unit, &hook, fault);
        // A faulted hook leaves a `fail-next-hook` for its retry, as it always did.
        let injected = match fault {
            Some(HookFault::Fail(at)) => at == FailAt::Start,
            _ => self.scheduler.take_injected_failure(unit, &name),
        };
        let mut action = ActionRun { action, ..ActionRun::default() };
        // Where this machine sees the unit's root, for files the hook names to its tools.
        let unit_root = {
            let backend = self.runner.backend();
            backend.shares_files().then(|| backend.host_path(unit, Path::new("/")))
        };
        let ran = if injected {
            Ran::unrun(Outcome::Injected)
        } else {
            let (model, agents) = (&mut self.model, &self.agents);
            let context = || {
                let mut context = hook_context(model, agents, &run, &mut action);
                context.serve_cached(cached);
                context.unit_root = unit_root.clone();
                context
            };
            let output = self.on_output.as_mut().map(|f| f.as_mut() as crate::runner::stream::LineSink<'_>);
            self.runner.run(&run, self.cfg.native_hooks, context, output)?
        };
        if ran.shell {
            self.recorder.emit(Event::DebugHooks(trace::DebugHooks {
                step,
                unit: unit.to_string(),
                hook: name.clone(),
            }));
        }
        let calls_made = ran.calls.len();
        for what in &ran.malformed {
            let hook = name.clone();
            self.malformed.push(format!("{unit} {hook}: {what}"));
            let (unit, what) = (unit.to_string(), self.recorder.scrub(what));
            self.recorder.emit(Event::Malformed(trace::Malformed { step, unit, hook, what }));
        }
        let mut buffers = Buffers::default();
        if let Some(ctx) = ran.ctx {
            let (left, action_left) = self.take_back(step, &hook, ctx, ran.calls);
            buffers = left;
            if let Some(left) = action_left {
                action = left;
            }
        }
        for (command, args) in stubs::take_calls(&places) {
            let args = args.iter().map(|a| self.recorder.scrub(a)).collect();
            self.recorder.emit(Event::Stub(trace::Stub { step, unit: unit.to_string(), command, args }));
        }
        // A failure injected during or after the hook: it ran (its files stay), and it failed.
        let ok = ran.outcome.ok() && !matches!(fault, Some(HookFault::Fail(_)));
        // The words say interrupted for any hook but an action, a `juju exec` shell too (which
        // commits all the same: [`Ending::Exec`]).
        let interrupted = ok && fault == Some(HookFault::Restart) && !hook.is_action();
        let result = match fault {
            Some(HookFault::Fail(at)) => injected_words(at, calls_made),
            _ if interrupted => "interrupted (agent restarted before the commit; runs again)".to_string(),
            _ => ran.outcome.describe(),
        };
        let (stdout, stderr) = (self.recorder.scrub(&ran.stdout), self.recorder.scrub(&ran.stderr));
        let code = match ran.outcome {
            Outcome::Exit(code) if !matches!(fault, Some(HookFault::Fail(_))) => code,
            _ if ok => 0,
            _ => 1,
        };
        let ended = Ended {
            step,
            unit: unit.to_string(),
            hook,
            ok,
            result,
            code,
            stdout,
            stderr,
            fuel: ran.fuel,
            buffers,
            action,
        };
        Ok(self.conclude(ended, fault, snap))
    }

    /// Traces the start of a hook: the `hook` event with the draws that led to it (then flushed),
    /// and the fault injected into it.
    fn trace_start(&mut self, step: u64, run: &HookRun, fault: Option<HookFault>) {
        let hook = run.hook;
        let event = trace::Hook {
            step,
            unit: run.unit.to_string(),
            hook: hook.name(),
            remote_unit: hook.remote_unit.clone(),
            remote_app: hook.remote_app.clone(),
            relation: hook.relation,
            choices: self.recorder.new_draws(self.scheduler.choices()),
            candidates: self.scheduler.take_candidates(),
            env: run.env.iter().map(|(k, v)| (k.clone(), self.recorder.scrub(v))).collect(),
        };
        self.recorder.emit(Event::Hook(event));
        self.recorder.flush();
        if let Some(fault) = fault {
            let fault = match fault {
                HookFault::Fail(_) => FaultKind::Fail,
                HookFault::Restart => FaultKind::Restart,
            };
            let (unit, hook) = (Some(run.unit.to_string()), Some(hook.name()));
            self.recorder.emit(Event::Fault(trace::Fault { step, fault, unit, hook }));
        }
    }

    /// The members' settings `hook` reads from its unit's cache: none unless the `stale` fault
    /// strikes, which is drawn only when the cache holds something older than the latest
    /// commit (spec §4.3; [`uniter::cache`]). Traced as a `stale` fault.
    fn stale_reads(
        &mut self,
        step: u64,
        unit: &str,
        hook: &Hook,
        fault: Option<HookFault>,
    ) -> BTreeMap<(i64, String), crate::model::Settings> {
        let members = uniter::context::members(self.agents.get(unit), hook);
        let cache = self.caches.entry(unit.to_string()).or_default();
        cache.prepare(&members, hook);
        let runs = !matches!(fault, Some(HookFault::Fail(FailAt::Start)));
        let stale = if runs { cache.stale(&self.model) } else { BTreeMap::new() };
        if stale.is_empty() || !self.scheduler.stale_fault() {
            return BTreeMap::new();
        }
        let (unit, hook) = (Some(unit.to_string()), Some(hook.name()));
        self.recorder.emit(Event::Fault(trace::Fault { step, fault: FaultKind::Stale, unit, hook }));
        stale
    }

    /// Takes the model back from a finished hook's context and traces its tool calls (and
    /// those Juju refuses) and its logs; returns its buffered writes and its action's record.
    fn take_back(
        &mut self,
        step: u64,
        hook: &Hook,
        ctx: SimContext,
        calls: Vec<ToolCall>,
    ) -> (Buffers, Option<ActionRun>) {
        let unit = ctx.unit.clone();
        let members = ctx.members.clone();
        let finished = ctx.finish();
        self.model = finished.model;
        // Juju's cache is not transactional: what the hook read stays, whatever its outcome.
        self.caches.entry(unit.clone()).or_default().record(finished.reads, &members);
        let scrub = |text: &[u8]| self.recorder.scrub(&String::from_utf8_lossy(text));
        let mut events = Vec::new();
        for (tool, args, response) in calls {
            events.push(Event::Tool(trace::Tool {
                step,
                unit: unit.clone(),
                tool: tool.clone(),
                args: args.iter().map(|a| self.recorder.scrub(a)).collect(),
                code: response.code,
                stdout: scrub(&response.stdout),
                stderr: scrub(&response.stderr),
            }));
            let stderr = String::from_utf8_lossy(&response.stderr);
            if let Some(refusal) = crate::misuse::classify(&tool, &args, response.code, &stderr) {
                let call = crate::misuse::RefusedCall { unit: unit.clone(), hook: hook.name(), refusal };
                events.push(Event::Refused(trace::Refused {
                    step,
                    unit: unit.clone(),
                    hook: call.hook.clone(),
                    kind: call.refusal.kind.name().to_string(),
                    what: call.refusal.what.clone(),
                }));
                self.refused.push(call);
            }
        }
        for line in finished.logs {
            events.push(Event::Log(trace::Log { step, unit: unit.clone(), line: self.recorder.scrub(&line) }));
        }
        self.recorder.emit_all(events);
        (finished.buffers, finished.action)
    }

    /// Ends a hook that ran as the uniter's rules say ([`operation::ending`]), and records it.
    fn conclude(&mut self, mut ended: Ended, fault: Option<HookFault>, snap: &Snapshot) -> HookRecord {
        let (step, unit) = (ended.step, ended.unit.clone());
        let keys_written: Vec<String> = ended.buffers.relation.values().flat_map(|c| c.keys().cloned()).collect();
        match operation::ending(&ended.hook, ended.ok, fault, ended.buffers.reboot_now) {
            Ending::Exec => {
                self.recorder.emit(ended.exit(false, false));
                if ended.ok {
                    self.commit(&ended);
                } else {
                    self.recorder.emit(ended.discard());
                }
                self.exec_output =
                    Some(ExecOutput { code: ended.code, stdout: ended.stdout.clone(), stderr: ended.stderr.clone() });
                let Ended { hook, result, ok, .. } = ended;
                let record = HookRecord { step, unit, hook, result, ok, keys_written, output: String::new() };
                // A replay compares the hooks it is told of, `juju exec`s included.
                if let Some(callback) = self.on_hook.as_mut() {
                    callback(&record);
                }
                return record;
            }
            Ending::Action => {
                self.action_result(&mut ended);
                if ended.ok {
                    self.commit(&ended);
                }
            }
            Ending::Interrupted => {
                // The agent restarts: a new context factory, with empty caches.
                self.caches.remove(&unit);
                self.recorder.emit(ended.exit(true, false));
                self.recorder.emit(ended.discard());
                if let Some(agent) = self.agents.get_mut(&unit) {
                    agent.hook_interrupted(&ended.hook);
                }
                ended.ok = false;
            }
            Ending::RebootNow => {
                ended.result = "killed by `juju-reboot --now` (runs again after the reboot)".to_string();
                self.recorder.emit(ended.exit(true, false));
                self.recorder.emit(ended.discard());
                if let Some(agent) = self.agents.get_mut(&unit) {
                    agent.hook_interrupted(&ended.hook);
                }
                ended.ok = false;
                self.reboot(&unit, true);
            }
            Ending::Committed => {
                let changes = ended.buffers.commit(&mut self.model, &unit);
                self.recorder.emit(ended.exit(true, true));
                self.recorder.emit(Event::Commit(trace::Commit { step, unit: unit.clone(), changes }));
                if let Some(agent) = self.agents.get_mut(&unit) {
                    agent.hook_committed(&ended.hook, snap);
                }
                self.after_commit(&unit, &ended.hook);
                // `juju-reboot` without `--now`: the machine reboots once the hook succeeded.
                if ended.buffers.reboot && self.model.units.contains_key(&unit) {
                    self.reboot(&unit, false);
                }
            }
            Ending::Failed => {
                self.recorder.emit(ended.exit(true, true));
                self.recorder.emit(ended.discard());
                if let Some(agent) = self.agents.get_mut(&unit) {
                    agent.hook_failed(&ended.hook);
                }
                if self.model.model_config.automatically_retry_hooks {
                    // Juju's automatic retry: the same hook again after a backoff (spec §6.5).
                    self.start_retry_timer(&unit);
                } else if matches!(fault, Some(HookFault::Fail(_))) {
                    // Without it, the fault stands for an operator's `juju resolve`.
                    let _ = self.resolve(&unit, true);
                }
            }
        }
        let Ended { hook, ok, result, stdout, stderr, .. } = ended;
        let name = hook.name();
        self.hook_count += 1;
        self.hooks_run.entry(unit.clone()).or_default().push(name.clone());
        let remote =
            hook.remote_unit.clone().or_else(|| hook.remote_app.clone()).map(|r| format!(" ({r})")).unwrap_or_default();
        self.recent.push(format!("{unit} {name}{remote}: {result}"));
        if self.recent.len() > 64 {
            self.recent.remove(0);
        }
        let output = if ok { String::new() } else { format!("{stdout}{stderr}") };
        let record = HookRecord { step, unit, hook, result, ok, keys_written, output };
        if let Some(callback) = self.on_hook.as_mut() {
            callback(&record);
        }
        record
    }

    /// The writes of a hook that succeeded reach the model.
    fn commit(&mut self, ended: &Ended) {
        let changes = ended.buffers.commit(&mut self.model, &ended.unit);
        self.recorder.emit(Event::Commit(trace::Commit { step: ended.step, unit: ended.unit.clone(), changes }));
    }

    /// Records the result of the action `ended` ran: in the trace, and with the unit.
    fn action_result(&mut self, ended: &mut Ended) {
        let run = std::mem::take(&mut ended.action);
        let (id, name) = ended.hook.action.clone().unwrap_or_default();
        let (status, message) = operation::action_status(run.failed.as_deref(), ended.ok, &name, &ended.result);
        let mut results = run.results;
        results.insert("stdout".into(), Value::Str(ended.stdout.clone()));
        results.insert("stderr".into(), Value::Str(ended.stderr.clone()));
        self.recorder.emit(Event::ActionResult(trace::ActionResult {
            step: ended.step,
            unit: ended.unit.clone(),
            action: name.clone(),
            id,
            status: status.clone(),
            message: message.clone(),
            results: results.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            log: run.log.clone(),
        }));
        let (code, log) = (ended.code, run.log);
        if let Some(u) = self.model.units.get_mut(&ended.unit) {
            u.action_results.push(ActionResult { id, name, status, message, results, code, log });
        }
    }

    /// What the commit of `hook` causes ([`operation::after_commit`]); a unit that is gone
    /// loses its machine too.
    fn after_commit(&mut self, unit: &str, hook: &Hook) {
        let mut events = Vec::new();
        let gone = operation::after_commit(&mut self.model, &mut self.agents, unit, hook, &mut events);
        if let Some(unit) = &gone {
            self.runner.destroy_unit(unit);
            self.caches.remove(unit);
        }
        self.recorder.emit_all(events);
    }
}

/// How a hook with an injected failure ended, in words: before it started (as the trace has
/// always said it), killed in its Nth tool call, or failed after it ran.
fn injected_words(at: FailAt, calls: usize) -> String {
    match at {
        FailAt::AfterCalls(n) if calls >= n as usize => {
            format!("failed (injected fault: killed in tool call {n}; retried)")
        }
        FailAt::Start => "failed (injected fault; retried)".to_string(),
        FailAt::AfterCalls(_) | FailAt::End => "failed (injected fault: after the hook ran; retried)".to_string(),
    }
}

/// The hook's view of the model for `run`: the model moves into it until the engine takes it
/// back; an action's record moves in too.
fn hook_context(
    model: &mut Model,
    agents: &BTreeMap<String, Agent>,
    run: &HookRun,
    action: &mut ActionRun,
) -> SimContext {
    let (unit, hook) = (run.unit, run.hook);
    let members = uniter::context::members(agents.get(unit), hook);
    let known = uniter::context::known_relations(agents.get(unit), model, hook);
    let broken = uniter::context::broken_relations(agents.get(unit), model, &known);
    let model = std::mem::take(model);
    let action = hook.is_action().then(|| std::mem::take(action));
    let mut context = SimContext::new(model, unit, hook.clone(), &run.places.charm_dir_host, members, known, action);
    context.broken = broken;
    context
}

/// Gives `unit`'s storage instances that have none a location beside its charm directory
/// (`storage/<name>/<N>`), and makes a filesystem's directory where this machine sees the
/// unit's files. Block storage gets a location but no device (not simulated).
fn prepare_storage(model: &mut Model, unit: &str, places: &UnitPlaces, host: &dyn Fn(&Path) -> Option<PathBuf>) {
    let seen = places.charm_dir.parent().unwrap_or(&places.charm_dir).join("storage");
    for instance in model.storage.instances.values_mut().filter(|s| s.unit == unit && s.location.is_empty()) {
        let location = seen.join(&instance.id);
        instance.location = location.to_string_lossy().into_owned();
        if instance.kind == "filesystem" {
            if let Some(here) = host(&location) {
                // A directory that cannot be made shows as the hook's own failure to use it.
                let _ = std::fs::create_dir_all(here);
            }
        }
    }
}

/// Copies the application's attached resources into `unit` as Juju's uniter downloads them
/// (`resources/<name>/<file name>` beside the charm directory), and records where its hooks
/// find them. A unit whose files this machine cannot see (lxd) gets none.
fn prepare_resources(model: &mut Model, unit: &str, places: &UnitPlaces, host: &dyn Fn(&Path) -> Option<PathBuf>) {
    let Some(resources) = model.apps.get(unit_app(unit)).map(|a| a.resources.clone()) else { return };
    let seen = places.charm_dir.parent().unwrap_or(&places.charm_dir).join("resources");
    let Some(u) = model.units.get_mut(unit) else { return };
    u.resources.retain(|name, _| resources.contains_key(name));
    for (name, source) in resources {
        let file = source.file_name().map(|f| f.to_os_string()).unwrap_or_else(|| name.clone().into());
        let inside = seen.join(&name).join(&file);
        let Some(target) = host(&inside) else { continue };
        let copied =
            target.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::copy(&source, &target));
        if copied.is_ok() {
            u.resources.insert(name.clone(), inside.to_string_lossy().into_owned());
        }
    }
}
