//! The process that owns what a run leaves on the machine (a run's state, its cgroups, a
//! worker's kept layer, an lxd container): named by its pid and its start time, since pids
//! are reused, so that `formula sim --clean` can tell a live run's things from a dead one's.
//! Names of such things read `formula-sim-PID-START`, then what the thing is (`-base`, `-7`).

use crate::run_dirs::PREFIX;
use std::fmt;
use std::sync::Mutex;

/// A process, as its pid and start time name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) pid: i32,
    /// Clock ticks since boot ([`process_start_time`]).
    pub(crate) start: u64,
}

impl Owner {
    /// This process. Read once per process: a run reads it several times, and an explorer's
    /// worker runs thousands of runs (a forked child reads its own).
    pub(crate) fn this() -> Owner {
        static KNOWN: Mutex<Option<Owner>> = Mutex::new(None);
        let pid = std::process::id() as i32;
        let mut known = KNOWN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match *known {
            Some(owner) if owner.pid == pid => owner,
            _ => {
                let owner = Owner { pid, start: process_start_time(pid).unwrap_or(0) };
                *known = Some(owner);
                owner
            }
        }
    }

    /// From a pid and a start time written as text (a run's state file, a name).
    pub(crate) fn parse(pid: &str, start: &str) -> Option<Owner> {
        Some(Owner { pid: pid.parse().ok()?, start: start.parse().ok()? })
    }

    /// The owner that `words` begin with, as [`Owner`]'s `Display` writes it (`PID START`);
    /// the words after it are left in `words`.
    pub(crate) fn read<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Owner> {
        let (pid, start) = (words.next()?, words.next()?);
        Owner::parse(pid, start)
    }

    /// The owner in a name made by [`Owner::name`], and what follows it there.
    pub(crate) fn of_name(name: &str) -> Option<(Owner, &str)> {
        let rest = name.strip_prefix(PREFIX)?;
        let (pid, rest) = rest.split_once('-')?;
        let (start, what) = rest.split_once('-').unwrap_or((rest, ""));
        Some((Owner::parse(pid, start)?, what))
    }

    /// The name of a thing of this owner's: `formula-sim-PID-START-what`, or without `-what`.
    pub(crate) fn name(&self, what: &str) -> String {
        let Owner { pid, start } = self;
        if what.is_empty() {
            format!("{PREFIX}{pid}-{start}")
        } else {
            format!("{PREFIX}{pid}-{start}-{what}")
        }
    }

    /// Whether the process still runs (a live process with this pid started at this time).
    pub(crate) fn alive(&self) -> bool {
        process_start_time(self.pid) == Some(self.start)
    }
}

/// `PID START`: how state files, run directories and lxd containers record their owner.
impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.pid, self.start)
    }
}

/// When a live (not zombie) process started, in clock ticks since boot (field 22 of
/// /proc/PID/stat): with its pid, it names the process (pids are reused).
pub(crate) fn process_start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    if matches!(fields.first(), Some(&"Z") | Some(&"X")) {
        return None;
    }
    fields.get(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_owner_and_what_they_are() {
        let me = Owner::this();
        assert!(me.alive());
        assert_eq!(Owner::of_name(&me.name("base")), Some((me, "base")));
        assert_eq!(Owner::of_name(&me.name("")), Some((me, "")));
        assert_eq!(Owner::of_name(&me.name("7")), Some((me, "7")));
        assert_eq!(Owner::of_name("formula-sim-seed-3.trace.jsonl"), None);
        assert_eq!(Owner::of_name("other-12-34"), None);
    }

    #[test]
    fn an_owner_is_alive_only_with_its_start_time() {
        let me = Owner::this();
        assert!(!Owner { start: me.start + 1, ..me }.alive());
        assert_eq!(Owner::parse("12", "x"), None);
    }

    #[test]
    fn an_owner_written_out_reads_back_and_leaves_what_follows() {
        let me = Owner::this();
        let text = format!("{me} pid:[4026531836]");
        let mut words = text.split_whitespace();
        assert_eq!(Owner::read(&mut words), Some(me));
        assert_eq!(words.next(), Some("pid:[4026531836]"));
        assert_eq!(Owner::read(&mut "12".split_whitespace()), None);
    }
}
