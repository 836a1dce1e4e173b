//! The schedules an exploration has run, as a tree of choices, so that later seeds keep out
//! of them.
//!
//! A run is fixed by its list of draws ([`crate::choice`]); two runs with the same list are
//! the same schedule. Each draw is a branch of the tree, keyed as [`DrawKey`] says: a pick by
//! the option taken, a chance by whether it fired (a seed's 37 and 80 out of 100 are the same
//! schedule when the rate is 25). A node is *closed* when every schedule below it has run: the
//! end of a run, or a draw whose every option leads to a closed node. A seeded run that is given
//! the tree draws as usual, and where its draw would lead into a closed node it takes, from its
//! seed still, one of the options that are not closed ([`Avoid`]): it cannot end as a run
//! before it did. When the root closes, every schedule of the scenario has run.
//!
//! A run sees the tree as its worker process holds it ([`Avoid::over`]): the worker is told
//! the schedules added since its last run, and keeps its copy up to date. (The whole tree,
//! written to a file for each run, grew with every seed: an exploration's cost grew with the
//! square of its seeds.)

use crate::trace::Draw;
use std::sync::Arc;

/// How a draw is a branch: its number of outcomes and the one taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawKey {
    /// How many outcomes the draw had (a chance: 2).
    pub outcomes: usize,
    /// The outcome taken (a chance: 1 when it fired).
    pub taken: usize,
}

impl DrawKey {
    /// The key of a trace's draw; `fired` says whether a chance fired
    /// ([`crate::explore::TraceInfo::departs`]).
    pub fn of(draw: &Draw, fired: bool) -> DrawKey {
        if crate::explore::is_chance(draw) {
            DrawKey { outcomes: 2, taken: usize::from(fired) }
        } else {
            DrawKey { outcomes: draw.options, taken: draw.picked }
        }
    }
}

/// A child of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Child {
    /// Every schedule below has run.
    Closed,
    /// Some have: the node at this index.
    Open(u32),
}

/// The tree has a node for each draw of each schedule run (thousands of seeds: hundreds of
/// thousands of nodes), and a worker process forks with its tree: a node is kept small, its
/// first child in place (most nodes have only one, on the path of a single run).
#[derive(Clone, Debug, Default)]
struct Node {
    /// The outcomes of the draw at this node (0: not known yet).
    outcomes: u32,
    first: Option<(u32, Child)>,
    more: Vec<(u32, Child)>,
}

impl Node {
    fn child(&self, key: usize) -> Option<Child> {
        let key = small(key);
        match self.first {
            Some((k, child)) if k == key => Some(child),
            _ => self.more.iter().find(|(k, _)| *k == key).map(|(_, child)| *child),
        }
    }

    /// Sets the child at `key`; the one it replaced, if any.
    fn set_child(&mut self, key: usize, child: Child) -> Option<Child> {
        let key = small(key);
        let slot = match &mut self.first {
            Some((k, old)) if *k == key => Some(old),
            None => {
                self.first = Some((key, child));
                return None;
            }
            Some(_) => self.more.iter_mut().find(|(k, _)| *k == key).map(|(_, old)| old),
        };
        match slot {
            Some(old) => Some(std::mem::replace(old, child)),
            None => {
                self.more.push((key, child));
                None
            }
        }
    }

    /// Whether every outcome has a child, and every child is closed.
    fn full(&self) -> bool {
        let children = usize::from(self.first.is_some()) + self.more.len();
        children == self.outcomes as usize
            && self.first.iter().chain(&self.more).all(|(_, child)| *child == Child::Closed)
    }
}

/// A count or an index of the tree as the tree keeps it (no draw has four billion outcomes).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The schedules run so far.
#[derive(Clone, Debug)]
pub struct SchedulesRun {
    /// Shared with the [`Avoid`]s made over it (a run's, while it runs).
    nodes: Arc<Vec<Node>>,
    /// Every schedule has run.
    root_closed: bool,
    /// Schedules added.
    runs: usize,
    /// Schedules added that were already there.
    repeats: usize,
}

impl Default for SchedulesRun {
    fn default() -> SchedulesRun {
        SchedulesRun { nodes: Arc::new(vec![Node::default()]), root_closed: false, runs: 0, repeats: 0 }
    }
}

impl SchedulesRun {
    /// Adds the schedule of a run (its draws' keys, in order); false when it had run before.
    pub fn add(&mut self, keys: &[DrawKey]) -> bool {
        self.runs += 1;
        if self.root_closed {
            self.repeats += 1;
            return false;
        }
        let Some((last, before)) = keys.split_last() else {
            self.root_closed = true;
            return true;
        };
        // Copied only where a run still holds the tree (none does between a worker's runs).
        let nodes = Arc::make_mut(&mut self.nodes);
        // Down to the last draw's node, making nodes as needed; a closed node on the way
        // means this schedule ran before.
        let mut path = vec![0usize];
        for key in before {
            let node = *path.last().unwrap_or(&0);
            nodes[node].outcomes = small(key.outcomes);
            let next = match nodes[node].child(key.taken) {
                Some(Child::Closed) => {
                    self.repeats += 1;
                    return false;
                }
                Some(Child::Open(next)) => next as usize,
                None => {
                    let next = nodes.len();
                    nodes.push(Node::default());
                    nodes[node].set_child(key.taken, Child::Open(small(next)));
                    next
                }
            };
            path.push(next);
        }
        let node = *path.last().unwrap_or(&0);
        nodes[node].outcomes = small(last.outcomes);
        if nodes[node].set_child(last.taken, Child::Closed) == Some(Child::Closed) {
            self.repeats += 1;
            return false;
        }
        // Close each node on the way up whose every outcome is closed.
        for depth in (0..path.len()).rev() {
            if !nodes[path[depth]].full() {
                break;
            }
            match depth.checked_sub(1) {
                Some(up) => {
                    let key = keys[up].taken;
                    nodes[path[up]].set_child(key, Child::Closed);
                }
                None => self.root_closed = true,
            }
        }
        true
    }

