//! A deterministic simulator of Juju relation events that runs formulas' real hooks.
//!
//! [`sim::Sim`] deploys formulas into a simulated model and runs their hooks, one at a time,
//! in an order Juju allows, chosen by a seed; hook tools answer from the model over a unix
//! socket, or a formula's WebAssembly module in-process ([`runner::wasm`]). [`scenario`]
//! reads the YAML that drives a run and [`run::run`] executes it; [`companions`] makes one for
//! a formula given alone.
//!
//! The parts are Juju's own:
//!
//! - [`model`]: what the controller knows, and its verbs (deploy, relate, config, …);
//! - [`uniter`]: the unit agent, every rule by which a unit decides what to run next and
//!   what a hook's end causes;
//! - [`scheduler`]: which unit acts next and on which snapshot, with the faults, all drawn
//!   from the seed ([`choice`], [`fault`]);
//! - [`runner`]: how one hook runs (a process through a [`backend`], or a WebAssembly
//!   module), its environment, and the [`tools`] that answer it ([`hook_context`]);
//! - [`sim`]: the handle that joins them; [`trace`]: the typed events it writes, which the
//!   timeline page ([`html`]), the explorer ([`explore`]) and replay read.
#![deny(missing_docs)]

pub mod backend;
pub mod base;
pub mod bundle;
pub mod choice;
pub mod clock;
pub mod companions;
pub mod error;
pub mod exhaustive;
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
pub mod run_dirs;
pub mod runner;
pub mod scenario;
pub mod scheduler;
pub mod schedules_run;
pub mod server;
pub mod sim;
pub mod status;
pub mod tools;
pub mod trace;
pub mod uniter;
pub mod wire;
