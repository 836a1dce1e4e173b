//! Settings: the string maps of relation bags, leader settings and charm state.
//!
//! A bag's version moves only when its data changes, because Juju's uniter compares versions
//! (not contents) to decide whether a `-relation-changed` is due (spec §6.3).

use std::collections::BTreeMap;

/// A relation bag: keys to string values.
pub type Settings = BTreeMap<String, String>;

/// Changes to a bag: `None` deletes the key.
pub type SettingsChanges = BTreeMap<String, Option<String>>;

/// Applies settings changes to `data`: `Some` sets a key, `None` deletes it.
pub fn apply_changes(data: &mut Settings, changes: &BTreeMap<String, Option<String>>) {
    for (k, v) in changes {
        match v {
            Some(v) => data.insert(k.clone(), v.clone()),
            None => data.remove(k),
        };
    }
}

/// One bag of relation settings.
#[derive(Clone, Debug, Default)]
pub struct Bag {
    /// Keys and values.
    pub data: Settings,
    /// Bumped when the data changes.
    pub version: u64,
}

impl Bag {
    /// Applies changes (`None` deletes) and bumps the version if anything changed.
    pub fn apply(&mut self, changes: &BTreeMap<String, Option<String>>) -> bool {
        let before = self.data.clone();
        apply_changes(&mut self.data, changes);
        let changed = before != self.data;
        if changed {
            self.version += 1;
        }
        changed
    }
}
