//! One hook as an operation of the unit agent, as Juju's `operation/runhook.go` has it: what
//! is done before it runs, how it ends, and what its commit causes in the model.

use super::{scope, status, Agent, Snapshot};
use crate::fault::HookFault;
use crate::hook::{Hook, HookKind};
use crate::model::{Life, Model, PendingAction};
use crate::trace::{self, Event};
use std::collections::BTreeMap;

/// Before `hook` runs on `unit`: `install`, `stop` and `remove` get Juju's status (spec §6.1,
/// `runhook.go` `beforeHook`); an action is taken off the unit's queue (it runs now, whatever
/// its outcome). Returns that action.
pub fn prepare(model: &mut Model, unit: &str, hook: &Hook) -> Option<PendingAction> {
    match hook.kind {
        HookKind::Install => status::installing(model, unit),
        HookKind::Stop => status::stopping(model, unit),
        HookKind::Remove => status::removing(model, unit),
        _ => {}
    }
    let (id, _) = hook.action.as_ref()?;
    let u = model.units.get_mut(unit)?;
    let at = u.actions.iter().position(|a| a.id == *id)?;
    Some(u.actions.remove(at))
}

/// How a hook that ran ends (spec §6.4, failure semantics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// A `juju exec` shell: what it wrote commits when it exits 0; it never puts the unit in
    /// error.
    Exec,
    /// An action: its result never puts the unit in error; what it wrote commits when it
    /// succeeded.
    Action,
    /// The agent restarted before the commit: what the hook wrote is lost and it runs again.
    Interrupted,
    /// It called `juju-reboot --now`: it was killed, what it wrote is lost, the machine
    /// reboots and the same hook runs again (spec §6.5).
    RebootNow,
    /// Exit 0, or no hook file: what it wrote commits and the agent records the hook.
    Committed,
    /// Anything else: what it wrote is discarded and the unit is in error until resolved.
    Failed,
}

/// How `hook` ends, given whether it succeeded (`ok`: exit 0 or missing), the fault
/// injected into it and whether it asked for `juju-reboot --now`.
pub fn ending(hook: &Hook, ok: bool, fault: Option<HookFault>, reboot_now: bool) -> Ending {
    if hook.kind == HookKind::Exec {
        Ending::Exec
    } else if hook.is_action() {
        Ending::Action
    } else if reboot_now {
        Ending::RebootNow
    } else if ok && fault == Some(HookFault::Restart) {
        Ending::Interrupted
    } else if ok {
        Ending::Committed
    } else {
        Ending::Failed
    }
}

/// How the action `name` ended, as `juju run` reports it (status and message): `failed` with
/// `action-fail`'s message (`failed`); else `completed` when it succeeded; else `failed`,
/// saying how it ended (`result`). An action's result never puts the unit in error.
pub fn action_status(failed: Option<&str>, ok: bool, name: &str, result: &str) -> (String, String) {
    match (failed, ok) {
        (Some(m), _) => ("failed".to_string(), m.to_string()),
        (None, true) => ("completed".to_string(), String::new()),
        (None, false) => ("failed".to_string(), format!("action \"{name}\" {result}")),
    }
}

