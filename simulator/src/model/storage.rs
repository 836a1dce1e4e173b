//! Storage instances: what a unit gets for each `storage:` declaration of its formula.
//!
//! A unit gets the minimum count of each declaration when it is placed (one for a singleton),
//! and more with `storage-add`. Ids are `<name>/<N>` with one sequence for the model, as Juju
//! numbers them. A filesystem's location is a directory of the unit's own, fixed the first time
//! one of its hooks runs (the simulator does not mount anything at a formula's `location`).

use super::Model;
use std::collections::BTreeMap;

/// One storage instance attached to a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageInstance {
    /// `data/0`.
    pub id: String,
    /// The declaration's name (`data`).
    pub name: String,
    /// `filesystem` or `block`.
    pub kind: String,
    /// The unit it is attached to.
    pub unit: String,
    /// Where hooks find it (empty until the unit's first hook).
    pub location: String,
}

/// The model's storage.
#[derive(Clone, Debug, Default)]
pub struct Storage {
    /// Instances by id.
    pub instances: BTreeMap<String, StorageInstance>,
    /// The next instance number.
    pub next: u64,
}

impl Model {
    /// Attaches `count` new instances of declaration `name` to `unit`; the error is why not
    /// (no such declaration, or more than it allows).
    pub fn add_storage(&mut self, unit: &str, name: &str, count: u32) -> Result<Vec<String>, String> {
        let app = super::unit_app(unit);
        let formula = self.apps.get(app).map(|a| a.formula.clone()).ok_or_else(|| format!("unit {unit} not found"))?;
        let Some(declared) = formula.metadata.storage.iter().find(|s| s.name == name) else {
            return Err(format!("charm storage {name:?} not found"));
        };
        let have = self.storage_of(unit).into_iter().filter(|s| s.name == name).count() as u32;
        if let Some(max) = declared.maximum {
            if have + count > max {
                return Err(format!(
                    "adding {name} storage to unit {unit}: attaching {count} storage instances brings the total to {}, exceeding the maximum of {max}",
                    have + count
                ));
            }
        }
        let mut ids = Vec::new();
        for _ in 0..count {
            let id = format!("{name}/{}", self.storage.next);
            self.storage.next += 1;
            let instance = StorageInstance {
                id: id.clone(),
                name: name.to_string(),
                kind: declared.kind.clone(),
                unit: unit.to_string(),
                location: String::new(),
            };
            self.storage.instances.insert(id.clone(), instance);
            ids.push(id);
        }
        Ok(ids)
    }

    /// Gives a new unit its formula's initial storage (each declaration's minimum count).
    pub fn attach_initial_storage(&mut self, unit: &str) {
        let Some(formula) = self.apps.get(super::unit_app(unit)).map(|a| a.formula.clone()) else { return };
        for declared in &formula.metadata.storage {
            // Counts within the declaration's own bounds cannot fail.
            let _ = self.add_storage(unit, &declared.name, declared.minimum);
        }
    }

    /// The instances attached to `unit`, by name then number.
    pub fn storage_of(&self, unit: &str) -> Vec<&StorageInstance> {
        let mut found: Vec<&StorageInstance> = self.storage.instances.values().filter(|s| s.unit == unit).collect();
        found.sort_by_key(|s| (s.name.clone(), super::unit_number(&s.id)));
        found
    }
}
