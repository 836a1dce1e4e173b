//! A hook's output as it is written (`formula sim -v`), for hooks that take minutes (a real
//! `install`): the runner reads what is new in the hook's capture files while it waits for
//! the hook's tool calls and exit, and hands on each complete line. Reading changes nothing
//! the engine records: the trace is the same with or without it.

use crate::backend::Capture;

/// Which stream a line was written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A line of a hook's output (without its newline; the last may lack one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputLine<'a> {
    /// The unit.
    pub unit: &'a str,
    /// The hook (or action).
    pub hook: &'a str,
    /// Where it was written.
    pub stream: Stream,
    /// The line, as text.
    pub text: &'a str,
}

/// What is handed each line.
pub type LineSink<'s> = &'s mut dyn FnMut(&OutputLine<'_>);

/// The most bytes read from one capture at a time.
const CHUNK: usize = 64 * 1024;

/// Follows the output of one running hook.
pub struct Follower<'s> {
    unit: String,
    hook: String,
    tails: [(Stream, Tail); 2],
    sink: LineSink<'s>,
}

/// How far one capture has been read, and the line begun and not yet ended.
struct Tail {
    capture: Capture,
    offset: u64,
    partial: Vec<u8>,
}

impl<'s> Follower<'s> {
    /// Follows `stdout` and `stderr` of `hook` on `unit`, into `sink`.
    pub fn new(unit: &str, hook: &str, stdout: &Capture, stderr: &Capture, sink: LineSink<'s>) -> Follower<'s> {
        let tail = |capture: &Capture| Tail { capture: capture.clone(), offset: 0, partial: Vec::new() };
        Follower {
            unit: unit.to_string(),
            hook: hook.to_string(),
            tails: [(Stream::Stdout, tail(stdout)), (Stream::Stderr, tail(stderr))],
            sink,
        }
    }

    /// Hands on every line completed since the last call.
    pub fn pump(&mut self) {
        for (stream, tail) in &mut self.tails {
            loop {
                let bytes = tail.capture.read_from(tail.offset, CHUNK);
                if bytes.is_empty() {
                    break;
                }
                tail.offset += bytes.len() as u64;
                tail.partial.extend_from_slice(&bytes);
                while let Some(end) = tail.partial.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = tail.partial.drain(..=end).collect();
                    emit(&mut *self.sink, &self.unit, &self.hook, *stream, &line[..end]);
                }
            }
        }
    }

    /// Hands on what is left once the hook has ended: the lines since the last call, and a
    /// last line without its newline.
    pub fn finish(mut self) {
        self.pump();
        for (stream, tail) in &mut self.tails {
            if !tail.partial.is_empty() {
                let line = std::mem::take(&mut tail.partial);
                emit(&mut *self.sink, &self.unit, &self.hook, *stream, &line);
            }
        }
    }
}

/// Hands on the lines of output kept whole (a WebAssembly hook's, which runs in-process and
/// is read once it ends).
pub fn emit_all(sink: LineSink<'_>, unit: &str, hook: &str, stdout: &str, stderr: &str) {
    for (stream, text) in [(Stream::Stdout, stdout), (Stream::Stderr, stderr)] {
        for line in text.lines() {
            emit(sink, unit, hook, stream, line.as_bytes());
        }
    }
}

fn emit(sink: LineSink<'_>, unit: &str, hook: &str, stream: Stream, line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let text = text.strip_suffix('\r').unwrap_or(&text);
    sink(&OutputLine { unit, hook, stream, text });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn lines_come_as_they_are_completed() {
        let (stdout, stderr) = (Capture::new("out").unwrap(), Capture::new("err").unwrap());
        let mut seen: Vec<String> = Vec::new();
        let mut sink = |line: &OutputLine<'_>| seen.push(format!("{:?} {}", line.stream, line.text));
        let mut follower = Follower::new("a/0", "install", &stdout, &stderr, &mut sink);
        let write = |capture: &Capture, text: &str| {
            let mut file = capture.writer().unwrap();
            file.write_all(text.as_bytes()).unwrap();
        };
        write(&stdout, "one\ntw");
        follower.pump();
        write(&stdout, "o\n");
        write(&stderr, "oops\r\nlast");
        follower.pump();
        follower.finish();
        assert_eq!(seen, ["Stdout one", "Stdout two", "Stderr oops", "Stderr last"]);
    }
}
