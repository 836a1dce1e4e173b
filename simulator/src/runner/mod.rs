//! Ways to run a hook other than as a process in the unit (which `Sim` does through its
//! [`crate::backend::Backend`]).

pub mod wasm;
