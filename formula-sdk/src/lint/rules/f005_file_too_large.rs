//! F005 `file-too-large`: a formula file is too large to be what it claims.
#![doc = include_str!("f005_file_too_large.md")]

use super::support::files::{real_path, relative};
use super::support::layer::layer;
use crate::diagnostic::Severity;
use crate::format::MAX_FILE_BYTES;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F005",
    name: "file-too-large",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "a formula file is too large to be what it claims",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: None,
    explanation: include_str!("f005_file_too_large.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let formula = ctx.formula;
    let layer_problems = layer(formula).map(|l| l.problems).unwrap_or_default();
    for problem in formula.read_problems.iter().chain(&layer_problems).filter(|p| p.too_large) {
        let name = relative(formula, &problem.path);
        let message = match std::fs::metadata(real_path(formula, &problem.path)) {
            Ok(meta) => format!(
                "`{name}` is {}, more than the {} a formula file may have",
                size(meta.len()),
                mebibytes(MAX_FILE_BYTES)
            ),
            Err(_) => format!("`{name}` {}", problem.reason),
        };
        out.report(&problem.path, None, message).help = Some(
            "formula files are a few kilobytes; generated data belongs in a resource or is fetched by a hook".into(),
        );
    }
}

/// A file's size for messages: in MiB, or in bytes when MiB would hide that it is over the limit.
fn size(bytes: u64) -> String {
    if bytes < MAX_FILE_BYTES + 100 * 1024 {
        format!("{bytes} bytes")
    } else {
        mebibytes(bytes)
    }
}

/// A size in MiB for messages: `4 MiB`, `5.5 MiB`.
fn mebibytes(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib.fract() == 0.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::mebibytes(4 * 1024 * 1024), "4 MiB");
        assert_eq!(super::mebibytes(5 * 1024 * 1024 + 512 * 1024), "5.5 MiB");
    }
}
