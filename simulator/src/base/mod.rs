//! The unit base: the root file system every `ns` unit starts from, the same on every
//! machine.
//!
//! A unit's root is an overlay: its own writable layer over a read-only lower layer. Were the
//! lower layer this machine's `/`, whatever the machine holds (a file an earlier run left in
//! `/etc`, a tool in `/usr/local/bin`) would be in every unit, and the same seed would run
//! other hooks on another machine. The base is a Debian system built once from Debian's
//! packages by mmdebstrap ([`recipe`]), kept in a [`Store`] under the recipe's name and
//! identified by the [`digest`] of its files, which the trace records.
//!
//! Building needs root (mmdebstrap's root mode); the store is shared by every user of the
//! machine (`/var/cache/formula-sim/base`), so runs without root use a base that root
//! built. `formula base build|show|remove` manages it; `formula sim` builds it on first use.

pub mod digest;
pub mod recipe;
pub mod release;
mod store;

pub use release::Release;
pub use store::{Base, Store, SYSTEM_STORE};

use serde::{Deserialize, Serialize};

/// What identifies a base in a trace: the recipe's name and the digest of the files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BaseId {
    /// The recipe's name (`debian-bookworm-1a2b3c4d5e6f`), or `rootfs` for a root given with
    /// `--rootfs`.
    pub recipe: String,
    /// `sha256:…` of the files ([`digest::tree`]); empty for a root given with `--rootfs`,
    /// which is not hashed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub digest: String,
}

impl std::fmt::Display for BaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.digest.is_empty() {
            write!(f, "{}", self.recipe)
        } else {
            write!(f, "{} ({})", self.recipe, self.digest)
        }
    }
}
