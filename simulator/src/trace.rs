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

/// Writes JSON lines to a file, flushing each event so that a crash leaves the trace on disk.
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
}

/// Replaces the run's directory in `text` by `$SIM`, so that traces do not depend on where
/// the run happened.
pub fn scrub(text: &str, root: &str) -> String {
    if root.is_empty() {
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
