//! The kinds of backend, and everything that depends on which one a run asked for: the name
//! `--backend` and the trace give it, whether this machine can run it, what `auto` means here,
//! how one is made, and what runs of it that died left behind.
//!
//! This is the one place that names the backends. Adding one is a module under `backend/`
//! (its [`Backend`] implementation) and a variant here, whose `match` arms the compiler asks
//! for; the command, the explorer, replay and `--clean` follow from it. What a backend can do
//! is asked of the backend itself ([`Backend::shares_files`]), never read from its name.

use super::host::HostBackend;
use super::lxd::{self, LxdBackend};
use super::ns::{self, NsBackend};
use super::{Backend, Options};
use crate::base::Store;
use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;

/// Where units live, as `formula sim --backend` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `ns` where this machine can run it, else `host` ([`Kind::resolve`]).
    Auto,
    /// A directory per unit; hooks run as processes on this machine.
    Host,
    /// A container per unit, from Linux namespaces.
    Ns,
    /// A container per unit, from a real LXD daemon.
    Lxd,
}

impl Kind {
    /// Every kind, in the order `--help` lists them.
    pub const ALL: [Kind; 4] = [Kind::Auto, Kind::Host, Kind::Ns, Kind::Lxd];

    /// The name `--backend` takes, and the trace's `run` event and the status table show.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Auto => "auto",
            Kind::Host => "host",
            Kind::Ns => "ns",
            Kind::Lxd => "lxd",
        }
    }

    /// The kind named `name` ([`Kind::name`]), if there is one.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// One line on what the kind is, for the possible values of `--backend` in `--help`.
    pub fn summary(self) -> &'static str {
        match self {
            Kind::Auto => "`ns` where this machine can run it and has the unit base (or can build it), else `host`",
            Kind::Host => "A directory per unit; hooks run as processes on this machine",
            Kind::Ns => "A container per unit, from Linux namespaces",
            Kind::Lxd => "A container per unit, from a real LXD daemon",
        }
    }

    /// What the units of a run on this kind are, for the run's first line (`units on the ns
    /// backend: …`).
    pub fn describe(self) -> String {
        match self {
            Kind::Auto => self.resolve().describe(),
            Kind::Host => "a directory each, on this machine".into(),
            Kind::Ns => "a container each, from Linux namespaces".into(),
            Kind::Lxd => format!("a container each, from LXD image {}", lxd::IMAGE_ALIAS),
        }
    }

    /// Whether this machine has what the kind needs: `ns` needs root or user namespaces;
    /// `lxd` needs the `lxc` client (whether its daemon answers, and has the image,
    /// [`Kind::make`] finds out, and says what to do).
    pub fn available(self) -> bool {
        match self {
            Kind::Auto | Kind::Host => true,
            Kind::Ns => ns::available(),
            Kind::Lxd => lxd::Lxc::find().is_ok(),
        }
    }

    /// The kind a run of this kind gets: itself, or for `auto`, `ns` where it is available
    /// and its units can have the unit base ([`crate::base`]), and `host` elsewhere.
    pub fn resolve(self) -> Kind {
        match self {
            Kind::Auto if Kind::Ns.available() && Store::from_env().usable().is_ok() => Kind::Ns,
            Kind::Auto => Kind::Host,
            other => other,
        }
    }

    /// Why `auto` is `host` on a machine that could run `ns` (the unit base is missing, and
    /// cannot be built here), with what to do; `None` when there is nothing to say.
    pub fn auto_fallback_note(self) -> Option<String> {
        if self != Kind::Auto || !Kind::Ns.available() {
            return None;
        }
        Store::from_env().usable().err().map(|why| {
            format!("units share this machine (--backend host), not containers of their own (--backend ns): {why}")
        })
    }

    /// Whether units of this kind (resolved) share this machine: its files, processes and
    /// network. Such a run touches the machine's /etc, /usr/local, … as its formulas do,
    /// unless it runs in namespaces of its own ([`super::isolate`], where the machine allows
    /// it, unless `formula sim --no-isolate`).
    pub fn units_share_this_machine(self) -> bool {
        match self.resolve() {
            Kind::Host => true,
            Kind::Auto | Kind::Ns | Kind::Lxd => false,
        }
    }

    /// A backend of this kind (resolved) for the run in `root`, whose hook tools link to
    /// `tool_binary`. The error says which backend could not start, and why.
    pub fn make(self, root: &Path, tool_binary: &Path, options: &Options) -> io::Result<Box<dyn Backend>> {
        let kind = self.resolve();
        let made: io::Result<Box<dyn Backend>> = match kind {
            Kind::Auto | Kind::Host => Ok(Box::new(HostBackend::new(root))),
            Kind::Ns => NsBackend::new(root, tool_binary, options).map(|b| Box::new(b) as Box<dyn Backend>),
            Kind::Lxd => LxdBackend::new(root, tool_binary)
                .map(|b| Box::new(b.with_limits(options.pids_max, options.memory_max)) as Box<dyn Backend>),
        };
        made.map_err(|e| io::Error::new(e.kind(), format!("cannot start the {} backend: {e}", kind.name())))
    }

    /// Removes what runs of this kind left when their simulator died (see each backend's
    /// `clean_leftovers`); `Auto`, which names no backend, cleans every one's (`formula sim
    /// --clean` without `--backend`). One line per thing done.
    pub fn clean_leftovers(self) -> Vec<String> {
        match self {
            Kind::Auto => [Kind::Host, Kind::Ns, Kind::Lxd].into_iter().flat_map(Kind::clean_leftovers).collect(),
            Kind::Host => {
                let mut done = super::host::leftovers::clean_leftovers();
                done.extend(crate::run_dirs::clean_orphans());
                done
            }
            Kind::Ns => ns::clean_leftovers(),
            Kind::Lxd => lxd::clean_leftovers(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// A name that is no backend's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        write!(f, "no backend is called `{}` (there are {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownKind {}

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(name: &str) -> Result<Kind, UnknownKind> {
        Kind::parse(name).ok_or_else(|| UnknownKind(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_are_unique() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.name()), Some(kind));
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        assert_eq!(Kind::parse("docker"), None);
        assert_eq!(
            "x".parse::<Kind>().unwrap_err().to_string(),
            "no backend is called `x` (there are auto, host, ns, lxd)"
        );
    }

    #[test]
    fn auto_resolves_to_a_kind_of_its_own() {
        let resolved = Kind::Auto.resolve();
        assert!(matches!(resolved, Kind::Ns | Kind::Host), "{resolved}");
        assert_eq!(Kind::Auto.units_share_this_machine(), resolved == Kind::Host);
        for kind in [Kind::Host, Kind::Ns, Kind::Lxd] {
            assert_eq!(kind.resolve(), kind);
        }
        assert!(Kind::Host.units_share_this_machine());
        assert!(!Kind::Ns.units_share_this_machine() && !Kind::Lxd.units_share_this_machine());
    }

    #[test]
    fn host_backends_are_made_and_share_files() {
        let dir = tempfile::tempdir().unwrap();
        let backend = Kind::Host.make(dir.path(), Path::new("/bin/true"), &Options::default()).unwrap();
        assert_eq!(backend.name(), "host");
        assert!(backend.shares_files());
        assert!(backend.notes().is_empty());
    }
}
