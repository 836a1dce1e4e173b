//! A model's debug log, as `juju debug-log` shows Juju's: for each unit, the lines its hooks
//! wrote (stdout at DEBUG, stderr at WARNING), what they logged with `juju-log`, and a line
//! for each hook that ran or failed, each with the wall-clock time the controller saw it.

use simulator::runner::stream::{OutputLine, Stream};
use simulator::sim::HookRecord;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The most lines a model keeps; older ones go first.
const MAX_LINES: usize = 100_000;

/// One line of the log.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// Its number in the model's log (1, 2, …), by which a client following the log asks
    /// for the lines after those it has.
    pub seq: u64,
    /// When the controller saw it.
    pub at: SystemTime,
    /// The agent it is from (`unit-cache-0`).
    pub entity: String,
    /// `DEBUG`, `INFO`, `WARNING`, `ERROR`.
    pub level: String,
    /// Juju's logging module (`unit.cache/0.juju-log`, `juju.worker.uniter.operation`).
    pub module: String,
    /// The message.
    pub message: String,
}

/// A unit's agent, as the log names it (`cache/0` → `unit-cache-0`).
pub fn entity(unit: &str) -> String {
    format!("unit-{}", unit.replace('/', "-"))
}

impl LogLine {
    /// The line as `juju debug-log` prints it (`--date`: with the day; `--ms`: milliseconds).
    pub fn render(&self, date: bool, ms: bool) -> String {
        let stamp = super::since::clock_time(self.at, date, ms);
        format!("{}: {stamp} {} {} {}", self.entity, self.level, self.module, self.message)
    }
}

/// The log, shared between the model's thread (which writes it) and the commands.
#[derive(Clone, Debug, Default)]
pub struct DebugLog {
    lines: Arc<Mutex<Vec<LogLine>>>,
}

impl DebugLog {
    fn push(&self, mut line: LogLine) {
        if let Ok(mut lines) = self.lines.lock() {
            if lines.len() >= MAX_LINES {
                lines.drain(..MAX_LINES / 10);
            }
            line.seq = lines.last().map_or(1, |l| l.seq + 1);
            lines.push(line);
        }
    }

    /// A line of `unit` at `level` from `module`.
    fn unit_line(&self, unit: &str, level: &str, module: String, message: &str) {
        let line = LogLine {
            seq: 0,
            at: SystemTime::now(),
            entity: entity(unit),
            level: level.into(),
            module,
            message: message.to_string(),
        };
        self.push(line);
    }

    /// A line a hook wrote, as it is written.
    pub fn output(&self, line: &OutputLine<'_>) {
        let level = match line.stream {
            Stream::Stdout => "DEBUG",
            Stream::Stderr => "WARNING",
        };
        self.unit_line(line.unit, level, format!("unit.{}.{}", line.unit, line.hook), line.text);
    }

    /// A `juju-log` line of `unit` (`INFO message`, as the model keeps it).
    pub fn juju_log(&self, unit: &str, logged: &str) {
        let (level, message) = logged.split_once(' ').unwrap_or(("INFO", logged));
        self.unit_line(unit, level, format!("unit.{unit}.juju-log"), message);
    }

    /// The line the unit agent writes once a hook has run, or failed.
    pub fn hook_ran(&self, record: &HookRecord) {
        let hook = record.hook.name();
        let module = "juju.worker.uniter.operation".to_string();
        if simulator::runner::is_missing(&record.result) {
            self.unit_line(&record.unit, "INFO", module, &format!("skipped {hook:?} hook (missing)"));
        } else if record.ok {
            self.unit_line(&record.unit, "INFO", module, &format!("ran {hook:?} hook"));
        } else {
            // `failed (exit 1)` → `exit 1`.
            let result = &record.result;
            let why = result.strip_prefix("failed (").and_then(|r| r.strip_suffix(')')).unwrap_or(result);
            self.unit_line(&record.unit, "ERROR", module, &format!("hook {hook:?} failed: {why}"));
        }
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<LogLine> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }
}
