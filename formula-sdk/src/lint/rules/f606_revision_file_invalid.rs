//! F606 `revision-file-invalid`: the revision file does not hold a number.
#![doc = include_str!("f606_revision_file_invalid.md")]

use super::support::python;
use super::support::spans::span_of_bytes;
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix};
use crate::go::strconv;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F606",
    name: "revision-file-invalid",
    severity: Severity::Error,
    group: Group::Correctness,
    summary: "the revision file does not hold a number",
    since: "0.1.0",
    fix: FixAvailability::Safe,
    proof: Some("46"),
    explanation: include_str!("f606_revision_file_invalid.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(revision) = &ctx.formula.revision else {
        return;
    };
    let text = &revision.source.text;
    let juju = juju_reads(text);
    let proof_ok = python::is_int(text);
    let trimmed = text.trim();
    let shown = abridged(trimmed.lines().next().unwrap_or(""));
    let start = text.len() - text.trim_start().len();
    let span = span_of_bytes(text, start, start + trimmed.lines().next().unwrap_or("").len());
    let message = match (juju, proof_ok) {
        (Some(_), true) => return,
        _ if is_binary(text) => "the revision file holds binary data, not a number".to_string(),
        (None, false) if trimmed.is_empty() => "the revision file is empty, which Juju and charm proof both reject".to_string(),
        (None, false) => format!("the revision file holds `{shown}`, which Juju and charm proof both reject as not a number"),
        (None, true) => format!("the revision file holds `{shown}`, which charm proof accepts but Juju cannot read as a revision number"),
        (Some(Reading { value, length }), false) if length < trimmed.len() => format!(
            "the revision file holds `{shown}`: Juju reads {value} and ignores `{}`, but charm proof rejects it as non-numeric",
            abridged(trimmed[length..].lines().next().unwrap_or("").trim())
        ),
        (Some(Reading { value, .. }), false) => {
            format!("the revision file holds `{shown}`: Juju reads it as {value}, but charm proof rejects it as non-numeric")
        }
    };
    let diagnostic = out.report(&revision.source.path, Some(span), message);
    diagnostic.help = Some(match juju {
        Some(Reading { value, .. }) if value >= 0 => {
            // Juju already reads this number, so writing it alone changes nothing for Juju.
            diagnostic.fix =
                Some(Fix::safe(vec![Edit::Write { path: "revision".into(), content: format!("{value}\n") }]));
            format!("write just the number in decimal: `{value}`")
        }
        _ => "write just the revision number in decimal, e.g. `1`".into(),
    });
}

/// At most 24 characters of `text`, for a message.
fn abridged(text: &str) -> String {
    if text.chars().count() <= 24 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(24).collect::<String>())
    }
}

/// Whether the file is not text (it was decoded lossily, or holds control characters).
fn is_binary(text: &str) -> bool {
    text.chars().any(|c| c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()))
}

/// What Juju's `fmt.Fscan(file, &revision)` reads: the number, and how many bytes of the
/// trimmed text it took.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Reading {
    value: i64,
    length: usize,
}

/// Go's `fmt.Fscan` into an `int`: skips leading space, takes a sign, a base prefix (`0x`,
/// `0o`, `0b`, or a leading `0` for octal) and the digits that follow, stops at the first
/// other character, and parses that token with `ParseInt(tok, 0, 64)`.
fn juju_reads(text: &str) -> Option<Reading> {
    let s = text.trim_start();
    let bytes = s.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut have_digits = false;
    let digits: &[u8] = if bytes.get(i) == Some(&b'0') {
        i += 1;
        have_digits = true;
        match bytes.get(i).map(u8::to_ascii_lowercase) {
            Some(b'b') => {
                i += 1;
                b"01_"
            }
            Some(b'o') => {
                i += 1;
                b"01234567_"
            }
            Some(b'x') => {
                i += 1;
                b"0123456789abcdefABCDEF_"
            }
            _ => b"01234567_",
        }
    } else {
        b"0123456789_"
    };
    while bytes.get(i).is_some_and(|b| digits.contains(b)) {
        i += 1;
        have_digits = true;
    }
    if !have_digits {
        return None;
    }
    strconv::parse_int(&s[..i]).map(|value| Reading { value, length: i })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_fscan() {
        assert_eq!(juju_reads("12\n"), Some(Reading { value: 12, length: 2 }));
        assert_eq!(juju_reads("  7 apples"), Some(Reading { value: 7, length: 1 }));
        assert_eq!(juju_reads("0x10"), Some(Reading { value: 16, length: 4 }));
        assert_eq!(juju_reads("010"), Some(Reading { value: 8, length: 3 }));
        assert_eq!(juju_reads("08"), Some(Reading { value: 0, length: 1 }));
        assert_eq!(juju_reads("1.5"), Some(Reading { value: 1, length: 1 }));
        assert_eq!(juju_reads("-3"), Some(Reading { value: -3, length: 2 }));
        for bad in ["", "  \n", "abc", "-", "0x", "v12", "99999999999999999999"] {
            assert_eq!(juju_reads(bad), None, "{bad:?}");
        }
    }
}