    /// Whether every schedule has run.
    pub fn exhausted(&self) -> bool {
        self.root_closed
    }

    /// Schedules added, and of them those that had run before.
    pub fn counts(&self) -> (usize, usize) {
        (self.runs, self.repeats)
    }
}

/// A seeded run's guide through the schedules run before it: where it is in the tree.
#[derive(Clone, Debug, Default)]
pub struct Avoid {
    nodes: Arc<Vec<Node>>,
    /// The node of the next draw; `None` once the run has left the tree's known part.
    at: Option<usize>,
    /// The run departed from its seed's own draw to keep out of a schedule run before.
    pub steered: bool,
}

impl Avoid {
    /// A guide through `tree` as it is now (sharing it, not copying it).
    pub fn over(tree: &SchedulesRun) -> Avoid {
        let at = (!tree.root_closed).then_some(0);
        Avoid { nodes: Arc::clone(&tree.nodes), at, steered: false }
    }

    /// Moves down the tree along `taken`, a draw that had no other choice.
    pub fn follow(&mut self, outcomes: usize, taken: usize) -> usize {
        let node = self.at.and_then(|at| self.nodes.get(at));
        self.at = match node.filter(|n| n.outcomes == small(outcomes)).and_then(|n| n.child(taken)) {
            Some(Child::Open(next)) => Some(next as usize),
            _ => None,
        };
        taken
    }

    /// The outcome to take at a draw of `outcomes` whose seed says `wanted`: `wanted` unless
    /// it leads into a closed node, else one of the others that do not (chosen with `spare`,
    /// a number from the seed, drawn only then: a run that is never steered draws what its
    /// seed alone draws). Moves down the tree.
    pub fn steer(&mut self, outcomes: usize, wanted: usize, spare: impl FnOnce() -> u64) -> usize {
        let Some(node) = self.at.and_then(|at| self.nodes.get(at)) else { return wanted };
        // A draw of another shape than the tree knows: the run is somewhere new.
        if node.outcomes != small(outcomes) {
            self.at = None;
            return wanted;
        }
        let closed = |k: usize| node.child(k) == Some(Child::Closed);
        let taken = if closed(wanted) {
            let open: Vec<usize> = (0..outcomes).filter(|&k| !closed(k)).collect();
            match open.len() {
                0 => wanted,
                n => {
                    self.steered = true;
                    open[(spare() % n as u64) as usize]
                }
            }
        } else {
            wanted
        };
        self.at = match node.child(taken) {
            Some(Child::Open(next)) => Some(next as usize),
            _ => None,
        };
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(usize, usize)]) -> Vec<DrawKey> {
        list.iter().map(|&(outcomes, taken)| DrawKey { outcomes, taken }).collect()
    }

    #[test]
    fn a_tree_closes_when_every_schedule_has_run() {
        let mut tree = SchedulesRun::default();
        assert!(tree.add(&keys(&[(2, 0), (3, 1)])));
        assert!(!tree.add(&keys(&[(2, 0), (3, 1)])), "the same schedule again is a repeat");
        for (first, second) in [(0, 0), (0, 2), (1, 0)] {
            assert!(!tree.exhausted());
            tree.add(&keys(&[(2, first), (3, second)]));
        }
        assert!(!tree.exhausted(), "(1, 1) and (1, 2) have not run");
        tree.add(&keys(&[(2, 1), (3, 1)]));
        tree.add(&keys(&[(2, 1), (3, 2)]));
        assert!(tree.exhausted());
        assert_eq!(tree.counts(), (7, 1));
    }

    #[test]
    fn a_run_guided_by_the_tree_keeps_out_of_closed_schedules() {
        let mut tree = SchedulesRun::default();
        tree.add(&keys(&[(2, 0), (2, 0)]));
        tree.add(&keys(&[(2, 0), (2, 1)]));
        tree.add(&keys(&[(2, 1), (3, 0)]));
        let mut avoid = Avoid::over(&tree);
        // The seed wants 0, whose subtree is closed: the run takes 1.
        assert_eq!(avoid.steer(2, 0, || 7), 1);
        assert!(avoid.steered);
        // Under 1, option 0 is closed: with a seed asking for it, 1 or 2.
        let next = avoid.steer(3, 0, || 4);
        assert!(next == 1 || next == 2);
        // Past the tree, the seed's own draws.
        assert_eq!(avoid.steer(5, 3, || 0), 3);
    }
}
