//! Tool calls that Juju refuses, found on every run with no expectation written.
//!
//! The hook tools already answer such a call as Juju does (an `ERROR …` line, exit 1 or 2).
//! A formula may ignore that answer (`leader-set … || true`, a hook without `set -e`) and
//! still exit 0; on a real model its write is lost all the same. So the engine classifies
//! every answered call ([`classify`]) and the run fails on each refusal unless the scenario
//! allows that kind on purpose (`allow-refused:`).
//!
//! The classification reads the error our own tools print (their wording is Juju's, fixed in
//! `tools/`); the unit tests below run the real tools on a context that refuses, so a change
//! of wording there breaks them here.

use std::fmt;

/// The kinds of refused call that fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefusalKind {
    /// A leader-only call by a unit that is not the leader.
    NonLeader,
    /// A relation call on a relation that is gone (or never was), or on a unit that is not
    /// in the relation.
    GoneRelation,
}

impl RefusalKind {
    /// The name scenarios use in `allow-refused:`.
    pub fn name(self) -> &'static str {
        match self {
            RefusalKind::NonLeader => "non-leader",
            RefusalKind::GoneRelation => "gone-relation",
        }
    }

    /// The kind named `name` in `allow-refused:`.
    pub fn parse(name: &str) -> Option<RefusalKind> {
        RefusalKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every kind, in order.
    pub const ALL: [RefusalKind; 2] = [RefusalKind::NonLeader, RefusalKind::GoneRelation];
}

/// One call Juju refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Its kind.
    pub kind: RefusalKind,
    /// The call in plain words, e.g. ``leader-set by a non-leader``.
    pub what: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (refused by Juju)", self.what)
    }
}

/// A refused call with the hook that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedCall {
    /// The unit.
    pub unit: String,
    /// The hook's name.
    pub hook: String,
    /// What was refused.
    pub refusal: Refusal,
}

impl fmt::Display for RefusedCall {
    /// `wiki/1 config-changed: leader-set by a non-leader (refused by Juju)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.unit, self.hook, self.refusal)
    }
}

/// Whether the call of `tool` with `args`, answered with `code` and `stderr`, is one that
/// Juju refuses for one of the reasons of [`RefusalKind`].
pub fn classify(tool: &str, args: &[String], code: i32, stderr: &str) -> Option<Refusal> {
    if code == 0 {
        return None;
    }
    let has_flag = |names: &[&str]| args.iter().any(|a| names.contains(&a.as_str()));
    let non_leader = |what: String| Some(Refusal { kind: RefusalKind::NonLeader, what });
    let gone = |what: String| Some(Refusal { kind: RefusalKind::GoneRelation, what });
    match tool {
        "leader-set" if stderr.contains("not the leader") => non_leader("leader-set by a non-leader".into()),
        "relation-set" if has_flag(&["--app"]) && stderr.contains("cannot write relation settings") => {
            non_leader("relation-set --app by a non-leader".into())
        }
        "status-set" | "status-get" if stderr.contains("this unit is not the leader") => {
            non_leader(format!("{tool} --application by a non-leader"))
        }
        "relation-get"
            if stderr.contains("permission denied") && args.iter().any(|a| a == "--app" || a.starts_with("--app=")) =>
        {
            non_leader("relation-get of its own application's data by a non-leader".into())
        }
        "relation-get" if stderr.contains("permission denied") => {
            gone(format!("relation-get of a unit of an application not in the relation{}", relation_arg(args)))
        }
        "relation-get" | "relation-set" | "relation-list" if stderr.contains("relation not found") => {
            gone(format!("{tool} on a relation that is gone{}", relation_arg(args)))
        }
        "relation-get" if stderr.contains("settings not found") => {
            gone(format!("relation-get of a unit that is not in the relation{}", relation_arg(args)))
        }
        _ => None,
    }
}