/// What the commit of `hook` on `unit` causes in the model (spec §6.1, §6.2): after
/// `install` the unit enters the scope of its relations; `start`, `stop` and `remove` set
/// Juju's statuses (`runhook.go` `afterHook`); after `-relation-broken` (and a dying peer relation's last `-relation-departed`)
/// the unit leaves that relation's scope; after `remove` it is gone. Returns the unit when it
/// is gone, so that its container can go too.
pub fn after_commit(
    model: &mut Model,
    agents: &mut BTreeMap<String, Agent>,
    unit: &str,
    hook: &Hook,
    events: &mut Vec<Event>,
) -> Option<String> {
    match hook.kind {
        HookKind::Install => scope::enter_after_install(model, unit),
        HookKind::Start => status::started(model, unit),
        HookKind::Stop => status::stopped(model, unit),
        HookKind::RelationBroken => {
            if let Some(id) = hook.relation {
                scope::leave(model, id, unit, events);
            }
        }
        HookKind::RelationDeparted => {
            // A dying unit leaves a peer relation once it departed from every member of it.
            if let (Some(id), Some(agent)) = (hook.relation, agents.get(unit)) {
                let done = agent.relations.get(&id).is_some_and(|r| r.members.is_empty());
                let dying = model.units.get(unit).is_some_and(|u| u.life == Life::Dying)
                    || model.relations.get(&id).is_some_and(|r| r.life == Life::Dying);
                let peer = model.relations.get(&id).is_some_and(|r| r.is_peer());
                if done && dying && peer {
                    if let Some(r) = agents.get_mut(unit).and_then(|a| a.relations.get_mut(&id)) {
                        r.broken = true;
                    }
                    scope::leave(model, id, unit, events);
                }
            }
        }
        HookKind::Remove => {
            status::terminated(model, unit);
            scope::remove_unit(model, agents, unit, events);
            return Some(unit.to_string());
        }
        _ => {}
    }
    None
}

/// What `juju resolved` does to `unit`, in error: with `retry`, the failed hook runs again;
/// without, it counts as done (its commit runs, its writes stay lost). Returns the unit when
/// it is gone (a resolved `remove`). An error when the unit is not in error.
pub fn resolve(
    model: &mut Model,
    agents: &mut BTreeMap<String, Agent>,
    unit: &str,
    retry: bool,
    events: &mut Vec<Event>,
) -> Result<Option<String>, String> {
    let Some(agent) = agents.get_mut(unit) else {
        return Err(format!("unknown unit `{unit}`"));
    };
    let Some(error) = agent.error.take() else {
        return Err(format!("unit `{unit}` is not in error"));
    };
    // A resolve stops the automatic retry and resets its backoff, as Juju's does.
    agent.stop_retry_timer();
    let mut gone = None;
    if retry {
        agent.retry = Some(error.hook.clone());
    } else {
        let snap = agent.snapshot.clone().or_else(|| Snapshot::take(model, unit));
        if let Some(snap) = snap {
            agent.commit(&error.hook, &snap);
        }
        gone = after_commit(model, agents, unit, &error.hook, events);
    }
    let resolved = trace::Resolve { unit: unit.to_string(), retry, hook: error.hook.name() };
    // The resolve is traced after what its commit caused, as it always was.
    events.push(Event::Resolve(resolved));
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::FailAt;

    #[test]
    fn how_a_hook_ends() {
        let install = Hook::unit(HookKind::Install);
        let exec = Hook::unit(HookKind::Exec);
        let action = Hook { action: Some((0, "backup".into())), ..Hook::unit(HookKind::Action) };
        assert_eq!(ending(&install, true, None, false), Ending::Committed);
        assert_eq!(ending(&install, false, None, false), Ending::Failed);
        assert_eq!(ending(&install, false, Some(HookFault::Fail(FailAt::Start)), false), Ending::Failed);
        assert_eq!(ending(&install, true, Some(HookFault::Restart), false), Ending::Interrupted);
        assert_eq!(ending(&install, false, Some(HookFault::Restart), false), Ending::Failed, "a failure is a failure");
        assert_eq!(ending(&action, false, None, false), Ending::Action, "an action never puts the unit in error");
        assert_eq!(ending(&exec, true, Some(HookFault::Restart), false), Ending::Exec);
        assert_eq!(ending(&install, false, None, true), Ending::RebootNow, "killed by its own reboot");
        assert_eq!(ending(&action, true, None, true), Ending::Action, "actions cannot reboot");
    }

    #[test]
    fn an_action_reports_action_fail_first_then_how_it_ended() {
        assert_eq!(action_status(Some("no disk"), true, "backup", "ok"), ("failed".into(), "no disk".into()));
        assert_eq!(action_status(None, true, "backup", "ok"), ("completed".into(), String::new()));
        assert_eq!(
            action_status(None, false, "backup", "failed (exit 1)"),
            ("failed".into(), "action \"backup\" failed (exit 1)".into())
        );
    }
}
