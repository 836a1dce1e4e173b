//! The one source of every choice the engine makes.
//!
//! A run is fixed by its seed: each choice (which unit acts next, whether it refreshes its
//! snapshot, which relation it looks at first) is a draw from [`Choices`], and every draw is
//! recorded, so that a run can be replayed from its recorded list as well as from its seed.
//! The generator is SplitMix64, written here so that no dependency upgrade can change the
//! sequence a seed gives.

/// One recorded draw: what was chosen among how many, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draw {
    /// What the choice was about (`unit`, `refresh`, …).
    pub label: &'static str,
    /// How many options there were.
    pub options: usize,
    /// The option taken.
    pub picked: usize,
}

/// Where choices come from.
#[derive(Clone, Debug)]
enum Source {
    Seed(u64),
    Recorded(Vec<usize>, usize),
    /// A recorded list, then draws from a seed: a run restored from its trace that goes on.
    Continued(Vec<usize>, usize, u64),
}

/// The choice source of a run.
#[derive(Clone, Debug)]
pub struct Choices {
    source: Source,
    draws: Vec<Draw>,
    /// With a seed: the schedules run before, to keep out of ([`crate::schedules_run`]).
    avoid: Option<crate::schedules_run::Avoid>,
}

impl Choices {
    /// Choices drawn from `seed`.
    pub fn seeded(seed: u64) -> Choices {
        Choices { source: Source::Seed(seed ^ 0x5eed_f0e1_a5c0_ffee), draws: Vec::new(), avoid: None }
    }

    /// Choices drawn from `seed` that keep out of the schedules `avoid` holds: where the seed's
    /// draw would lead to a schedule run before, another option, still from the seed.
    pub fn seeded_avoiding(seed: u64, avoid: crate::schedules_run::Avoid) -> Choices {
        Choices { avoid: Some(avoid), ..Choices::seeded(seed) }
    }

    /// Whether the run departed from its seed's own draws to keep out of a schedule run
    /// before (then `--seed` alone does not run it again; its trace does).
    pub fn steered(&self) -> bool {
        self.avoid.as_ref().is_some_and(|a| a.steered)
    }

    /// Choices taken from a recorded list; past its end, the first option is taken (and a
    /// [`Choices::chance`] is false), so a shortened list means the default schedule.
    pub fn recorded(picks: Vec<usize>) -> Choices {
        Choices { source: Source::Recorded(picks, 0), draws: Vec::new(), avoid: None }
    }

    /// Choices taken from a recorded list and, past its end, drawn from `seed`: a run
    /// restored from its trace (a controller's model after a restart) that then goes on.
    pub fn continued(picks: Vec<usize>, seed: u64) -> Choices {
        Choices { source: Source::Continued(picks, 0, seed ^ 0x5eed_f0e1_a5c0_ffee), draws: Vec::new(), avoid: None }
    }

    /// Picks one of `options` (at least 1) for `label`.
    pub fn pick(&mut self, label: &'static str, options: usize) -> usize {
        self.pick_or(label, options, 0)
    }

    /// Picks one of `options`; a recorded list past its end gives `default`.
    pub(crate) fn pick_or(&mut self, label: &'static str, options: usize, default: usize) -> usize {
        if options <= 1 {
            return 0;
        }
        let picked = match &mut self.source {
            Source::Seed(state) => {
                let wanted = (next(state) % options as u64) as usize;
                match &mut self.avoid {
                    Some(avoid) => avoid.steer(options, wanted, || next(state)),
                    None => wanted,
                }
            }
            Source::Recorded(list, at) => {
                let value = list.get(*at).copied().unwrap_or(default);
                *at += 1;
                value.min(options - 1)
            }
            Source::Continued(list, at, state) => {
                let value = match list.get(*at) {
                    Some(value) => *value,
                    None => (next(state) % options as u64) as usize,
                };
                *at += 1;
                value.min(options - 1)
            }
        };
        self.draws.push(Draw { label, options, picked });
        picked
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, label: &'static str, percent: u32) -> bool {
        if percent == 0 {
            return false;
        }
        if let (Source::Seed(state), Some(avoid)) = (&mut self.source, &mut self.avoid) {
            // A chance is a branch of two outcomes: fired or not. A rate of 100 always fires.
            let value = (next(state) % 100) as usize;
            let wanted = usize::from(value < percent as usize);
            let fired = if percent >= 100 { avoid.follow(2, wanted) } else { avoid.steer(2, wanted, || next(state)) };
            let picked = match (fired == wanted, fired) {
                (true, _) => value,
                (false, 1) => 0,
                (false, _) => 99,
            };
            self.draws.push(Draw { label, options: 100, picked });
            return fired == 1;
        }
        self.pick_or(label, 100, 99) < percent as usize
    }

