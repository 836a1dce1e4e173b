//! How Juju, written in Go, reads and writes values: Go's `strconv` and `gopkg.in/yaml.v2`.
//!
//! A formula's files are read by Juju's Go code, and a hook reads what Juju's hook tools,
//! also Go, print. Where the kit has to answer as Juju would (the linter: is `"0x10"` an int
//! for Juju's schema? the loader: is a plain `yes` a boolean? the hook tools: how does
//! `relation-get` quote a string, write a float, order a map?), the answer follows Go's
//! libraries, and it is written here once:
//!
//! - [`strconv`]: `ParseInt`, `ParseUint`, `Atoi`, `ParseBool` (with Go's error texts),
//!   `Quote`, and the shortest float formats of `FormatFloat` and `encoding/json`;
//! - [`yaml_v2`]: how yaml.v2 resolves a plain scalar (YAML 1.1: `yes`, `off`, `0x10`, `.inf`),
//!   how it names a mapping key, and how `Marshal` writes a value.
//!
//! The loader ([`crate::yaml`]), the lint rules and the simulator's hook tools all use these
//! functions; none keeps a copy of a Go table.
//!
//! ```
//! use formula_sdk::go::{strconv, yaml_v2};
//! assert_eq!(strconv::parse_int("0x10"), Some(16));
//! assert_eq!(strconv::parse_bool("T"), Ok(true));
//! assert_eq!(yaml_v2::resolve_bool("yes"), Some(true));
//! assert_eq!(strconv::quote("a\tb"), r#""a\tb""#);
//! ```

pub mod strconv;
pub mod yaml_v2;
