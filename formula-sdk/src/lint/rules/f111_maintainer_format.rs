//! F111 `maintainer-format`: a maintainer is not written as Name <email>.
#![doc = include_str!("f111_maintainer_format.md")]

use super::support::metadata::metadata_map;
use super::support::spans::first_line;
use super::support::wording::describe;
use crate::diagnostic::Severity;
use crate::lint::{Check, FixAvailability, Group, LintContext, Reporter, Rule};
use crate::yaml::Node;

/// The rule's registration.
pub const RULE: Rule = Rule {
    code: "F111",
    name: "maintainer-format",
    severity: Severity::Warning,
    group: Group::Style,
    summary: "a maintainer is not written as Name <email>",
    since: "0.1.0",
    fix: FixAvailability::None,
    proof: Some("13"),
    explanation: include_str!("f111_maintainer_format.md"),
    check: Check::Formula(check),
};

fn check(ctx: &LintContext, out: &mut Reporter) {
    let Some(root) = metadata_map(ctx) else {
        return;
    };
    // Only when the shape is right: both fields is F108's, a wrong shape F110's.
    let people: Vec<&Node> = match (root.get("maintainer"), root.get("maintainers")) {
        (Some(one), None) if one.as_seq().is_none() => vec![one],
        (None, Some(many)) => many.as_seq().map(|items| items.iter().collect()).unwrap_or_default(),
        _ => return,
    };
    let text = ctx.metadata_text();
    for person in people {
        let Some(written) = person.as_str() else {
            out.report(
                &ctx.metadata_path(),
                Some(first_line(person.span, text)),
                format!("a maintainer must be a string `Name <email>`, not {}", describe(person, text)),
            )
            .help = Some("write `Your Name <you@example.com>`".into());
            continue;
        };
        let (name, address) = parse_address(written);
        if !name.is_empty() && !address.is_empty() {
            continue;
        }
        let help = help(written, &name, &address);
        let shown = written.trim().escape_debug().to_string();
        out.report(
            &ctx.metadata_path(),
            Some(person.span),
            format!("maintainer `{shown}` is not in the form `Name <email>`"),
        )
        .help = Some(help);
    }
}

/// How to fix a maintainer that lacks a name or an address.
fn help(written: &str, name: &str, address: &str) -> String {
    let text = written.trim();
    if let Some(open) = text.find('<') {
        let before = &text[..open];
        if before.contains(',') && !before.contains('"') {
            return format!("quote the name, which has a comma: `\"{}\" {}`", before.trim(), &text[open..]);
        }
    }
    match (name.is_empty(), address.is_empty()) {
        (true, false) if address.contains('@') => {
            format!("add the name first: `Your Name <{address}>`")
        }
        (true, false) => {
            format!("add the address in angle brackets: `{address} <you@example.com>`")
        }
        (false, true) => format!("add the address in angle brackets: `{name} <you@example.com>`"),
        _ => "write `Your Name <you@example.com>`".into(),
    }
}

/// The (name, address) that Python's `email.utils.parseaddr` finds in `text`, as far as
/// `charm proof` depends on it: `Name <address>`, `address (Name)`, quoted names, and only
/// the first of several comma-separated addresses. Either part is empty when absent.
fn parse_address(text: &str) -> (String, String) {
    let first = first_address(text.trim());
    if let Some(open) = first.find('<') {
        let name = unquote(&first[..open]);
        let rest = &first[open + 1..];
        let inner = rest.split('>').next().unwrap_or("");
        // `<<a@b>>` gives no address to parseaddr.
        let address = if inner.starts_with('<') { String::new() } else { inner.split_whitespace().collect() };
        return (name, address);
    }
    // `address (Name)`: the comment is taken as the name.
    if let (Some(open), Some(close)) = (first.find('('), first.rfind(')')) {
        if open < close {
            let name = first[open + 1..close].trim().to_string();
            let address = format!("{}{}", &first[..open], &first[close + 1..]).split_whitespace().collect();
            return (name, address);
        }
    }
    (String::new(), first.trim().to_string())
}

/// The text up to the first comma outside quotes and angle brackets.
fn first_address(text: &str) -> &str {
    let (mut quoted, mut angled) = (false, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angled = true,
            '>' if !quoted => angled = false,
            ',' if !quoted && !angled => return &text[..i],
            _ => {}
        }
    }
    text
}

/// A display name with its quotes removed and its spaces collapsed.
fn unquote(name: &str) -> String {
    let trimmed = name.trim();
    let inner = trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(trimmed);
    inner.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::parse_address;

    fn ok(text: &str) -> bool {
        let (name, address) = parse_address(text);
        !name.is_empty() && !address.is_empty()
    }

    #[test]
    fn like_python_parseaddr() {
        // Every case checked against Python 3.11's email.utils.parseaddr.
        for good in [
            "Foo <foo@bar>",
            "foo@bar (Foo Bar)",
            "\"Foo, Jr\" <f@b>",
            "Foo <f@b> extra",
            "Foo<f@b>",
            " Foo  Bar <f@b> ",
            "Foo <f>",
            "A <a@b>, B <c@d>",
            "Foo <foo@bar",
            "Juan Negrón <juan@x.org>",
            "Foo (comment) <f@b>",
            "(Foo) f@b",
        ] {
            assert!(ok(good), "{good}");
        }
        for bad in [
            "foo@bar.com",
            "Foo Bar",
            "<foo@bar>",
            "Foo <>",
            "Foo, Jr <f@b>",
            "Foo foo@bar",
            "<>",
            "",
            "\"\" <f@b>",
            "Foo <<f@b>>",
        ] {
            assert!(!ok(bad), "{bad}");
        }
    }
}
