//! The trace: the product of a run, as JSON lines, one event each.
//!
//! Same scenario and seed, same bytes: events hold no times, no process ids, and paths under
//! the run's own directory are written as `$SIM`. Renderers (the hook log, the status table)
//! read events; they never call back into the engine.

use serde_json::{json, Value};
use std::io::Write;

/// Receives events as the engine pushes them.
pub trait TraceSink {
    /// One event.
    fn event(&mut self, event: &Value);

    /// Puts what the sink buffers where it goes; the engine calls it as each hook starts and
    /// when the run ends.
    fn flush(&mut self) {}
}

/// Keeps events in memory.
#[derive(Default)]
pub struct MemorySink {
    /// The events so far.
    pub events: Vec<Value>,
}

impl TraceSink for MemorySink {
    fn event(&mut self, event: &Value) {
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
    fn event(&mut self, event: &Value) {
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
    fn event(&mut self, event: &Value) {
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

/// Builds an event object.
pub fn event(kind: &str, fields: Value) -> Value {
    let mut e = json!({ "event": kind });
    if let (Some(obj), Value::Object(extra)) = (e.as_object_mut(), fields) {
        obj.extend(extra);
    }
    e
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
/// event object.
pub fn parse(text: &str) -> Result<Vec<Value>, ParseError> {
    let mut events = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let event: Value = serde_json::from_str(line).map_err(|e| {
            // serde's message ends with its own "at line 1 column N": the place is ours.
            let text = e.to_string();
            let message = text.split(" at line ").next().unwrap_or(&text).to_string();
            ParseError { line: index + 1, column: e.column().max(1), message: format!("not a JSON event: {message}") }
        })?;
        if event.get("event").and_then(Value::as_str).is_none() {
            return Err(ParseError {
                line: index + 1,
                column: 1,
                message: "not a trace event (no `event` name)".into(),
            });
        }
        events.push(event);
    }
    Ok(events)
}
