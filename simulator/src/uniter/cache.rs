//! A unit agent's cache of its relation members' settings (Juju's `context/cache.go`
//! `RelationCache`, kept by `contextfactory.go` from one hook context to the next).
//!
//! Juju reads a member's settings once and keeps them until that member is the remote unit of
//! one of the unit's relation hooks (`InvalidateMember`), departs (`RemoveMember`), or is no
//! longer a member when the next context is made (`Prune`). So a hook may read another
//! member's settings as they were in an earlier hook: Juju promises only that the remote unit
//! of a relation hook is read fresh (spec §4.3, relation-get).
//!
//! The simulator reads the latest commit by default, and keeps this cache beside each agent
//! so that the `stale` fault ([`crate::fault`]) can serve what Juju's cache would.

use crate::hook::Hook;
use crate::model::{Model, Settings};
use std::collections::BTreeMap;

/// Relation id and member unit.
pub type Member = (i64, String);

/// What one unit last read of its relations' members' settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsCache {
    entries: BTreeMap<Member, Settings>,
}

impl SettingsCache {
    /// As Juju makes the context of `hook`: what is not a member of a relation in `members` (as
    /// the hook sees them) is dropped, and the hook's remote unit is read afresh.
    pub fn prepare(&mut self, members: &BTreeMap<i64, Vec<String>>, hook: &Hook) {
        self.entries.retain(|(id, unit), _| members.get(id).is_some_and(|m| m.contains(unit)));
        // Joined and changed invalidate the remote unit; departed removes it (it is no
        // longer a member, so `members` has dropped it already).
        if let (Some(id), Some(remote)) = (hook.relation, &hook.remote_unit) {
            self.entries.remove(&(id, remote.clone()));
        }
    }

    /// The cached settings that differ from the latest commit in `model`: what a stale read
    /// would return.
    pub fn stale(&self, model: &Model) -> BTreeMap<Member, Settings> {
        self.entries
            .iter()
            .filter(|((id, unit), cached)| {
                let latest = model.relations.get(id).and_then(|r| r.unit_bags.get(unit)).map(|b| &b.data);
                latest.is_some_and(|latest| latest != *cached)
            })
            .map(|(key, cached)| (key.clone(), cached.clone()))
            .collect()
    }

    /// After a hook: its reads of units that were members (`members`, as it saw them) stay
    /// cached; reads of other units do not outlive the hook (Juju's `others`).
    pub fn record(&mut self, reads: BTreeMap<Member, Settings>, members: &BTreeMap<i64, Vec<String>>) {
        for ((id, unit), settings) in reads {
            if members.get(&id).is_some_and(|m| m.contains(&unit)) {
                self.entries.insert((id, unit), settings);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hook::HookKind;

    fn settings(value: &str) -> Settings {
        [("gen".to_string(), value.to_string())].into_iter().collect()
    }

    #[test]
    fn members_stay_cached_until_they_are_the_remote_unit_or_leave() {
        let members: BTreeMap<i64, Vec<String>> = [(1, vec!["db/0".to_string(), "db/1".to_string()])].into();
        let mut cache = SettingsCache::default();
        let reads = [((1, "db/0".to_string()), settings("1")), ((1, "db/1".to_string()), settings("1"))];
        cache.record(reads.into_iter().collect(), &members);
        cache.record([((1, "db/9".to_string()), settings("1"))].into(), &members);
        assert_eq!(cache.entries.len(), 2, "a non-member's read is not kept");
        // db/0's changed: db/0 is read afresh, db/1 stays cached.
        cache.prepare(&members, &Hook::relation(HookKind::RelationChanged, 1, "db", "db", Some("db/0")));
        assert_eq!(cache.entries.keys().cloned().collect::<Vec<_>>(), vec![(1, "db/1".to_string())]);
        // config-changed invalidates nothing; db/1 gone from the members: dropped.
        let fewer: BTreeMap<i64, Vec<String>> = [(1, vec!["db/0".to_string()])].into();
        cache.prepare(&fewer, &Hook::unit(HookKind::ConfigChanged));
        assert!(cache.entries.is_empty());
    }
}
