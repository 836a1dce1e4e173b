//! The sleep set of one exhaustive run, kept by the run itself as it goes.
//!
//! The search hands a run that branched at a pick of a unit and its hook what other runs
//! already took from that state (with what each touched, [`footprint::Step`]). From the
//! branch on, after each hook the run keeps asleep only those that commute with it, and at
//! each later pick it takes, by default, the first option that is not asleep; when every
//! option is asleep, whatever it ran next would repeat a schedule already run, and the run
//! stops there. The search reads the same sleep sets back from the trace
//! (`super::sleep_sets`), so both sides agree on where a run is redundant.

use super::footprint::{self, Step};
use crate::trace::Event;

/// A run's sleep set, from its branch on.
#[derive(Clone, Debug)]
pub struct SleepWatch {
    /// The draw of the run's branch: its last prescribed choice.
    branch: usize,
    /// What other runs took from the branch's state.
    initial: Vec<Step>,
    /// The hooks asleep now; `None` until the first hook picked at or past the branch.
    asleep: Option<Vec<Step>>,
    /// The options of the last pick, and the unit that ran then.
    last_pick: Option<(Vec<String>, String)>,
}

impl SleepWatch {
    /// The sleep set of a run whose prescribed choices end with the draw `branch`.
    pub fn new(branch: usize, initial: Vec<Step>) -> SleepWatch {
        SleepWatch { branch, initial, asleep: None, last_pick: None }
    }

    /// Takes in the hook that just ran: the last hook of `events`, the run's events so far.
    pub fn after_hook(&mut self, events: &[Event]) {
        let steps = footprint::steps(events);
        let Some(ran) = steps.last() else { return };
        match &mut self.asleep {
            Some(asleep) => asleep.retain(|t| t.sleeps_past(ran)),
            None if ran.unit_draw.is_some_and(|at| at >= self.branch) => {
                // The hook picked at the branch starts with what runs before took there;
                // a run that branched elsewhere (a fault, a stale snapshot) with nothing.
                let start = if ran.unit_draw == Some(self.branch) { self.initial.clone() } else { Vec::new() };
                self.asleep = Some(start.into_iter().filter(|t| t.sleeps_past(ran)).collect());
            }
            None => {}
        }
    }

    /// Takes in the options of a pick about to be made: a hook asleep wakes when the hook
    /// that ran since (of another unit) changed its unit's options (what the footprints
    /// call writing [`footprint::Object::Options`]).
    pub fn at_pick(&mut self, candidates: &[String]) {
        if let (Some(asleep), Some((before, ran))) = (&mut self.asleep, &self.last_pick) {
            asleep.retain(|t| {
                t.unit == *ran || footprint::options_of(before, &t.unit) == footprint::options_of(candidates, &t.unit)
            });
        }
    }

    /// Records the pick just made: its options and the unit picked.
    pub fn picked(&mut self, candidates: &[String], unit: &str) {
        self.last_pick = Some((candidates.to_vec(), unit.to_string()));
    }

    /// Whether the option `name` (`unit hook [remote]`) is asleep now.
    pub fn is_asleep(&self, name: &str) -> bool {
        self.asleep.as_ref().is_some_and(|asleep| asleep.iter().any(|t| t.name == name))
    }

    /// The names asleep now, for the trace.
    pub fn names(&self) -> Vec<String> {
        self.asleep.iter().flatten().map(|t| t.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(name: &str) -> Step {
        let unit = name.split(' ').next().unwrap_or_default().to_string();
        Step { name: name.into(), unit, ..Step::default() }
    }

    #[test]
    fn a_hook_wakes_when_another_unit_changes_its_units_options() {
        let mut watch = SleepWatch::new(0, vec![step("gw/0 db-relation-joined db/0")]);
        watch.asleep = Some(watch.initial.clone());
        let before = vec!["db/0 start".to_string(), "gw/0 db-relation-joined db/0".to_string()];
        watch.picked(&before, "db/0");
        // db/0 ran; gw/0's options are the same: still asleep.
        watch.at_pick(&before);
        assert!(watch.is_asleep("gw/0 db-relation-joined db/0"));
        // db/0 ran again and gw/0 gained an option: the sleeper wakes (gw/0 could now choose
        // otherwise than the runs that put it to sleep).
        let after = vec![
            "db/0 store-relation-joined gw/0".to_string(),
            "gw/0 cache-relation-changed cache".to_string(),
            "gw/0 db-relation-joined db/0".to_string(),
        ];
        watch.at_pick(&after);
        assert!(!watch.is_asleep("gw/0 db-relation-joined db/0"));
        assert!(watch.names().is_empty());
    }
}
