//! Command-line flags as Juju's hook tools parse them (`juju/gnuflag`).
//!
//! GNU style with flags and positional arguments interspersed: `--` ends
//! the flags, `-` and `` are positional, `--name=value` and `--name value`
//! for long flags, `-rdb:1` and `-r db:1` for short ones, `-ab` for several
//! short booleans, `--app=false` to give a boolean a value. `-h`, `--help`
//! (and any cluster starting with `h`) ask for help unless a tool defines
//! such a flag. Error texts are gnuflag's, flag names written with one dash
//! when they are one character long and two otherwise.

use formula_sdk::go::strconv::{parse_bool, quote};

/// Whether a flag takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// A boolean: present means true; `--flag=false` sets it explicitly.
    Bool,
    /// A Go `string` flag (help shows its default quoted).
    String,
    /// A flag with its own value type (help shows its default unquoted).
    Var,
}

/// One flag a tool accepts, possibly under several names (`-o`, `--output`).
#[derive(Debug, Clone)]
pub struct FlagSpec {
    /// The names without dashes, shortest first; the first is the key the
    /// tool sees.
    pub names: Vec<&'static str>,
    /// Its kind.
    pub kind: FlagKind,
    /// The default as `--help` shows it.
    pub default: String,
    /// One line of help.
    pub usage: &'static str,
}

impl FlagSpec {
    /// A boolean flag that defaults to false.
    pub fn bool(names: &[&'static str], usage: &'static str) -> FlagSpec {
        FlagSpec::new(names, FlagKind::Bool, "false", usage)
    }

    /// A string flag.
    pub fn string(names: &[&'static str], default: &str, usage: &'static str) -> FlagSpec {
        FlagSpec::new(names, FlagKind::String, default, usage)
    }

    /// A flag with a custom value type.
    pub fn var(names: &[&'static str], default: &str, usage: &'static str) -> FlagSpec {
        FlagSpec::new(names, FlagKind::Var, default, usage)
    }

    fn new(names: &[&'static str], kind: FlagKind, default: &str, usage: &'static str) -> FlagSpec {
        let mut names = names.to_vec();
        names.sort_by_key(|n| n.len());
        FlagSpec { names, kind, default: default.to_string(), usage }
    }

    /// The key the tool matches on: the shortest name.
    pub fn key(&self) -> &'static str {
        self.names[0]
    }
}

/// A flag's value as the tool receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagValue<'a> {
    /// A boolean flag's value.
    Bool(bool),
    /// A value flag's argument.
    Str(&'a str),
}

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    /// `-h` or `--help`: print the help and exit 0.
    Help,
    /// A usage error, exit 2 with `ERROR <message>`.
    Usage(String),
}

/// `--x` or `-x`, as gnuflag names a flag in its messages.
pub fn with_dashes(name: &str) -> String {
    if name.chars().count() > 1 {
        format!("--{name}")
    } else {
        format!("-{name}")
    }
}

/// Parses `args` against `specs`, handing each flag to `set` in order (so
/// that a bad value is reported where it occurs). `set` returns the reason
/// a value is invalid. Returns the positional arguments.
pub fn parse(
    specs: &[FlagSpec],
    args: &[String],
    set: &mut dyn FnMut(&FlagSpec, FlagValue<'_>) -> Result<(), String>,
) -> Result<Vec<String>, FlagError> {
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "-" || !arg.starts_with('-') {
            positional.push(arg.clone());
            continue;
        }
        if arg == "--" {
            positional.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some(("", _)) => {
                    return Err(FlagError::Usage(format!("empty flag in argument {}", quote(arg))));
                }
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            apply(specs, name, inline, args, &mut i, set)?;
            continue;
        }
        // A cluster of short flags: each char is a flag until one takes a
        // value, which is the rest of the cluster or the next argument.
        let mut rest = &arg[1..];
        while let Some(c) = rest.chars().next() {
            let name = &rest[..c.len_utf8()];
            rest = &rest[c.len_utf8()..];
            let spec = lookup(specs, name)?;
            if spec.kind == FlagKind::Bool && !rest.starts_with('=') {
                set_value(spec, name, FlagValue::Bool(true), set)?;
                continue;
            }
            // Short flags keep a leading `=` in their value, as gnuflag does.
            let inline = (!rest.is_empty()).then_some(rest);
            apply_value(spec, name, inline, args, &mut i, set)?;
            break;
        }
    }
    Ok(positional)
}

fn lookup<'s>(specs: &'s [FlagSpec], name: &str) -> Result<&'s FlagSpec, FlagError> {
    match specs.iter().find(|s| s.names.contains(&name)) {
        Some(spec) => Ok(spec),
        None if name == "help" || name == "h" => Err(FlagError::Help),
        None => Err(FlagError::Usage(format!("flag provided but not defined: {}", with_dashes(name)))),
    }
}

