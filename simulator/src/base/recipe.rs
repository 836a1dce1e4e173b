//! What the unit base is built from: a Debian suite, its minimal variant and the packages a
//! Juju machine has. Every input is here, and the recipe's name is a hash of them all, so a
//! change to the list makes a base of another name (the old one stays until removed).
//!
//! Each package says why it is there; `docs/unit-base.md` lists them for readers.

use sha2::{Digest, Sha256};

/// The Debian release the base is built from.
pub const SUITE: &str = "bookworm";

/// mmdebstrap's variant: the packages Debian marks essential, and apt.
pub const VARIANT: &str = "minbase";

/// The time every file of the base is dated (mmdebstrap's `SOURCE_DATE_EPOCH`): with it, two
/// builds from the same packages are the same bytes.
pub const SOURCE_DATE_EPOCH: u64 = 1_700_000_000;

/// Where packages come from unless `FORMULA_BASE_MIRROR` says otherwise. The base's own
/// `sources.list` always names this one, so that the mirror used does not change the digest.
pub const MIRROR: &str = "http://deb.debian.org/debian";

/// Bumped when how the tree is built changes: the environment below, or what is done to the
/// tree after mmdebstrap (see `store::normalize`).
pub const REVISION: u32 = 2;

/// The whole environment mmdebstrap and the packages' maintainer scripts run with (and
/// `SOURCE_DATE_EPOCH`). Python writes no `.pyc` files as it imports: only those the
/// packages compile on purpose, which `SOURCE_DATE_EPOCH` makes the same bytes on every
/// machine (a machine that left this to its own environment built other bytes).
pub const BUILD_ENV: &[(&str, &str)] = &[
    ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    ("HOME", "/root"),
    ("LC_ALL", "C.UTF-8"),
    ("PYTHONDONTWRITEBYTECODE", "1"),
];

/// The packages added to the minimal system, with why: what an Ubuntu cloud image gives a
/// unit and classic charms rely on in their first hooks.
pub const PACKAGES: &[(&str, &str)] = &[
    ("adduser", "install hooks create service users (`adduser --system`)"),
    ("apt-utils", "debconf answers and `apt-extracttemplates` while packages install"),
    ("bzip2", "unpacking release tarballs"),
    ("ca-certificates", "HTTPS downloads (curl, wget, git, pip)"),
    ("cron", "charms install cron jobs in /etc/cron.d"),
    ("curl", "downloads in install hooks"),
    ("dnsutils", "`dig` and `host`, used to find a unit's own address"),
    ("file", "charms test what a downloaded file is"),
    ("git", "charms fetch code with git (charm-helpers' `git` source, 2011 formulas)"),
    ("gnupg", "`apt-key` and signed repositories added by `add-apt-repository`-style hooks"),
    ("init-system-helpers", "`service` and `update-rc.d`, which start and enable daemons"),
    ("iproute2", "`ip`, to read the unit's address and routes"),
    ("iputils-ping", "`ping`, reachability checks"),
    ("less", "a pager, for `juju debug-hooks` sessions"),
    ("logrotate", "charms install logrotate rules"),
    ("lsb-release", "`lsb_release`: charms read the series from it"),
    ("lsof", "charms wait for a port to be listened on"),
    ("nano", "an editor, for `juju debug-hooks` sessions"),
    ("net-tools", "`ifconfig` and `netstat`, which 2011 formulas call"),
    ("netcat-openbsd", "`nc`, port checks in relation hooks"),
    ("openssh-client", "`ssh` and `scp`, and `ssh-keygen` for peer keys"),
    ("patch", "charms patch configuration files"),
    ("procps", "`ps`, `pgrep`, `pkill`, `sysctl`"),
    ("psmisc", "`killall` and `fuser`"),
    (
        "python-is-python3",
        "`#!/usr/bin/python` hooks (Debian has no Python 2: code for both runs, Python 2 only fails)",
    ),
    ("python3", "hooks in Python, and charm-helpers"),
    ("python3-apt", "charm-helpers' `fetch` (apt_pkg)"),
    ("python3-jinja2", "charm-helpers' templating"),
    ("python3-netaddr", "charm-helpers' network helpers (addresses and CIDRs)"),
    ("python3-netifaces", "charm-helpers' network helpers (a unit's interfaces)"),
    ("python3-pkg-resources", "older charms find their libraries with pkg_resources"),
    ("python3-requests", "HTTP from Python hooks"),
    ("python3-six", "charm-helpers on Python 3 imports six"),
    ("python3-yaml", "charm-helpers reads config and metadata as YAML"),
    ("rsync", "copying trees in install hooks"),
    ("software-properties-common", "`add-apt-repository`, which install hooks call before apt-get"),
    ("sudo", "hooks run commands as other users (`sudo -u`)"),
    ("tzdata", "time zones, as every machine has them"),
    ("unzip", "unpacking release archives"),
    ("wget", "downloads in install hooks"),
    ("xz-utils", "unpacking release tarballs"),
];

/// The packages, as mmdebstrap's `--include` takes them.
pub fn include_list() -> String {
    PACKAGES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(",")
}

/// The recipe's name: the suite and a hash of every input above
/// (`debian-bookworm-1a2b3c4d5e6f`).
pub fn name() -> String {
    let mut hasher = Sha256::new();
    let env: Vec<String> = BUILD_ENV.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let text = format!(
        "{SUITE}\n{VARIANT}\n{SOURCE_DATE_EPOCH}\n{MIRROR}\n{REVISION}\n{}\n{}\n",
        include_list(),
        env.join("\n")
    );
    hasher.update(text.as_bytes());
    let hex = super::digest::hex(&hasher.finalize());
    format!("debian-{SUITE}-{}", &hex[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_sorted_unique_and_explained() {
        let names: Vec<&str> = PACKAGES.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "keep PACKAGES sorted and without repeats");
        assert!(PACKAGES.iter().all(|(_, why)| !why.is_empty()));
    }

    #[test]
    fn the_name_is_the_suite_and_a_stable_hash() {
        let name = name();
        assert!(name.starts_with("debian-bookworm-"), "{name}");
        assert_eq!(name.len(), "debian-bookworm-".len() + 12);
        assert_eq!(name, super::name());
    }
}

#[cfg(test)]
mod docs {
    #[test]
    fn the_docs_list_every_package_and_its_reason() {
        let doc = include_str!("../../../docs/unit-base.md");
        for (name, why) in super::PACKAGES {
            let row = format!("| `{name}` | {} |", why.replace('|', "/"));
            assert!(doc.contains(&row), "docs/unit-base.md lacks the row {row}");
        }
    }
}
