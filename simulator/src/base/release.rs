//! The release a unit answers as. Juju gives a formula an Ubuntu machine of the series it was
//! deployed on; a unit here is a Debian userland (see `recipe`) whose `/etc/lsb-release` and
//! `/etc/os-release` name that series, so that `lsb_release -cs`, charm-helpers'
//! `lsb_release()` and `platform.freedesktop_os_release()` answer as they would there. The
//! packages stay Debian's; `docs/unit-base.md` says so.

/// The series a unit gets when neither the scenario nor the formula names one: Juju 3's
/// default base, ubuntu@22.04 (juju/juju `version/series.go`, `DefaultSupportedLTSBase`).
pub const DEFAULT_SERIES: &str = "jammy";

/// Ubuntu's releases: series, version, and the name in the description.
const UBUNTU: &[(&str, &str, &str)] = &[
    ("natty", "11.04", "Ubuntu 11.04"),
    ("oneiric", "11.10", "Ubuntu 11.10"),
    ("precise", "12.04", "Ubuntu 12.04 LTS"),
    ("quantal", "12.10", "Ubuntu 12.10"),
    ("raring", "13.04", "Ubuntu 13.04"),
    ("saucy", "13.10", "Ubuntu 13.10"),
    ("trusty", "14.04", "Ubuntu 14.04 LTS"),
    ("utopic", "14.10", "Ubuntu 14.10"),
    ("vivid", "15.04", "Ubuntu 15.04"),
    ("wily", "15.10", "Ubuntu 15.10"),
    ("xenial", "16.04", "Ubuntu 16.04 LTS"),
    ("yakkety", "16.10", "Ubuntu 16.10"),
    ("zesty", "17.04", "Ubuntu 17.04"),
    ("artful", "17.10", "Ubuntu 17.10"),
    ("bionic", "18.04", "Ubuntu 18.04 LTS"),
    ("cosmic", "18.10", "Ubuntu 18.10"),
    ("disco", "19.04", "Ubuntu 19.04"),
    ("eoan", "19.10", "Ubuntu 19.10"),
    ("focal", "20.04", "Ubuntu 20.04 LTS"),
    ("groovy", "20.10", "Ubuntu 20.10"),
    ("hirsute", "21.04", "Ubuntu 21.04"),
    ("impish", "21.10", "Ubuntu 21.10"),
    ("jammy", "22.04", "Ubuntu 22.04 LTS"),
    ("kinetic", "22.10", "Ubuntu 22.10"),
    ("lunar", "23.04", "Ubuntu 23.04"),
    ("mantic", "23.10", "Ubuntu 23.10"),
    ("noble", "24.04", "Ubuntu 24.04 LTS"),
    ("oracular", "24.10", "Ubuntu 24.10"),
    ("plucky", "25.04", "Ubuntu 25.04"),
    ("questing", "25.10", "Ubuntu 25.10"),
];

/// An Ubuntu release a unit can answer as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// The series (`jammy`).
    pub series: &'static str,
    /// The version (`22.04`).
    pub version: &'static str,
    description: &'static str,
}

impl Release {
    /// The release of `series` (`jammy`) or of a base (`ubuntu@22.04`, `ubuntu:22.04`);
    /// `None` for what is not an Ubuntu release Juju knew.
    pub fn find(name: &str) -> Option<Release> {
        let name = name.trim();
        let version = name.strip_prefix("ubuntu@").or_else(|| name.strip_prefix("ubuntu:"));
        UBUNTU
            .iter()
            .find(|(series, v, _)| match version {
                Some(version) => version == *v,
                None => name == *series,
            })
            .map(|&(series, version, description)| Release { series, version, description })
    }

    /// The first of `names` that is an Ubuntu release, else [`DEFAULT_SERIES`].
    pub fn first_known<'a>(names: impl IntoIterator<Item = &'a str>) -> Release {
        names.into_iter().find_map(Release::find).unwrap_or_else(Release::default_release)
    }

    /// Juju's default: [`DEFAULT_SERIES`].
    pub fn default_release() -> Release {
        Release::find(DEFAULT_SERIES).unwrap_or(Release {
            series: DEFAULT_SERIES,
            version: "22.04",
            description: "Ubuntu 22.04 LTS",
        })
    }

    /// The unit's series as Juju names a base (`ubuntu@22.04`).
    pub fn base(&self) -> String {
        format!("ubuntu@{}", self.version)
    }

    /// `/etc/lsb-release` of this release.
    pub fn lsb_release(&self) -> String {
        format!(
            "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE={}\nDISTRIB_CODENAME={}\nDISTRIB_DESCRIPTION=\"{}\"\n",
            self.version, self.series, self.description
        )
    }

    /// `/etc/os-release` of this release (`ID_LIKE=debian`: the userland is Debian's).
    pub fn os_release(&self) -> String {
        let title = {
            let mut chars = self.series.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        };
        format!(
            "PRETTY_NAME=\"{desc}\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{v}\"\nVERSION=\"{v} ({title})\"\nVERSION_CODENAME={s}\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME={s}\n",
            desc = self.description,
            v = self.version,
            s = self.series,
        )
    }
}

impl Default for Release {
    fn default() -> Release {
        Release::default_release()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_and_bases_name_the_same_release() {
        assert_eq!(Release::find("xenial").map(|r| r.version), Some("16.04"));
        assert_eq!(Release::find("ubuntu@22.04").map(|r| r.series), Some("jammy"));
        assert_eq!(Release::find("ubuntu:20.04").map(|r| r.series), Some("focal"));
        assert_eq!(Release::find("centos7"), None);
        assert_eq!(Release::first_known(["kubernetes", "trusty"]).series, "trusty");
        assert_eq!(Release::first_known([]).series, "jammy");
    }

    #[test]
    fn the_files_answer_as_ubuntu() {
        let r = Release::find("trusty").unwrap();
        assert_eq!(
            r.lsb_release(),
            "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION=\"Ubuntu 14.04 LTS\"\n"
        );
        let os = r.os_release();
        assert!(os.contains("\nID=ubuntu\n") && os.contains("VERSION_CODENAME=trusty\n"), "{os}");
        assert!(os.contains("VERSION=\"14.04 (Trusty)\""), "{os}");
    }
}
