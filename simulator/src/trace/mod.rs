//! The trace: the product of a run, as JSON lines, one [`Event`] each.
//!
//! Same scenario and seed, same bytes: events hold no times, no process ids, and paths under
//! the run's own directory are written as `$SIM`. Renderers (the hook log, the timeline page,
//! the explorer) read events; they never call back into the engine. The engine pushes events
//! into a [`TraceSink`]; [`read`] reads a trace file back. The schema is `docs/trace.md`.

mod event;
mod recorder;

pub use event::*;
pub use recorder::Recorder;

use std::io::Write;

/// Receives events as the engine pushes them.
pub trait TraceSink {
    /// One event.
    fn event(&mut self, event: &Event);

    /// Puts what the sink buffers where it goes; the engine calls it as each hook starts and
    /// when the run ends.
    fn flush(&mut self) {}
}

/// Keeps events in memory.
#[derive(Default)]
pub struct MemorySink {
    /// The events so far.
    pub events: Vec<Event>,
}

impl TraceSink for MemorySink {
    fn event(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
}

/// Writes JSON lines to a file. It is flushed as each hook starts (a hook that hangs, or a
/// run killed meanwhile, leaves the trace up to that hook on disk), when the run ends and
/// when dropped; not after every event, which cost a `write` per event.
pub struct FileSink {
    file: std::io::BufWriter<std::fs::File>,
}

impl FileSink {
    /// Creates (or truncates) `path`.
    pub fn create(path: &std::path::Path) -> std::io::Result<FileSink> {
        Ok(FileSink { file: std::io::BufWriter::new(std::fs::File::create(path)?) })
    }
}

impl TraceSink for FileSink {
    fn event(&mut self, event: &Event) {
        let _ = serde_json::to_writer(&mut self.file, event);
        let _ = self.file.write_all(b"\n");
    }

    fn flush(&mut self) {
        let _ = self.file.flush();
    }
}

/// Sends each event to several sinks.
#[derive(Default)]
pub struct Tee {
    /// The sinks.
    pub sinks: Vec<Box<dyn TraceSink>>,
}

impl TraceSink for Tee {
    fn event(&mut self, event: &Event) {
        for sink in &mut self.sinks {
            sink.event(event);
        }
    }

    fn flush(&mut self) {
        for sink in &mut self.sinks {
            sink.flush();
        }
    }
}

/// Replaces the run's directory in `text` by `$SIM`, so that traces do not depend on where
/// the run happened.
pub fn scrub(text: &str, root: &str) -> String {
    // Most texts are shorter than the root or do not hold it: no replacing (nor allocating
    // the searcher twice) for those.
    if root.is_empty() || text.len() < root.len() || !text.contains(root) {
        text.to_string()
    } else {
        text.replace(root, "$SIM")
    }
}

/// A line of a trace file that is not a JSON event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line (1-based).
    pub line: usize,
    /// The column within it (1-based).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Reads a trace written as JSON lines (blank lines are skipped); every line must be an
/// event object. An event of a kind this version does not know reads as [`Event::Other`].
pub fn read(text: &str) -> Result<Vec<Event>, ParseError> {
    let mut events = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        events.push(read_line(index + 1, line)?);
    }
    Ok(events)
}

/// Reads line `number` of a trace.
fn read_line(number: usize, line: &str) -> Result<Event, ParseError> {
    serde_json::from_str(line).map_err(|e| {
        // serde's message ends with its own "at line 1 column N": the place is ours.
        let text = e.to_string();
        let message = text.split(" at line ").next().unwrap_or(&text).to_string();
        if e.classify() != serde_json::error::Category::Data {
            return ParseError {
                line: number,
                column: e.column().max(1),
                message: format!("not a JSON event: {message}"),
            };
        }
        let named = serde_json::from_str::<serde_json::Value>(line)
            .is_ok_and(|v| v.get("event").and_then(serde_json::Value::as_str).is_some());
        if !named {
            return ParseError { line: number, column: 1, message: "not a trace event (no `event` name)".into() };
        }
        ParseError { line: number, column: e.column().max(1), message: format!("not a trace event: {message}") }
    })
}

#[cfg(test)]
mod tests;
