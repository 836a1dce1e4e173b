//! F002 `yaml-syntax-error`: a YAML file of the formula does not parse.
#![doc = include_str!("f002_yaml_syntax_error.md")]

use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F002",
    name: "yaml-syntax-error",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a YAML file of the formula does not parse",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("2,41,48"),
    explanation: include_str!("f002_yaml_syntax_error.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    for file in ctx.yaml_files() {
        if let Some(error) = &file.error {
            out.report(
                file.path(),
                Some(error.span),
                format!("cannot parse `{}`: {}", file_name(file.path()), error.message),
            );
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
