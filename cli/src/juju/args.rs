//! Juju's command-line parsing (gnuflag with interspersed arguments): flags may come before,
//! between or after the positional arguments (`juju config --format json app`, `juju status
//! --model m`), `--name=value` or `--name value`, `-n 3` or `-n=3`, `--` ends the flags. A
//! flag a command does not define is a usage error, as Juju says it.

use std::collections::BTreeMap;

/// A flag a command takes: its names (the first is the one the command reads it by) and
/// whether it takes a value.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    /// Its names without dashes: `["num-units", "n"]`.
    pub names: &'static [&'static str],
    /// Whether it takes a value (else it is a boolean).
    pub value: bool,
}

/// A flag with a value.
pub const fn value(names: &'static [&'static str]) -> Flag {
    Flag { names, value: true }
}

/// A boolean flag.
pub const fn switch(names: &'static [&'static str]) -> Flag {
    Flag { names, value: false }
}

/// Flags every command takes: the model, and the logging flags Juju's commands share.
pub const COMMON: &[Flag] = &[
    value(&["model", "m"]),
    switch(&["no-browser-login", "B"]),
    switch(&["debug"]),
    switch(&["verbose", "v"]),
    switch(&["quiet", "q"]),
    switch(&["show-log"]),
    value(&["logging-config"]),
    switch(&["help", "h"]),
];

/// A command line, parsed.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The positional arguments, in order.
    pub args: Vec<String>,
    /// The values of value flags, by their first name, in order.
    values: BTreeMap<&'static str, Vec<String>>,
    /// Boolean flags given, by their first name, with their value.
    switches: BTreeMap<&'static str, bool>,
}

impl Parsed {
    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|v| v.last()).map(String::as_str)
    }

    /// Every value given for `name`, in order.
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether the boolean flag `name` is set.
    pub fn switch(&self, name: &str) -> bool {
        self.switches.get(name).copied().unwrap_or(false)
    }
}

/// Parses `argv` (after the command's name) against `flags` and [`COMMON`]; the error is
/// Juju's message for a usage error.
pub fn parse(argv: &[String], flags: &[Flag]) -> Result<Parsed, String> {
    let find = |name: &str| flags.iter().chain(COMMON).find(|f| f.names.contains(&name)).copied();
    let mut parsed = Parsed::default();
    let mut rest = argv.iter();
    while let Some(arg) = rest.next() {
        if arg == "--" {
            parsed.args.extend(rest.by_ref().cloned());
            break;
        }
        let Some(body) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-').filter(|b| !b.is_empty())) else {
            parsed.args.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        let Some(flag) = find(name) else {
            return Err(format!("option provided but not defined: {}", arg.split('=').next().unwrap_or(arg)));
        };
        let key = flag.names[0];
        if flag.value {
            let value = match inline {
                Some(value) => value,
                None => rest.next().cloned().ok_or_else(|| format!("option needs an argument: {arg}"))?,
            };
            parsed.values.entry(key).or_default().push(value);
        } else {
            let on = match inline.as_deref() {
                None => true,
                Some(text) => formula_sdk::go::strconv::parse_bool(text)
                    .map_err(|_| format!("invalid value {text:?} for flag {arg}: parse error"))?,
            };
            parsed.switches.insert(key, on);
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    const DEPLOY: &[Flag] = &[value(&["num-units", "n"]), value(&["config"]), switch(&["trust"])];

    #[test]
    fn flags_go_anywhere_among_the_arguments() {
        let parsed = parse(&argv("./cache --model dev cache2 -n 2 --config a=1 --config=b=2 --trust"), DEPLOY).unwrap();
        assert_eq!(parsed.args, ["./cache", "cache2"]);
        assert_eq!(parsed.value("model"), Some("dev"));
        assert_eq!(parsed.value("num-units"), Some("2"));
        assert_eq!(parsed.values("config"), ["a=1", "b=2"]);
        assert!(parsed.switch("trust"));
        assert!(!parsed.switch("debug"));
    }

    #[test]
    fn a_double_dash_ends_the_flags() {
        let parsed = parse(&argv("-m=dev -- -n x"), DEPLOY).unwrap();
        assert_eq!(parsed.value("model"), Some("dev"));
        assert_eq!(parsed.args, ["-n", "x"]);
    }

    #[test]
    fn unknown_flags_and_missing_values_are_usage_errors_as_juju_words_them() {
        assert_eq!(parse(&argv("x --force=1"), DEPLOY).unwrap_err(), "option provided but not defined: --force");
        assert_eq!(parse(&argv("x -n"), DEPLOY).unwrap_err(), "option needs an argument: -n");
        assert!(parse(&argv("x --trust=maybe"), DEPLOY).unwrap_err().starts_with("invalid value"));
        assert!(!parse(&argv("x --trust=false"), DEPLOY).unwrap().switch("trust"));
    }
}
