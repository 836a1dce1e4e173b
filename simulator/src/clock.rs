//! Model time, the model settings that use it, and Juju's hook retry backoff (spec §6.5).
//!
//! The simulator never reads the wall clock: model time is a count of milliseconds since the
//! model began (a fixed instant, shown as `0s`), and it moves only when a scenario waits
//! (`wait: 11m`) or when `settle` has nothing left to do but a hook retry that is due later.
//! What falls due as it moves (the update-status timer, hook retries) runs in time order.

use std::fmt;

/// Model time: milliseconds since the model began.
pub type Millis = u64;

/// The settings of Juju's model config that the simulator honours (spec §6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelConfig {
    /// `automatically-retry-hooks`: a failed hook is run again after a backoff.
    pub automatically_retry_hooks: bool,
    /// `update-status-hook-interval`: how often started units run update-status.
    pub update_status_hook_interval: Millis,
}

impl Default for ModelConfig {
    /// Juju's defaults: retries on, update-status every 5 minutes.
    fn default() -> ModelConfig {
        ModelConfig { automatically_retry_hooks: true, update_status_hook_interval: 5 * MINUTE }
    }
}

/// The keys a scenario's `model-config:` takes.
pub const MODEL_CONFIG_KEYS: &[&str] = &["automatically-retry-hooks", "update-status-hook-interval"];

/// A value written under `model-config:`.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    /// `true` or `false`.
    Bool(bool),
    /// Anything else, as text.
    Text(String),
}

impl ModelConfig {
    /// Sets `key` to `value` as `juju model-config` would check it; the error names what is
    /// wrong (an unknown key lists the known ones).
    pub fn set(&mut self, key: &str, value: &ConfigValue) -> Result<(), String> {
        match (key, value) {
            ("automatically-retry-hooks", ConfigValue::Bool(b)) => self.automatically_retry_hooks = *b,
            ("automatically-retry-hooks", ConfigValue::Text(t)) => {
                return Err(format!("`automatically-retry-hooks` must be true or false, not `{t}`"))
            }
            ("update-status-hook-interval", value) => {
                let text = match value {
                    ConfigValue::Text(t) => t.clone(),
                    ConfigValue::Bool(b) => b.to_string(),
                };
                let interval = parse_duration(&text)?;
                // Juju's model config refuses intervals outside 1m..60m.
                if !(MINUTE..=60 * MINUTE).contains(&interval) {
                    return Err(format!(
                        "update-status-hook-interval `{text}` must be from 1m to 60m, as Juju's model config allows"
                    ));
                }
                self.update_status_hook_interval = interval;
            }
            _ => return Err(format!("unknown model-config key `{key}`; known keys: {}", MODEL_CONFIG_KEYS.join(", "))),
        }
        Ok(())
    }
}

/// A second of model time.
pub const SECOND: Millis = 1000;
/// A minute of model time.
pub const MINUTE: Millis = 60 * SECOND;

/// The first hook retry comes this long after the failure (Juju's `MinRetryTime`).
pub const RETRY_MIN: Millis = 5 * SECOND;
/// Retries never wait longer than this (Juju's `MaxRetryTime`).
pub const RETRY_MAX: Millis = 5 * MINUTE;
/// Each retry waits this many times longer than the one before (Juju's `RetryTimeFactor`).
pub const RETRY_FACTOR: Millis = 2;

/// How long after its `attempt`-th failure in a row (from 0) a hook is retried: 5s, 10s, 20s,
/// … up to 5m. Juju adds up to ±3% of jitter from the wall clock; the simulator adds none,
/// so that a seed gives one schedule.
pub fn retry_delay(attempt: u32) -> Millis {
    let mut delay = RETRY_MIN;
    for _ in 0..attempt {
        delay = delay.saturating_mul(RETRY_FACTOR);
        if delay >= RETRY_MAX {
            return RETRY_MAX;
        }
    }
    delay
}

/// Reads a duration as Go's `time.ParseDuration` does (`30s`, `11m`, `1h30m`, `1.5h`,
/// `500ms`; units `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), to the millisecond. A negative
/// duration is refused: model time only moves forward.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let bad = || format!("`{text}` is not a duration (such as `30s`, `11m`, `1h30m`)");
    let mut rest = text.trim();
    if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    } else if rest.starts_with('-') {
        return Err(format!("`{text}` is negative: model time only moves forward"));
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    // Nanoseconds, as Go counts them, then rounded down to milliseconds.
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad());
        }
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("`{text}` has a number without a unit (ns, us, ms, s, m, h)")),
            other => return Err(format!("`{text}` has an unknown unit `{other}` (ns, us, ms, s, m, h)")),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let mut part = whole.checked_mul(scale).ok_or_else(bad)?;
        let mut place = scale;
        for digit in fraction.chars().filter_map(|c| c.to_digit(10)) {
            place /= 10;
            part += u128::from(digit) * place;
        }
        total = total.checked_add(part).ok_or_else(bad)?;
        rest = after;
    }
    Millis::try_from(total / 1_000_000).map_err(|_| bad())
}