fn apply(
    specs: &[FlagSpec],
    name: &str,
    inline: Option<&str>,
    args: &[String],
    i: &mut usize,
    set: &mut dyn FnMut(&FlagSpec, FlagValue<'_>) -> Result<(), String>,
) -> Result<(), FlagError> {
    let spec = lookup(specs, name)?;
    if spec.kind == FlagKind::Bool && inline.is_none() {
        return set_value(spec, name, FlagValue::Bool(true), set);
    }
    apply_value(spec, name, inline, args, i, set)
}

fn apply_value(
    spec: &FlagSpec,
    name: &str,
    inline: Option<&str>,
    args: &[String],
    i: &mut usize,
    set: &mut dyn FnMut(&FlagSpec, FlagValue<'_>) -> Result<(), String>,
) -> Result<(), FlagError> {
    let value = match inline {
        Some(value) => value,
        None if *i < args.len() => {
            *i += 1;
            args[*i - 1].as_str()
        }
        None => {
            return Err(FlagError::Usage(format!("flag needs an argument: {}", with_dashes(name))));
        }
    };
    let invalid = |reason: String| {
        FlagError::Usage(format!("invalid value {} for flag {}: {}", quote(value), with_dashes(name), reason))
    };
    if spec.kind == FlagKind::Bool {
        let b = parse_bool(value).map_err(invalid)?;
        return set(spec, FlagValue::Bool(b)).map_err(invalid);
    }
    set(spec, FlagValue::Str(value)).map_err(invalid)
}

fn set_value(
    spec: &FlagSpec,
    name: &str,
    value: FlagValue<'_>,
    set: &mut dyn FnMut(&FlagSpec, FlagValue<'_>) -> Result<(), String>,
) -> Result<(), FlagError> {
    set(spec, value).map_err(|reason| {
        FlagError::Usage(format!("invalid value \"true\" for flag {}: {}", with_dashes(name), reason))
    })
}

/// The `Options:` block of `--help`, as gnuflag's `PrintDefaults`: one
/// entry per flag, names joined by `, `, sorted by the shortest name.
pub fn defaults_help(specs: &[FlagSpec]) -> String {
    let mut sorted: Vec<&FlagSpec> = specs.iter().collect();
    sorted.sort_by_key(|s| s.key());
    let mut out = String::new();
    for spec in sorted {
        let names: Vec<String> = spec.names.iter().map(|n| with_dashes(n)).collect();
        let names = names.join(", ");
        if spec.kind == FlagKind::String {
            out.push_str(&format!("{names} (= {})\n    {}\n", quote(&spec.default), spec.usage));
        } else {
            out.push_str(&format!("{names}  (= {})\n    {}\n", spec.default, spec.usage));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> Vec<FlagSpec> {
        vec![
            FlagSpec::bool(&["app"], "whole application"),
            FlagSpec::bool(&["a", "all"], "all keys"),
            FlagSpec::var(&["r", "relation"], "", "relation id"),
            FlagSpec::string(&["o", "output"], "", "output file"),
        ]
    }

    fn run(args: &[&str]) -> Result<(Vec<String>, Vec<String>), FlagError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut seen = Vec::new();
        let positional = parse(&specs(), &args, &mut |spec, value| {
            match value {
                FlagValue::Bool(b) => seen.push(format!("{}={b}", spec.key())),
                FlagValue::Str("bad") => return Err("nope".to_string()),
                FlagValue::Str(s) => seen.push(format!("{}={s}", spec.key())),
            }
            Ok(())
        })?;
        Ok((positional, seen))
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn interspersed_and_terminated() {
        let (pos, seen) = run(&["key", "--app", "-r", "db:1", "unit/0", "--", "--app", "-"]).unwrap();
        assert_eq!(pos, strings(&["key", "unit/0", "--app", "-"]));
        assert_eq!(seen, strings(&["app=true", "r=db:1"]));
    }

    #[test]
    fn value_forms() {
        let (_, seen) = run(&["-rdb:1", "--relation=db:2", "--relation", "3", "-o", "f", "--output=", "-r=4"]).unwrap();
        assert_eq!(seen, strings(&["r=db:1", "r=db:2", "r=3", "o=f", "o=", "r==4"]));
    }

    #[test]
    fn bool_forms() {
        let (_, seen) = run(&["--app=false", "--all", "-a", "--app=T"]).unwrap();
        assert_eq!(seen, strings(&["app=false", "a=true", "a=true", "app=true"]));
        assert_eq!(
            run(&["--app=maybe"]).unwrap_err(),
            FlagError::Usage(
                r#"invalid value "maybe" for flag --app: strconv.ParseBool: parsing "maybe": invalid syntax"#.into()
            )
        );
    }

    #[test]
    fn short_clusters() {
        let (pos, seen) = run(&["-ar", "7", "x"]).unwrap();
        assert_eq!(pos, strings(&["x"]));
        assert_eq!(seen, strings(&["a=true", "r=7"]));
    }

    #[test]
    fn errors() {
        assert_eq!(run(&["-x"]).unwrap_err(), FlagError::Usage("flag provided but not defined: -x".into()));
        assert_eq!(run(&["--bogus"]).unwrap_err(), FlagError::Usage("flag provided but not defined: --bogus".into()));
        assert_eq!(run(&["-r"]).unwrap_err(), FlagError::Usage("flag needs an argument: -r".into()));
        assert_eq!(run(&["--relation"]).unwrap_err(), FlagError::Usage("flag needs an argument: --relation".into()));
        assert_eq!(
            run(&["-r", "bad"]).unwrap_err(),
            FlagError::Usage(r#"invalid value "bad" for flag -r: nope"#.into())
        );
        assert_eq!(run(&["--r=bad"]).unwrap_err(), FlagError::Usage(r#"invalid value "bad" for flag -r: nope"#.into()));
        assert_eq!(run(&["--=x"]).unwrap_err(), FlagError::Usage(r#"empty flag in argument "--=x""#.into()));
    }

    #[test]
    fn help_and_order() {
        assert_eq!(run(&["--help"]).unwrap_err(), FlagError::Help);
        assert_eq!(run(&["-h"]).unwrap_err(), FlagError::Help);
        assert_eq!(run(&["-ah"]).unwrap_err(), FlagError::Help);
        // The first problem wins.
        assert_eq!(run(&["-x", "--help"]).unwrap_err(), FlagError::Usage("flag provided but not defined: -x".into()));
        assert_eq!(run(&["--help", "-x"]).unwrap_err(), FlagError::Help);
    }

    #[test]
    fn help_text() {
        assert_eq!(
            defaults_help(&specs()),
            "-a, --all  (= false)\n    all keys\n\
             --app  (= false)\n    whole application\n\
             -o, --output (= \"\")\n    output file\n\
             -r, --relation  (= )\n    relation id\n"
        );
    }
}
