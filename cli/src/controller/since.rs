//! Wall-clock times as `juju status` prints them, and since when each status has been what
//! it is. The model keeps no wall clock (its time is model time, spec §6.5); the controller
//! notes the moment it first sees each status of a unit, an agent or an application.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A moment as Juju's status prints one (Go's `02 Jan 2006 15:04:05Z07:00`), in UTC:
/// `06 Dec 2026 19:21:04Z`.
pub fn format(at: SystemTime) -> String {
    let (date, time) = civil(at);
    format!("{:02} {} {} {time}Z", date.2, MONTHS[(date.1 - 1) as usize], date.0)
}

/// The time of day of a moment, as the status table's `Timestamp` column shows it: `19:21:04Z`.
pub fn time_of_day(at: SystemTime) -> String {
    format!("{}Z", civil(at).1)
}

/// A moment as `juju debug-log` prints it, in UTC: `19:21:04`, with `date` `2026-12-06
/// 19:21:04`, with `ms` `19:21:04.123`.
pub fn clock_time(at: SystemTime, date: bool, ms: bool) -> String {
    let ((year, month, day), time) = civil(at);
    let mut out = if date { format!("{year:04}-{month:02}-{day:02} {time}") } else { time };
    if ms {
        let millis = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_millis());
        out.push_str(&format!(".{millis:03}"));
    }
    out
}

/// A moment as Go's `time.Time.String` prints it in UTC, as `juju run` shows a task's times:
/// `2026-12-06 19:21:04 +0000 UTC`.
pub fn go_time(at: SystemTime) -> String {
    format!("{} +0000 UTC", clock_time(at, true, false))
}

/// A moment in RFC 3339, in UTC, as Juju's JSON and YAML give times: `2026-12-06T19:21:04Z`.
pub fn rfc3339(at: SystemTime) -> String {
    format!("{}Z", clock_time(at, true, false).replace(' ', "T"))
}

/// The (year, month, day) and `hh:mm:ss` of a moment, in UTC.
fn civil(at: SystemTime) -> ((i64, u32, u32), String) {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let time = format!("{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    (date_of_days(days), time)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's days-to-civil
/// algorithm, written out from its description).
fn date_of_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Since when each status has been what it is, by the entity's key (`unit wiki/0`,
/// `agent wiki/0`, `app wiki`).
#[derive(Debug, Default)]
pub struct Since {
    seen: BTreeMap<String, ((String, String), String)>,
}

impl Since {
    /// When `key` took the status `(current, message)`: `now` if it just changed, else the
    /// moment it was first seen so.
    pub fn of(&mut self, key: &str, current: &str, message: &str, now: &str) -> String {
        let status = (current.to_string(), message.to_string());
        match self.seen.get(key) {
            Some((seen, at)) if *seen == status => at.clone(),
            _ => {
                self.seen.insert(key.to_string(), (status, now.to_string()));
                now.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn moments_print_as_juju_prints_them() {
        let at = UNIX_EPOCH + Duration::from_secs(1_740_351_777);
        assert_eq!(format(at), "23 Feb 2025 23:02:57Z");
        assert_eq!(time_of_day(at), "23:02:57Z");
        assert_eq!(clock_time(at, false, false), "23:02:57");
        assert_eq!(clock_time(at + Duration::from_millis(45), true, true), "2025-02-23 23:02:57.045");
        assert_eq!(format(UNIX_EPOCH), "01 Jan 1970 00:00:00Z");
        // A leap day.
        assert_eq!(format(UNIX_EPOCH + Duration::from_secs(951_782_400)), "29 Feb 2000 00:00:00Z");
    }

    #[test]
    fn a_status_keeps_the_moment_it_was_first_seen() {
        let mut since = Since::default();
        assert_eq!(since.of("unit a/0", "waiting", "", "t1"), "t1");
        assert_eq!(since.of("unit a/0", "waiting", "", "t2"), "t1");
        assert_eq!(since.of("unit a/0", "active", "", "t3"), "t3");
        assert_eq!(since.of("unit b/0", "active", "", "t4"), "t4");
    }
}
