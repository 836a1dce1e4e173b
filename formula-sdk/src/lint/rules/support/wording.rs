//! The words messages use for values, keys and lists, so that every rule says them alike.

use super::spans::written;
use crate::yaml::{Node, NodeKind};

/// The node's type with its article, for messages: `a string`, `an int`, `a list`, `a map`,
/// `null`.
pub fn a_type(node: &Node) -> &'static str {
    match node.kind {
        NodeKind::Null => "null",
        NodeKind::Bool(_) => "a boolean",
        NodeKind::Int(_) => "an int",
        NodeKind::Float(_) => "a float",
        NodeKind::Str(_) => "a string",
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "a map",
    }
}

/// A value for a message: ``the string `abc` ``, ``the int `5` ``, `an empty string`, and
/// for the rest its type with its article (`a list`, `null`). Numbers and booleans are shown
/// as written in `text` (`yes`, not `true`) when `text` holds them; long values are cut to
/// one short line.
pub fn describe(node: &Node, text: &str) -> String {
    let value = match &node.kind {
        NodeKind::Null | NodeKind::Seq(_) | NodeKind::Map(_) => return a_type(node).into(),
        NodeKind::Str(s) if s.is_empty() => return "an empty string".into(),
        NodeKind::Str(s) => s.clone(),
        _ => Some(written(node, text))
            .filter(|w| !w.is_empty() && !w.contains(['\n', '#']))
            .map_or_else(|| node.display_value(), str::to_string),
    };
    format!("the {} `{}`", node.type_name(), shorten(&value))
}

/// A value for a message as YAML reads it (``the boolean `true` `` for `yes`), for a message
/// that says what the text was read as.
pub fn describe_read(node: &Node) -> String {
    describe(node, "")
}

/// `text` cut to one short line, for messages.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > MAX || line.len() < text.trim_end().len() {
        let cut: String = line.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// A key's text for messages, as YAML reads it (collections, which Juju cannot use as keys,
/// as `[…]`/`{…}`).
pub fn key_name(key: &Node) -> String {
    key.key_text().unwrap_or_else(|| key.display_value())
}

/// `a`, `a` and `b`, `a`, `b` and `c`: names in backticks, for messages.
pub fn list(names: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An I/O error's text without Rust's ` (os error N)` suffix, starting lowercase.
pub fn tidy_reason(reason: &str) -> String {
    let trimmed = match reason.rfind(" (os error ") {
        Some(i) if reason.ends_with(')') => &reason[..i],
        _ => reason,
    };
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn types_with_articles() {
        let text = "a: 5\nb: [1]\nc:\nd: yes\ne: {f: 1}\ng: x\nh: 1.5\n";
        let node = yaml::parse(text).unwrap();
        let types: Vec<&str> = node.map_entries().unwrap().iter().map(|(_, v)| a_type(v)).collect();
        assert_eq!(types, ["an int", "a list", "null", "a boolean", "a map", "a string", "a float"]);
    }

    #[test]
    fn description_of_nodes() {
        let text = "a: 5\nb: [1]\nc:\nd: yes\ne: ''\nf: 0x10\n";
        let node = yaml::parse(text).unwrap();
        assert_eq!(describe(node.get("a").unwrap(), text), "the int `5`");
        assert_eq!(describe(node.get("b").unwrap(), text), "a list");
        assert_eq!(describe(node.get("c").unwrap(), text), "null");
        assert_eq!(describe(node.get("d").unwrap(), text), "the boolean `yes`");
        assert_eq!(describe(node.get("e").unwrap(), text), "an empty string");
        assert_eq!(describe(node.get("f").unwrap(), text), "the int `0x10`");
        assert_eq!(describe_read(node.get("d").unwrap()), "the boolean `true`");
        assert_eq!(describe_read(node.get("f").unwrap()), "the int `16`");
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shorten("short"), "short");
        assert_eq!(shorten("two\nlines"), "two…");
        assert_eq!(shorten(&"x".repeat(41)), format!("{}…", "x".repeat(40)));
    }

    #[test]
    fn lists_and_reasons() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(tidy_reason("Too many levels of symbolic links (os error 40)"), "too many levels of symbolic links");
        assert_eq!(tidy_reason("is a directory, not a file"), "is a directory, not a file");
    }
}
