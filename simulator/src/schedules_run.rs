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
//! The runs see the tree through a file (`--avoid-file`): a line per node, children by key,
//! `K.` for a closed child and `K=N` for an open one at line `N`; only the part of the tree that
//! holds a closed node is written, since the rest cannot steer a run.

use crate::trace::Draw;
use std::collections::BTreeMap;

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
    Open(usize),
}

#[derive(Clone, Debug, Default)]
struct Node {
    /// The outcomes of the draw at this node (0: not known yet).
    outcomes: usize,
    children: BTreeMap<usize, Child>,
}

/// The schedules run so far.
#[derive(Clone, Debug)]
pub struct SchedulesRun {
    nodes: Vec<Node>,
    /// Every schedule has run.
    root_closed: bool,
    /// Schedules added.
    runs: usize,
    /// Schedules added that were already there.
    repeats: usize,
}

impl Default for SchedulesRun {
    fn default() -> SchedulesRun {
        SchedulesRun { nodes: vec![Node::default()], root_closed: false, runs: 0, repeats: 0 }
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
        // Down to the last draw's node, making nodes as needed; a closed node on the way
        // means this schedule ran before.
        let mut path = vec![0usize];
        for key in before {
            let node = *path.last().unwrap_or(&0);
            self.nodes[node].outcomes = key.outcomes;
            let next = match self.nodes[node].children.get(&key.taken) {
                Some(Child::Closed) => {
                    self.repeats += 1;
                    return false;
                }
                Some(Child::Open(next)) => *next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[node].children.insert(key.taken, Child::Open(next));
                    next
                }
            };
            path.push(next);
        }
        let node = *path.last().unwrap_or(&0);
        self.nodes[node].outcomes = last.outcomes;
        if self.nodes[node].children.insert(last.taken, Child::Closed) == Some(Child::Closed) {
            self.repeats += 1;
            return false;
        }
        // Close each node on the way up whose every outcome is closed.
        for depth in (0..path.len()).rev() {
            let node = &self.nodes[path[depth]];
            let full = node.children.len() == node.outcomes && node.children.values().all(|c| *c == Child::Closed);
            if !full {
                break;
            }
            match depth.checked_sub(1) {
                Some(up) => {
                    let key = keys[up].taken;
                    self.nodes[path[up]].children.insert(key, Child::Closed);
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

    /// The tree as a run reads it ([`Avoid::parse`]): the nodes that lead to a closed node.
    pub fn write(&self) -> String {
        if self.root_closed {
            return "*\n".to_string();
        }
        // Which nodes hold a closed node below them (children have higher indices).
        let mut useful = vec![false; self.nodes.len()];
        for index in (0..self.nodes.len()).rev() {
            useful[index] = self.nodes[index].children.values().any(|c| match c {
                Child::Closed => true,
                Child::Open(next) => useful[*next],
            });
        }
        let mut lines: Vec<String> = Vec::new();
        let mut number: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([0usize]);
        number.insert(0, 0);
        while let Some(index) = queue.pop_front() {
            let node = &self.nodes[index];
            let mut line = node.outcomes.to_string();
            for (key, child) in &node.children {
                match child {
                    Child::Closed => line.push_str(&format!(" {key}.")),
                    Child::Open(next) if useful[*next] => {
                        let n = number.len();
                        number.insert(*next, n);
                        queue.push_back(*next);
                        line.push_str(&format!(" {key}={n}"));
                    }
                    Child::Open(_) => {}
                }
            }
            lines.push(line);
        }
        lines.join("\n") + "\n"
    }
}

/// A seeded run's guide through the schedules run before it: where it is in the tree.
#[derive(Clone, Debug, Default)]
pub struct Avoid {
    nodes: Vec<Node>,
    /// The node of the next draw; `None` once the run has left the tree's known part.
    at: Option<usize>,
    /// The run departed from its seed's own draw to keep out of a schedule run before.
    pub steered: bool,
}

impl Avoid {
    /// Reads [`SchedulesRun::write`]'s text.
    pub fn parse(text: &str) -> Result<Avoid, String> {
        let mut nodes = Vec::new();
        if text.trim() == "*" {
            // Every schedule ran: the run takes its seed's own draws.
            return Ok(Avoid { nodes, at: None, steered: false });
        }
        for (number, line) in text.lines().enumerate() {
            let bad = |what: &str| format!("line {}: {what}", number + 1);
            let mut words = line.split_whitespace();
            let outcomes = words.next().ok_or_else(|| bad("empty"))?.parse().map_err(|_| bad("not a count"))?;
            let mut children = BTreeMap::new();
            for word in words {
                let child = if let Some(key) = word.strip_suffix('.') {
                    (key.parse().map_err(|_| bad(word))?, Child::Closed)
                } else {
                    let (key, next) = word.split_once('=').ok_or_else(|| bad(word))?;
                    (key.parse().map_err(|_| bad(word))?, Child::Open(next.parse().map_err(|_| bad(word))?))
                };
                children.insert(child.0, child.1);
            }
            nodes.push(Node { outcomes, children });
        }
        let count = nodes.len();
        if nodes.iter().flat_map(|n| n.children.values()).any(|c| matches!(c, Child::Open(n) if *n >= count)) {
            return Err("a child names no line".into());
        }
        Ok(Avoid { at: (!nodes.is_empty()).then_some(0), nodes, steered: false })
    }

    /// Moves down the tree along `taken`, a draw that had no other choice.
    pub fn follow(&mut self, outcomes: usize, taken: usize) -> usize {
        let node = self.at.and_then(|at| self.nodes.get(at));
        self.at = match node.filter(|n| n.outcomes == outcomes).and_then(|n| n.children.get(&taken)) {
            Some(Child::Open(next)) => Some(*next),
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
        if node.outcomes != outcomes {
            self.at = None;
            return wanted;
        }
        let closed = |k: usize| node.children.get(&k) == Some(&Child::Closed);
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
        self.at = match node.children.get(&taken) {
            Some(Child::Open(next)) => Some(*next),
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
        let text = tree.write();
        let mut avoid = Avoid::parse(&text).expect("parses");
        // The seed wants 0, whose subtree is closed: the run takes 1.
        assert_eq!(avoid.steer(2, 0, || 7), 1);
        assert!(avoid.steered);
        // Under 1, option 0 is closed: with a seed asking for it, 1 or 2.
        let next = avoid.steer(3, 0, || 4);
        assert!(next == 1 || next == 2);
        // Past the tree, the seed's own draws.
        assert_eq!(avoid.steer(5, 3, || 0), 3);
    }

    #[test]
    fn the_written_tree_leaves_out_what_cannot_steer_and_reads_back() {
        let mut tree = SchedulesRun::default();
        tree.add(&keys(&[(2, 1), (4, 3), (2, 0)]));
        let text = tree.write();
        assert_eq!(text, "2 1=1\n4 3=2\n2 0.\n");
        assert!(Avoid::parse("2 1=5\n").is_err(), "a child names no line");
        assert!(Avoid::parse("x\n").is_err());
    }
}
