//! A deterministic simulator of Juju relation events that runs formulas' real hooks.
//!
//! [`sim::Sim`] deploys formulas into a simulated model and runs their hooks, one at a time,
//! in an order Juju allows, chosen by a seed; hook tools answer from the model over a unix
//! socket, or a formula's WebAssembly module in-process ([`runner::wasm`]). [`scenario`] reads the YAML that drives a run and [`run::run`] executes it.
#![deny(missing_docs)]

pub mod agent;
pub mod backend;
pub mod bundle;
pub mod choice;
pub mod expect;
pub mod explore;
pub mod fault;
pub mod hook;
pub mod hook_context;
pub mod html;
pub mod idempotence;
pub mod misuse;
pub mod model;
pub mod run;
pub mod runner;
pub mod scenario;
pub mod server;
pub mod sim;
pub mod status;
pub mod tools;
pub mod trace;
pub mod wire;