/// A duration or an instant of model time, written as Go writes durations (`5m0s`,
/// `1h30m0s`, `1.5s`, `250ms`, `0s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown(pub Millis);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        if ms < SECOND {
            return write!(f, "{ms}ms");
        }
        let (hours, minutes) = (ms / (60 * MINUTE), ms / MINUTE % 60);
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if hours > 0 || minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        let (seconds, millis) = (ms / SECOND % 60, ms % SECOND);
        if millis == 0 {
            write!(f, "{seconds}s")
        } else {
            let fraction = format!("{millis:03}");
            write!(f, "{seconds}.{}s", fraction.trim_end_matches('0'))
        }
    }
}

/// The model's clock and the timers on it that belong to the model (hook retries belong to
/// each unit's agent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Now.
    pub now: Millis,
    /// When the update-status timer fires next (0: one interval after the start).
    pub next_update_status: Millis,
}

impl Clock {
    /// When the update-status timer fires next, with `interval` between firings.
    pub fn update_status_due(&self, interval: Millis) -> Millis {
        if self.next_update_status == 0 {
            interval
        } else {
            self.next_update_status
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_reads_them() {
        assert_eq!(parse_duration("11m"), Ok(11 * MINUTE));
        assert_eq!(parse_duration("30s"), Ok(30 * SECOND));
        assert_eq!(parse_duration("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("1.5h"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("2m3.25s"), Ok(2 * MINUTE + 3250));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("1500us"), Ok(1));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("5").unwrap_err().contains("without a unit"));
        assert!(parse_duration("5d").unwrap_err().contains("unknown unit `d`"));
        assert!(parse_duration("-5s").unwrap_err().contains("negative"));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("1..5s").is_err());
    }

    #[test]
    fn durations_show_as_go_shows_them() {
        let shown = |ms| Shown(ms).to_string();
        assert_eq!(shown(0), "0s");
        assert_eq!(shown(250), "250ms");
        assert_eq!(shown(5 * SECOND), "5s");
        assert_eq!(shown(1500), "1.5s");
        assert_eq!(shown(5 * MINUTE), "5m0s");
        assert_eq!(shown(90 * MINUTE), "1h30m0s");
        assert_eq!(shown(60 * MINUTE + 5 * SECOND), "1h0m5s");
    }

    #[test]
    fn the_retry_backoff_doubles_from_5s_to_at_most_5m() {
        let schedule: Vec<Millis> = (0..9).map(|n| retry_delay(n) / SECOND).collect();
        assert_eq!(schedule, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(retry_delay(u32::MAX), RETRY_MAX);
    }

    #[test]
    fn model_config_checks_what_juju_checks() {
        let mut config = ModelConfig::default();
        assert!(config.automatically_retry_hooks);
        assert_eq!(config.update_status_hook_interval, 5 * MINUTE);
        assert_eq!(config.set("automatically-retry-hooks", &ConfigValue::Bool(false)), Ok(()));
        assert!(!config.automatically_retry_hooks);
        assert_eq!(config.set("update-status-hook-interval", &ConfigValue::Text("10m".into())), Ok(()));
        assert_eq!(config.update_status_hook_interval, 10 * MINUTE);
        assert!(config.set("update-status-hook-interval", &ConfigValue::Text("30s".into())).is_err());
        assert!(config.set("update-status-hook-interval", &ConfigValue::Text("2h".into())).is_err());
        assert!(config.set("automatically-retry-hooks", &ConfigValue::Text("yes please".into())).is_err());
        assert_eq!(
            config.set("logging-config", &ConfigValue::Text("x".into())),
            Err("unknown model-config key `logging-config`; known keys: automatically-retry-hooks, update-status-hook-interval".into())
        );
    }

    #[test]
    fn the_update_status_timer_first_fires_one_interval_in() {
        let clock = Clock::default();
        assert_eq!(clock.update_status_due(5 * MINUTE), 5 * MINUTE);
        let later = Clock { now: 7 * MINUTE, next_update_status: 10 * MINUTE };
        assert_eq!(later.update_status_due(5 * MINUTE), 10 * MINUTE);
    }
}
