//! F513 `int-option-read-as-text`: a shell hook reads an int option with `config-get` in a
//! format that writes large numbers with an exponent.
#![doc = include_str!("f513_int_option_read_as_text.md")]

use super::support::config::Options;
use super::support::hooks::{is_shell_script, text_files};
use crate::diagnostic::Severity;
use crate::format::OptionType;
use crate::lint::shell;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::NodeKind;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F513",
    name: "int-option-read-as-text",
    severity: Severity::Warning,
    group: Group::Suspicious,
    summary: "a shell hook reads an int option with `config-get` without `--format=json`",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f513_int_option_read_as_text.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let ints = int_options(ctx);
    if ints.is_empty() {
        return;
    }
    for file in text_files(ctx) {
        let Some(text) = &file.text else { continue };
        if !is_shell_script(file) {
            continue;
        }
        for command in shell::read(text).commands {
            if command.name() != "config-get" {
                continue;
            }
            let Some(key) = reads_as_text(command.args()) else { continue };
            if ints.iter().any(|name| *name == key) {
                let report = out.report(
                    &file.display,
                    Some(command.span),
                    format!("`config-get {key}` prints the int option `{key}` as YAML: 1000000 comes out as `1e+06`"),
                );
                report.help = Some(format!("read numbers as JSON: `config-get --format=json {key}`"));
            }
        }
    }
}

/// The names of config.yaml's options of type `int`.
fn int_options(ctx: &LintContext) -> Vec<String> {
    let Some(options) = Options::of(ctx) else {
        return Vec::new();
    };
    options
        .entries
        .iter()
        .filter(|(_, definition)| {
            matches!(definition.get("type").map(|t| &t.kind), Some(NodeKind::Str(t)) if OptionType::parse(t) == Some(OptionType::Int))
        })
        .map(|(key, _)| options.name(key))
        .collect()
}

/// The key `config-get` is asked for when it prints in the default (`smart`) or `yaml`
/// format; `None` with `--format=json`, with no key, or when the key is not a plain word.
fn reads_as_text(args: &[String]) -> Option<&str> {
    let mut key = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            // The guard takes the format's value either way.
            "--format" if words.next().is_some_and(|f| f == "json") => return None,
            "--format=json" => return None,
            "-o" | "--output" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w if key.is_none() => key = Some(w),
            _ => {}
        }
    }
    key.filter(|k| !k.contains('$'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn which_calls_print_text() {
        assert_eq!(reads_as_text(&args(&["size"])), Some("size"));
        assert_eq!(reads_as_text(&args(&["--format=yaml", "size"])), Some("size"));
        assert_eq!(reads_as_text(&args(&["size", "--format", "smart"])), Some("size"));
        assert_eq!(reads_as_text(&args(&["--format=json", "size"])), None);
        assert_eq!(reads_as_text(&args(&["size", "--format", "json"])), None);
        assert_eq!(reads_as_text(&args(&["--all"])), None);
        assert_eq!(reads_as_text(&args(&["$name"])), None);
    }
}