    /// A number for identifiers (context ids), drawn without being recorded as a choice.
    pub fn token(&mut self) -> u64 {
        match &mut self.source {
            Source::Seed(state) => next(state) >> 1,
            Source::Recorded(_, at) => *at as u64 * 7919 + 1,
            Source::Continued(list, at, state) if *at >= list.len() => next(state) >> 1,
            Source::Continued(_, at, _) => *at as u64 * 7919 + 1,
        }
    }

    /// Every draw so far.
    pub fn draws(&self) -> &[Draw] {
        &self.draws
    }
}

/// SplitMix64.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = Choices::seeded(7);
        let mut b = Choices::seeded(7);
        let xs: Vec<usize> = (0..50).map(|_| a.pick("x", 10)).collect();
        let ys: Vec<usize> = (0..50).map(|_| b.pick("x", 10)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().any(|&x| x != xs[0]));
    }

    #[test]
    fn continued_replays_then_draws_from_the_seed() {
        let mut seeded = Choices::seeded(7);
        let fresh: Vec<usize> = (0..20).map(|_| seeded.pick("u", 1000)).collect();
        let mut c = Choices::continued(vec![3, 4], 7);
        assert_eq!(c.pick("a", 10), 3);
        assert_eq!(c.pick("a", 10), 4);
        // Past the list: the seed's draws, not the first option every time.
        let after: Vec<usize> = (0..20).map(|_| c.pick("u", 1000)).collect();
        assert_eq!(after, fresh);
        assert_eq!(c.draws().len(), 22);
    }

    #[test]
    fn recorded_replays_and_clamps() {
        let mut c = Choices::recorded(vec![2, 9]);
        assert_eq!(c.pick("a", 3), 2);
        assert_eq!(c.pick("b", 3), 2);
        assert_eq!(c.pick("c", 3), 0);
        assert!(!c.chance("d", 50), "past the end of a list, nothing happens by chance");
    }

    #[test]
    fn a_seed_that_is_never_steered_draws_what_the_seed_alone_draws() {
        use crate::schedules_run::{Avoid, DrawKey, SchedulesRun};
        let mut tree = SchedulesRun::default();
        tree.add(&[DrawKey { outcomes: 7, taken: 6 }]);
        let avoid = Avoid::over(&tree);
        let mut plain = Choices::seeded(11);
        let mut guided = Choices::seeded_avoiding(11, avoid);
        let a: Vec<usize> = (0..40)
            .map(|i| if i % 3 == 0 { usize::from(plain.chance("stale", 30)) } else { plain.pick("unit", 5) })
            .collect();
        let b: Vec<usize> = (0..40)
            .map(|i| if i % 3 == 0 { usize::from(guided.chance("stale", 30)) } else { guided.pick("unit", 5) })
            .collect();
        assert_eq!(a, b);
        assert!(!guided.steered());
    }

    #[test]
    fn a_seed_steered_off_a_schedule_run_before_takes_the_other_outcome() {
        use crate::schedules_run::{Avoid, DrawKey, SchedulesRun};
        // Seed 7's first chance at 50%.
        let fired = Choices::seeded(7).chance("stale", 50);
        let mut tree = SchedulesRun::default();
        for other in 0..3 {
            tree.add(&[DrawKey { outcomes: 2, taken: usize::from(fired) }, DrawKey { outcomes: 3, taken: other }]);
        }
        let avoid = Avoid::over(&tree);
        let mut steered = Choices::seeded_avoiding(7, avoid);
        assert_eq!(steered.chance("stale", 50), !fired, "every schedule after that outcome ran");
        assert!(steered.steered());
        assert_eq!(steered.draws().len(), 1);
    }
}
