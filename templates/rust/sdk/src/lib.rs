//! The hook API of Formula Kit, as `formula new` wrote it into this formula: [`hook`] is
//! the typed access to Juju's hook tools for hooks written in Rust, which build natively (the
//! tools are the executables on `PATH`) and for `wasm32-wasip1` (the tools are functions
//! the simulator provides).

pub mod hook;
