//! Typed errors of hook tools.

use std::fmt;

/// What kind of failure a hook tool reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something named does not exist (`relation not found`, `unit not found`, …).
    NotFound,
    /// The controller refused the read or write (`permission denied`, or the unit is not
    /// the leader where only the leader may act).
    Permission,
    /// An action tool was called outside an action.
    NotInAction,
    /// The tool refused its arguments (exit code 2): a bug in the caller.
    Usage,
    /// The tool could not be run at all (not on `PATH`, no host function), or its output
    /// was not what `--format json` promises.
    Transport,
    /// Any other failure; the message says what.
    Other,
}

/// A hook tool failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// The tool that failed (`relation-get`).
    pub tool: String,
    /// Its message, without the `ERROR ` prefix.
    pub message: String,
}

impl Error {
    /// An error of `kind` from `tool`.
    pub fn new(kind: ErrorKind, tool: &str, message: impl Into<String>) -> Error {
        Error { kind, tool: tool.to_string(), message: message.into() }
    }

    /// The error a tool's exit `code` and `stderr` mean.
    pub fn from_exit(tool: &str, code: i32, stderr: &str) -> Error {
        let message = stderr.trim().lines().last().unwrap_or("").trim();
        let message = message.strip_prefix("ERROR ").unwrap_or(message).to_string();
        let kind = if code == 2 {
            ErrorKind::Usage
        } else if message.ends_with("not found") {
            ErrorKind::NotFound
        } else if message.contains("permission denied")
            || message.contains("not the leader")
            || message == "cannot write relation settings"
        {
            ErrorKind::Permission
        } else if message.contains("not running an action") {
            ErrorKind::NotInAction
        } else {
            ErrorKind::Other
        };
        Error { kind, tool: tool.to_string(), message }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.tool, self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_messages_map_to_kinds() {
        let kind = |code, stderr| Error::from_exit("t", code, stderr).kind;
        assert_eq!(kind(2, "ERROR flag provided but not defined: -x\n"), ErrorKind::Usage);
        assert_eq!(kind(1, "ERROR relation not found\n"), ErrorKind::NotFound);
        assert_eq!(kind(1, "ERROR permission denied\n"), ErrorKind::Permission);
        assert_eq!(kind(1, "ERROR cannot write leadership settings: not the leader\n"), ErrorKind::Permission);
        assert_eq!(kind(1, "ERROR cannot write relation settings\n"), ErrorKind::Permission);
        assert_eq!(kind(1, "ERROR not running an action\n"), ErrorKind::NotInAction);
        assert_eq!(kind(1, "ERROR boom\n"), ErrorKind::Other);
        assert_eq!(Error::from_exit("t", 1, "ERROR relation not found\n").message, "relation not found");
    }
}
