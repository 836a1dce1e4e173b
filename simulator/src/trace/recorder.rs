//! The engine's side of the trace: one place that pushes events into the sink, scrubs the
//! run's directory out of what hooks said, and knows which draws are traced already.

use super::{scrub, Draw, Event, TraceSink};
use crate::choice::Choices;
use std::path::Path;

/// Writes a run's events.
pub struct Recorder {
    sink: Box<dyn TraceSink>,
    root: String,
    draws_seen: usize,
    /// Every event so far, when the run reads its own trace back ([`Recorder::keep`]).
    kept: Option<Vec<Event>>,
}

impl Recorder {
    /// A recorder into `sink` for a run in `root`.
    pub fn new(sink: Box<dyn TraceSink>, root: &Path) -> Recorder {
        Recorder { sink, root: root.to_string_lossy().into_owned(), draws_seen: 0, kept: None }
    }

    /// Keeps every event from now on, for [`Recorder::kept`] (an exhaustive run's sleep set
    /// reads what its hooks touched).
    pub fn keep(&mut self) {
        self.kept.get_or_insert_with(Vec::new);
    }

    /// The events kept so far (none unless [`Recorder::keep`] was called).
    pub fn kept(&self) -> &[Event] {
        self.kept.as_deref().unwrap_or_default()
    }

    /// Pushes one event.
    pub fn emit(&mut self, event: Event) {
        self.sink.event(&event);
        if let Some(kept) = &mut self.kept {
            kept.push(event);
        }
    }

    /// Pushes events, in order.
    pub fn emit_all(&mut self, events: Vec<Event>) {
        for event in events {
            self.emit(event);
        }
    }

    /// Puts what the sink buffers where it goes (as each hook starts, and at the end).
    pub fn flush(&mut self) {
        self.sink.flush();
    }

    /// `text` with the run's directory written as `$SIM`.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, &self.root)
    }

    /// The draws made since the last call, for the next `hook` (or the `end`) event.
    pub fn new_draws(&mut self, choices: &Choices) -> Vec<Draw> {
        let draws = choices.draws();
        let new = draws[self.draws_seen.min(draws.len())..].iter().map(Into::into).collect();
        self.draws_seen = draws.len();
        new
    }
}
