//! F129 `metadata-revision-invalid`: metadata's revision is not a non-negative integer.
#![doc = include_str!("f129_metadata_revision_invalid.md")]

use super::support::python;
use super::support::spans::value_span;
use super::support::wording::describe_read;
use crate::diagnostic::Severity;
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::{Node, NodeKind};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F129",
    name: "metadata-revision-invalid",
    severity: Severity::Warning,
    group: Group::Compat,
    summary: "metadata's revision is not a non-negative integer",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("36"),
    explanation: include_str!("f129_metadata_revision_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some((key, value)) = ctx.metadata().and_then(|root| root.entry("revision")) else {
        return;
    };
    let Some(verdict) = judge(value) else { return };
    let span = value_span(key, value, ctx.metadata_text());
    let diagnostic = match verdict {
        Verdict::Refused => {
            let d = out.report(
                &ctx.metadata_path(),
                Some(span),
                format!("metadata `revision` is {}, not an integer", describe_read(value)),
            );
            d.severity = Severity::Error;
            d
        }
        Verdict::Negative(n) => out.report(
            &ctx.metadata_path(),
            Some(span),
            format!("metadata `revision` is {n}, not a non-negative integer"),
        ),
        Verdict::NotDecimal => out.report(
            &ctx.metadata_path(),
            Some(span),
            format!("metadata `revision` is {}, not a plain decimal integer", describe_read(value)),
        ),
    };
    diagnostic.help = Some("write the revision as a plain number, or better, move it to the `revision` file".into());
}

/// What is wrong with metadata's `revision`.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Juju's schema (an int, or a string `strconv.ParseInt` reads) refuses it: Juju
    /// refuses the formula, so this is an error.
    Refused,
    /// A negative number, which `charm proof` warns about.
    Negative(i64),
    /// Juju reads it, but Python's `int()` does not (`"0x10"`), so `charm proof` warns.
    NotDecimal,
}

/// `None` when both Juju and `charm proof` accept the value.
fn judge(value: &Node) -> Option<Verdict> {
    let juju = match &value.kind {
        NodeKind::Int(n) => Some(*n),
        NodeKind::Str(s) => strconv::parse_int(s),
        _ => None,
    };
    let Some(number) = juju else {
        return Some(Verdict::Refused);
    };
    let proof = match &value.kind {
        NodeKind::Str(s) => python::int(s),
        _ => Some(number),
    };
    match proof {
        None => Some(Verdict::NotDecimal),
        Some(n) if n < 0 => Some(Verdict::Negative(n)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{judge, Verdict};
    use crate::yaml::parse;

    fn verdict(yaml: &str) -> Option<Verdict> {
        let root = parse(&format!("revision: {yaml}")).expect("test yaml");
        judge(root.get("revision").expect("revision"))
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict("17"), None);
        assert_eq!(verdict("'17'"), None);
        assert_eq!(verdict("-1"), Some(Verdict::Negative(-1)));
        assert_eq!(verdict("'0x10'"), Some(Verdict::NotDecimal));
        assert_eq!(verdict("' 17'"), Some(Verdict::Refused));
        assert_eq!(verdict("seventeen"), Some(Verdict::Refused));
        assert_eq!(verdict("1.5"), Some(Verdict::Refused));
        assert_eq!(verdict("true"), Some(Verdict::Refused));
        assert_eq!(verdict(""), Some(Verdict::Refused));
    }
}
