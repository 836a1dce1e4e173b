//! What the `juju` client and the controller say to each other over the controller's socket:
//! one JSON line each way per connection. The client sends a [`Request`] and prints the
//! [`Reply`] as it is (stdout, stderr, exit code), so that everything Juju's command line
//! decides is decided in the controller, beside the models.

use serde::{Deserialize, Serialize};
use simulator::backend::UnitEntry;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

/// The environment variables the controller reads from a client's environment: the model in
/// focus, as Juju's `JUJU_MODEL`.
pub const FORWARDED_ENV: &[&str] = &["JUJU_MODEL"];

/// A client's request.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Request {
    /// A `juju` command line: its arguments (without the program), the directory it ran in
    /// (relative paths are read from there) and the variables of [`FORWARDED_ENV`] it had.
    Juju { args: Vec<String>, cwd: String, env: BTreeMap<String, String> },
    /// `formula controller status`.
    Status,
    /// `formula controller stop`.
    Stop,
}

/// What the client prints, and its exit code.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reply {
    /// Written to standard output.
    pub stdout: String,
    /// Written to standard error.
    pub stderr: String,
    /// The exit code.
    pub code: u8,
    /// What the client then does itself, where its terminal and files are (its exit code
    /// then being that work's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Box<ClientWork>>,
}

/// Work the controller leaves to the client: what needs the client's terminal, files or
/// time (`juju ssh`, `juju scp`, `juju debug-log` following the log).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ClientWork {
    /// `juju ssh`: `command` with bash in the unit's machine, or an interactive shell.
    Ssh {
        /// How to get into the machine.
        entry: UnitEntry,
        /// The command line (`None`: a shell).
        command: Option<String>,
    },
    /// `juju scp`: copies between the client's files and units' machines.
    Scp {
        /// Each copy: from, to.
        copies: Vec<(Place, Place)>,
        /// `-r`: directories, recursively.
        recursive: bool,
    },
    /// `juju debug-log` following the log: the client asks again for lines after `after`
    /// with the same arguments (`args`), until interrupted.
    Follow {
        /// The command line to repeat, with the cursor flag added.
        args: Vec<String>,
        /// The last line printed.
        after: u64,
    },
}

/// One end of a `juju scp` copy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Place {
    /// A path of the client's (relative to its working directory).
    Local {
        /// The path.
        path: String,
    },
    /// A path in a unit's machine (relative to its home).
    Unit {
        /// How to get into the machine.
        entry: UnitEntry,
        /// The path.
        path: String,
    },
}

impl Reply {
    /// Success with `stdout`.
    pub fn out(stdout: impl Into<String>) -> Reply {
        Reply { stdout: stdout.into(), ..Reply::default() }
    }

    /// A failure as Juju reports one: `ERROR message` on stderr, exit 1.
    pub fn error(message: impl std::fmt::Display) -> Reply {
        Reply { stderr: format!("ERROR {message}\n"), code: 1, ..Reply::default() }
    }

    /// A usage error (a flag or argument Juju's parser refuses): `ERROR message`, exit 2.
    pub fn usage(message: impl std::fmt::Display) -> Reply {
        Reply { stderr: format!("ERROR {message}\n"), code: 2, ..Reply::default() }
    }
}

/// Writes `value` as one JSON line on `stream`.
pub fn send<T: Serialize>(stream: &mut UnixStream, value: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    stream.flush()
}

/// Reads one JSON line from `stream`.
pub fn receive<T: for<'de> Deserialize<'de>>(stream: &mut UnixStream) -> std::io::Result<T> {
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    if line.is_empty() {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the other side closed the socket"));
    }
    serde_json::from_str(&line).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_and_a_reply_cross_a_socket_unchanged() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let env = BTreeMap::from([("JUJU_MODEL".to_string(), "dev".to_string())]);
        send(&mut a, &Request::Juju { args: vec!["status".into()], cwd: "/".into(), env }).unwrap();
        match receive::<Request>(&mut b).unwrap() {
            Request::Juju { args, env, .. } => {
                assert_eq!(args, ["status"]);
                assert_eq!(env["JUJU_MODEL"], "dev");
            }
            other => panic!("{other:?}"),
        }
        let reply = Reply::error("application \"x\" not found");
        send(&mut b, &reply).unwrap();
        assert_eq!(receive::<Reply>(&mut a).unwrap(), reply);
    }
}