/// ` (-r db:3)` when the call named its relation.
fn relation_arg(args: &[String]) -> String {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-r" || arg == "--relation" {
            return iter.next().map(|id| format!(" (-r {id})")).unwrap_or_default();
        }
        for prefix in ["-r=", "--relation="] {
            if let Some(id) = arg.strip_prefix(prefix) {
                return format!(" (-r {id})");
            }
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::memory::MemoryContext;

    fn call(ctx: &mut MemoryContext, tool: &str, args: &[&str]) -> Option<Refusal> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = crate::tools::run_request(tool, &args, None, ctx).expect("no stdin needed");
        classify(tool, &args, out.code, &String::from_utf8_lossy(&out.stderr))
    }

    fn follower() -> MemoryContext {
        MemoryContext::new("wiki/1").leader(false).relation(3, "db", "db").unit(3, "db/0", &[("host", "h")])
    }

    #[test]
    fn leader_only_writes_by_a_non_leader_are_refusals() {
        let mut ctx = follower();
        let kind = |r: Option<Refusal>| r.map(|r| (r.kind, r.what));
        assert_eq!(
            kind(call(&mut ctx, "leader-set", &["a=1"])),
            Some((RefusalKind::NonLeader, "leader-set by a non-leader".into()))
        );
        assert_eq!(
            kind(call(&mut ctx, "relation-set", &["-r", "3", "--app", "a=1"])),
            Some((RefusalKind::NonLeader, "relation-set --app by a non-leader".into()))
        );
        assert_eq!(
            kind(call(&mut ctx, "status-set", &["--application", "active"])),
            Some((RefusalKind::NonLeader, "status-set --application by a non-leader".into()))
        );
        assert_eq!(
            kind(call(&mut ctx, "status-get", &["--application"])),
            Some((RefusalKind::NonLeader, "status-get --application by a non-leader".into()))
        );
        assert_eq!(
            kind(call(&mut ctx, "relation-get", &["-r", "3", "--app", "-", "wiki"])),
            Some((RefusalKind::NonLeader, "relation-get of its own application's data by a non-leader".into()))
        );
    }

    #[test]
    fn the_leader_and_plain_writes_are_not_refusals() {
        let mut ctx = follower();
        assert_eq!(call(&mut ctx, "relation-set", &["-r", "3", "a=1"]), None);
        assert_eq!(call(&mut ctx, "relation-get", &["-r", "3", "host", "db/0"]), None);
        let mut leader = MemoryContext::new("wiki/0").leader(true).relation(3, "db", "db");
        assert_eq!(call(&mut leader, "leader-set", &["a=1"]), None);
        assert_eq!(call(&mut leader, "relation-set", &["-r", "3", "--app", "a=1"]), None);
    }

    #[test]
    fn calls_on_a_gone_relation_are_refusals() {
        // The engine no longer knows a relation once it is removed.
        let mut ctx = MemoryContext::new("wiki/1").leader(false);
        let refusal = call(&mut ctx, "relation-get", &["-r", "db:3", "host", "db/0"]).expect("refused");
        assert_eq!(refusal.kind, RefusalKind::GoneRelation);
        assert_eq!(refusal.what, "relation-get on a relation that is gone (-r db:3)");
        let mut ctx = follower();
        let refusal = call(&mut ctx, "relation-list", &["-r", "9"]).expect("refused");
        assert_eq!(refusal.to_string(), "relation-list on a relation that is gone (-r 9) (refused by Juju)");
    }

    #[test]
    fn reading_a_unit_of_an_application_not_in_the_relation_is_a_refusal() {
        // Juju's controller answers "permission denied" (the uniter facade's checkRemoteUnit).
        let mut ctx = follower();
        let refusal = call(&mut ctx, "relation-get", &["-r", "3", "host", "cache/0"]).expect("refused");
        assert_eq!(refusal.kind, RefusalKind::GoneRelation);
        assert_eq!(refusal.what, "relation-get of a unit of an application not in the relation (-r 3)");
    }

    #[test]
    fn kinds_have_names_for_scenarios() {
        for kind in RefusalKind::ALL {
            assert_eq!(RefusalKind::parse(kind.name()), Some(kind));
        }
        assert_eq!(RefusalKind::parse("other"), None);
    }
}
