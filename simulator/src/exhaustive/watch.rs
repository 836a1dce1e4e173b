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
    /// The options of the last pick.
    last_pick: Option<Vec<String>>,
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
    /// that ran since offered or withdrew it (what the footprints call writing its
    /// [`footprint::Object::Offer`]).
    pub fn at_pick(&mut self, candidates: &[String]) {
        if let (Some(asleep), Some(before)) = (&mut self.asleep, &self.last_pick) {
            let changed = footprint::offers_changed(before, candidates);
            asleep.retain(|t| !changed.contains(&t.name));
        }
    }

    /// Records the pick just made: its options.
    pub fn picked(&mut self, candidates: &[String]) {
        self.last_pick = Some(candidates.to_vec());
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
    fn a_hook_wakes_when_another_unit_offers_or_withdraws_it_and_only_then() {
        let mut watch = SleepWatch::new(0, vec![step("gw/0 db-relation-joined db/0")]);
        watch.asleep = Some(watch.initial.clone());
        let before = vec!["db/0 start".to_string(), "gw/0 db-relation-joined db/0".to_string()];
        watch.picked(&before);
        // db/0 ran; gw/0's options are the same: still asleep.
        watch.at_pick(&before);
        assert!(watch.is_asleep("gw/0 db-relation-joined db/0"));
        // db/0 ran again and gw/0 gained another option: the sleeper stays asleep (the new
        // option's orders are races of gw/0's own hooks, which the search runs).
        let after = vec![
            "db/0 store-relation-joined gw/0".to_string(),
            "gw/0 cache-relation-changed cache".to_string(),
            "gw/0 db-relation-joined db/0".to_string(),
        ];
        watch.at_pick(&after);
        assert!(watch.is_asleep("gw/0 db-relation-joined db/0"));
        watch.picked(&after);
        // db/0 ran and withdrew it (it left the relation): the sleeper wakes.
        let gone = vec!["db/0 remove".to_string(), "gw/0 cache-relation-changed cache".to_string()];
        watch.at_pick(&gone);
        assert!(!watch.is_asleep("gw/0 db-relation-joined db/0"));
        assert!(watch.names().is_empty());
    }
}
