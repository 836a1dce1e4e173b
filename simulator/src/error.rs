//! The error that stops a run.

/// An error that stops a run (as opposed to a hook failing, which the model records): a
/// scenario step the model refuses, a unit that cannot be made, a formula Juju would refuse.
#[derive(Debug)]
pub struct SimError(pub String);

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

/// `Err(SimError(message))`.
pub(crate) fn err<T>(message: impl Into<String>) -> Result<T, SimError> {
    Err(SimError(message.into()))
}
